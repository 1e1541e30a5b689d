import type { Kysely, Transaction } from 'kysely';
import type { Database, MatchEndReason } from '../db/schema.ts';
import { displayRating, INITIAL_RATING, rateTeams, type PlayerRating } from '../ratings/rating.ts';

export interface MatchLineRecord {
  /** null: a player without a stored profile (or one since deleted). */
  profileId: string | null;
  name: string;
  kills: number;
  deaths: number;
  damage: number;
  timePlayedMs: number;
  /** 1 = best; equal results share a placing. */
  placing: number;
  /** The player's team in a team game (rated together); not stored: it matters only to the rating. */
  team?: number;
}

/** One match as the room knows it: final at the end, or a checkpoint while it runs. */
export interface MatchRecord {
  id: string;
  game: string;
  roomKind: string;
  mapId: string;
  instance: string;
  startedAt: number;
  /** Wall-clock time of this record (the end for a final record). */
  at: number;
  durationMs: number;
  lines: MatchLineRecord[];
}

export type RatingChanges = Map<string, { before: number; after: number }>;

/**
 * Matches that change ratings (their game's): played to their end (its time, or decided by play),
 * with players with profiles on at least two sides (two players, or two teams in a team game).
 */
export function isRated(reason: MatchEndReason, record: Pick<MatchRecord, 'lines'>): boolean {
  return (reason === 'time' || reason === 'decided') && new Set(record.lines.filter((l) => l.profileId !== null).map(sideOf)).size >= 2;
}

/** Who a line plays for, as rated: its team in a team game, else the player alone. */
function sideOf(line: MatchLineRecord): string {
  return line.team === undefined ? `player:${line.profileId}` : `team:${line.team}`;
}

/**
 * Match records. Every write is keyed by the match id and conditioned on the match still running,
 * so a retried or repeated write changes nothing twice: a final write after another final write is
 * ignored, and a checkpoint after the end is too.
 */
export class MatchStore {
  /** `lockRows`: the engine has row locks (PostgreSQL); SQLite's writers are serialised by BEGIN IMMEDIATE. */
  constructor(private readonly db: Kysely<Database>, private readonly lockRows = false) {}

  /** Save a running match's lines (at most every checkpoint interval). False when it has already ended. */
  async checkpoint(record: MatchRecord): Promise<boolean> {
    return this.db.transaction().execute(async (tx) => {
      await insertRunning(tx, record);
      const r = await tx.updateTable('matches').set({ checkpoint_at: record.at, duration_ms: record.durationMs })
        .where('id', '=', record.id).where('status', '=', 'running').executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return false;
      await replaceLines(tx, record, undefined);
      return true;
    });
  }

  /**
   * The match has ended: the match, its lines and (for a rated match) the players' new ratings,
   * in one transaction. Returns the rating changes, or undefined when this match was already written.
   */
  async finish(record: MatchRecord, reason: MatchEndReason): Promise<RatingChanges | undefined> {
    return this.db.transaction().execute(async (tx) => {
      await insertRunning(tx, record);
      const rated = isRated(reason, record);
      const r = await tx.updateTable('matches')
        .set({ status: 'ended', end_reason: reason, ended_at: record.at, checkpoint_at: record.at, duration_ms: record.durationMs, rated: rated ? 1 : 0 })
        .where('id', '=', record.id).where('status', '=', 'running').executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0) return undefined;
      const changes = rated ? await applyRatings(tx, record, this.lockRows) : new Map();
      await replaceLines(tx, record, changes);
      return changes;
    });
  }

  /**
   * Close matches whose process is gone as `interrupted`, with their last checkpoint: those this
   * instance left running before a restart, and any whose checkpoint is older than `staleBeforeMs`.
   */
  async closeInterrupted(instance: string, startedBeforeMs: number, staleBeforeMs: number): Promise<string[]> {
    const rows = await this.db.selectFrom('matches').select(['id'])
      .where('status', '=', 'running')
      .where((eb) => eb.or([
        eb.and([eb('instance', '=', instance), eb('started_at', '<', startedBeforeMs)]),
        eb('checkpoint_at', '<', staleBeforeMs),
      ]))
      .execute();
    const closed: string[] = [];
    for (const { id } of rows) {
      const r = await this.db.updateTable('matches')
        .set((eb) => ({ status: 'ended', end_reason: 'interrupted', ended_at: eb.ref('checkpoint_at'), rated: 0 }))
        .where('id', '=', id).where('status', '=', 'running').executeTakeFirst();
      if (Number(r.numUpdatedRows) > 0) closed.push(id);
    }
    return closed;
  }
}

