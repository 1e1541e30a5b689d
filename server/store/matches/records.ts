import type { Kysely, Transaction } from 'kysely';
import type { Database, MatchEndReason } from '../db/schema.ts';
import { displayRating, rateMatch } from '../ratings/rating.ts';

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
  /** A match of the game that has ratings (store/config.ts' RATED_GAME_ID): it may change them. */
  rated: boolean;
}

export type RatingChanges = Map<string, { before: number; after: number }>;

/** Matches that change ratings: of a rated game, played to their end, with at least two players with profiles. */
export function isRated(reason: MatchEndReason, record: Pick<MatchRecord, 'rated' | 'lines'>): boolean {
  return record.rated && (reason === 'time' || reason === 'decided') && new Set(record.lines.map((l) => l.profileId).filter((p) => p !== null)).size >= 2;
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

/** Rate the players who have a stored profile (one line each), by placing; update their profiles. */
async function applyRatings(tx: Transaction<Database>, record: MatchRecord, lockRows: boolean): Promise<RatingChanges> {
  const best = new Map<string, MatchLineRecord>();
  for (const l of record.lines) {
    if (l.profileId === null) continue;
    const seen = best.get(l.profileId);
    if (seen === undefined || l.placing < seen.placing) best.set(l.profileId, l);
  }
  const ids = [...best.keys()];
  // A player in two matches that end at once (two processes): the second transaction waits for the
  // first's new rating instead of overwriting it (rows locked in id order: no deadlock).
  const rows = ids.length === 0 ? [] : await tx.selectFrom('profiles').select(['id', 'rating_mu', 'rating_sigma', 'rating'])
    .where('id', 'in', ids).orderBy('id').$if(lockRows, (q) => q.forUpdate()).execute();
  const changes: RatingChanges = new Map();
  if (rows.length < 2) return changes;
  const next = rateMatch(rows.map((r) => ({ mu: r.rating_mu, sigma: r.rating_sigma })), rows.map((r) => best.get(r.id)!.placing));
  for (const [i, row] of rows.entries()) {
    const after = next[i]!;
    const shown = displayRating(after);
    await tx.updateTable('profiles')
      .set((eb) => ({ rating_mu: after.mu, rating_sigma: after.sigma, rating: shown, matches_played: eb('matches_played', '+', 1) }))
      .where('id', '=', row.id).execute();
    changes.set(row.id, { before: row.rating, after: shown });
  }
  return changes;
}