async function insertRunning(tx: Transaction<Database>, record: MatchRecord): Promise<void> {
  await tx.insertInto('matches').values({
    id: record.id, game: record.game, room_kind: record.roomKind, map_id: record.mapId, instance: record.instance,
    status: 'running', end_reason: null, started_at: record.startedAt, ended_at: null, duration_ms: record.durationMs,
    checkpoint_at: record.at, rated: 0,
  }).onConflict((oc) => oc.column('id').doNothing()).execute();
}

async function replaceLines(tx: Transaction<Database>, record: MatchRecord, changes: RatingChanges | undefined): Promise<void> {
  await tx.deleteFrom('match_lines').where('match_id', '=', record.id).execute();
  if (record.lines.length === 0) return;
  await tx.insertInto('match_lines').values(record.lines.map((l, seat) => {
    const change = l.profileId === null ? undefined : changes?.get(l.profileId);
    return {
      match_id: record.id, seat, profile_id: l.profileId, name: l.name, kills: l.kills, deaths: l.deaths, damage: l.damage,
      time_played_ms: Math.round(l.timePlayedMs), placing: l.placing, rating_before: change?.before ?? null, rating_after: change?.after ?? null,
    };
  })).execute();
}

/**
 * Rate the players who have a stored profile (one line each) in the match's game, by placing: teams
 * when the lines have them (a team's players rated as one), else each player alone. A player's
 * first match of a game starts from OpenSkill's initial rating.
 */
async function applyRatings(tx: Transaction<Database>, record: MatchRecord, lockRows: boolean): Promise<RatingChanges> {
  const best = new Map<string, MatchLineRecord>();
  for (const l of record.lines) {
    if (l.profileId === null) continue;
    const seen = best.get(l.profileId);
    if (seen === undefined || l.placing < seen.placing) best.set(l.profileId, l);
  }
  const changes: RatingChanges = new Map();
  if (best.size === 0) return changes;
  // Profiles deleted meanwhile are left out; the others get a row at the initial rating if they
  // have none for this game (a row another match is creating at this moment is left to it).
  const ids = (await tx.selectFrom('profiles').select('id').where('id', 'in', [...best.keys()]).orderBy('id').execute()).map((r) => r.id);
  // One side left (everyone on one team, or alone): nobody was beaten, nothing to learn.
  if (new Set(ids.map((id) => sideOf(best.get(id)!))).size < 2) return changes;
  const initial = { game: record.game, mu: INITIAL_RATING.mu, sigma: INITIAL_RATING.sigma, rating: displayRating(INITIAL_RATING), matches_played: 0 };
  await tx.insertInto('ratings').values(ids.map((id) => ({ profile_id: id, ...initial })))
    .onConflict((oc) => oc.columns(['profile_id', 'game']).doNothing()).execute();
  // A player in two matches that end at once (two processes): the second transaction waits for the
  // first's new rating instead of overwriting it (rows locked in id order: no deadlock).
  const rows = await tx.selectFrom('ratings').select(['profile_id', 'mu', 'sigma', 'rating'])
    .where('game', '=', record.game).where('profile_id', 'in', ids).orderBy('profile_id').$if(lockRows, (q) => q.forUpdate()).execute();
  const teams = new Map<string, { placing: number; players: Array<{ id: string; before: number; skill: PlayerRating }> }>();
  for (const row of rows) {
    const line = best.get(row.profile_id)!;
    let team = teams.get(sideOf(line));
    if (team === undefined) teams.set(sideOf(line), (team = { placing: line.placing, players: [] }));
    team.placing = Math.min(team.placing, line.placing);
    team.players.push({ id: row.profile_id, before: row.rating, skill: { mu: row.mu, sigma: row.sigma } });
  }
  const order = [...teams.values()];
  const next = await rateTeams(order.map((t) => t.players.map((p) => p.skill)), order.map((t) => t.placing));
  for (const [i, team] of order.entries()) {
    for (const [j, player] of team.players.entries()) {
      const after = next[i]![j]!;
      const shown = displayRating(after);
      await tx.updateTable('ratings')
        .set((eb) => ({ mu: after.mu, sigma: after.sigma, rating: shown, matches_played: eb('matches_played', '+', 1) }))
        .where('profile_id', '=', player.id).where('game', '=', record.game).execute();
      changes.set(player.id, { before: player.before, after: shown });
    }
  }
  return changes;
}
