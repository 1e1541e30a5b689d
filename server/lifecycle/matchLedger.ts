import { randomUUID } from 'node:crypto';
import type { StandingsLine } from '../../shared/game/definition.ts';
import { TICK_HZ } from '../../shared/limits.ts';
import type { MatchEnd } from '../../shared/messages.ts';
import type { MatchEndReason } from '../store/db/schema.ts';
import type { MatchLineRecord, MatchRecord, RatingChanges } from '../store/matches/records.ts';

/** Where a room's match records go (the store's write queue: never awaited on the tick). */
export interface MatchSink {
  checkpoint(record: MatchRecord): void;
  finish(record: MatchRecord, reason: MatchEndReason, written?: (changes: RatingChanges | undefined) => void): void;
  readonly instance: string;
}

/**
 * A seated player's score as the ledger reads it: the fields of a game's standings line
 * (shared/game/definition.ts: `kills` the game's points; `team` and `placing` when the game gives them).
 */
export type PlayerScore = Readonly<Pick<StandingsLine, 'kills' | 'deaths' | 'team' | 'placing'>>;

/**
 * What the ledger reads of a match when it writes a record: the tick and each seated player's score.
 * The arena's World is one as it is; another game passes its standings (server/rooms/GameRoom.ts).
 */
export interface MatchScores {
  readonly tick: number;
  readonly players: ReadonlyMap<string, PlayerScore>;
}

/** How a match the room ended is stored: one cut at the drain's deadline was drained. */
export function storedEndReason(reason: MatchEnd['reason']): MatchEndReason {
  return reason === 'shutdown' ? 'drained' : reason;
}

interface Participant {
  profileId: string | null;
  name: string;
  /** Kills, deaths and ticks of this profile's seats that have left. */
  kills: number;
  deaths: number;
  ticksDone: number;
  damage: number;
  /** The team its seats played for, as last seen (a game without teams: undefined). */
  team: number | undefined;
  /** Seats of this profile in the room now (two tabs of one browser are two seats), with their join tick. */
  live: Map<string, number>;
}

/**
 * What a room remembers of its match for the record: who took part (players who left included),
 * their kills, deaths, damage and time played, one line per profile (a profile's seats add up).
 * It only counts; the record is built when asked (a checkpoint every few seconds, the end) and
 * handed to the sink, which writes it off the tick.
 */
export class MatchLedger {
  readonly matchId = randomUUID();
  private readonly startedAt = Date.now();
  private readonly byKey = new Map<string, Participant>();
  private readonly keyBySession = new Map<string, string>();
  private finished = false;

  constructor(private readonly sink: MatchSink, private readonly meta: { game: string; roomKind: string; mapId: string }) {}

  get ended(): boolean {
    return this.finished;
  }

  /** A player seat was taken (`profileId` null: no stored profile). */
  join(sessionId: string, profileId: string | null, name: string, tick: number): void {
    if (this.finished) return;
    // One line per profile; players without one get a line per seat.
    const key = profileId ?? `session:${sessionId}`;
    let p = this.byKey.get(key);
    if (p === undefined) {
      p = { profileId, name, kills: 0, deaths: 0, ticksDone: 0, damage: 0, team: undefined, live: new Map() };
      this.byKey.set(key, p);
    }
    p.name = name;
    p.live.set(sessionId, tick);
    this.keyBySession.set(sessionId, key);
  }

  /** A player left for good (not a dropped seat still held): keep its score. */
  leave(sessionId: string, player: PlayerScore | undefined, tick: number): void {
    const key = this.keyBySession.get(sessionId);
    this.keyBySession.delete(sessionId);
    if (this.finished || key === undefined) return;
    const p = this.byKey.get(key)!;
    if (player !== undefined) {
      p.kills += player.kills;
      p.deaths += player.deaths;
      p.team = player.team ?? p.team;
    }
    const joined = p.live.get(sessionId);
    if (joined !== undefined) p.ticksDone += tick - joined;
    p.live.delete(sessionId);
  }

  /** Damage a seat dealt (a game that has none never calls it; the scores hold kills and deaths). */
  damageDealt(sessionId: string, damage: number): void {
    if (this.finished) return;
    const key = this.keyBySession.get(sessionId);
    if (key !== undefined) this.byKey.get(key)!.damage += damage;
  }

  /** Anyone ever took a seat. */
  get hasParticipants(): boolean {
    return this.byKey.size > 0;
  }

  checkpoint(world: MatchScores): void {
    if (this.finished || !this.hasParticipants) return;
    this.sink.checkpoint(this.record(world));
  }

  /** The match ended: its final record goes to the sink (once). */
  finish(world: MatchScores, reason: MatchEndReason, written?: (changes: RatingChanges | undefined) => void): MatchRecord | undefined {
    if (this.finished) return undefined;
    const record = this.record(world);
    this.finished = true;
    if (record.lines.length > 0) this.sink.finish(record, reason, written);
    return record;
  }

  private record(world: MatchScores): MatchRecord {
    const msPerTick = 1000 / TICK_HZ;
    const lines: UnplacedLine[] = [];
    for (const p of this.byKey.values()) {
      let { kills, deaths, ticksDone: ticks, team } = p;
      let given: number | undefined;
      for (const [sessionId, joined] of p.live) {
        const player = world.players.get(sessionId);
        kills += player?.kills ?? 0;
        deaths += player?.deaths ?? 0;
        team = player?.team ?? team;
        if (player?.placing !== undefined) given = Math.min(given ?? player.placing, player.placing);
        ticks += world.tick - joined;
      }
      lines.push({ profileId: p.profileId, name: p.name, kills, deaths, damage: p.damage, timePlayedMs: Math.round(ticks * msPerTick), team, given });
    }
    return {
      id: this.matchId, game: this.meta.game, roomKind: this.meta.roomKind, mapId: this.meta.mapId, instance: this.sink.instance,
      startedAt: this.startedAt, at: Date.now(), durationMs: Math.round(world.tick * msPerTick), lines: placeLines(lines),
    };
  }
}

/** A line before its placing: `given` is the game's own placing of the profile's seats still seated. */
type UnplacedLine = Omit<MatchLineRecord, 'placing'> & { given: number | undefined };

/**
 * Each line's placing, best first (1 = best; equal results share one: a draw for the rating). When
 * the game's standings place players (a team game places teams by the match's result), those
 * placings; a player who left before the end takes their team's, or comes after everyone seated.
 * Otherwise by kills, then fewer deaths.
 */
function placeLines(lines: readonly UnplacedLine[]): MatchLineRecord[] {
  const strip = ({ given: _, ...line }: UnplacedLine, placing: number): MatchLineRecord => ({ ...line, placing });
  if (lines.some((l) => l.given !== undefined)) {
    const byTeam = new Map<number, number>();
    for (const l of lines) if (l.team !== undefined && l.given !== undefined) byTeam.set(l.team, Math.min(byTeam.get(l.team) ?? l.given, l.given));
    const behind = Math.max(...lines.map((l) => l.given ?? 0)) + 1;
    return lines.map((l) => strip(l, l.given ?? (l.team === undefined ? undefined : byTeam.get(l.team)) ?? behind))
      .sort((a, b) => a.placing - b.placing || b.kills - a.kills || a.deaths - b.deaths);
  }
  const sorted = [...lines].sort((a, b) => b.kills - a.kills || a.deaths - b.deaths);
  let placing = 0;
  return sorted.map((l, i) => {
    const prev = sorted[i - 1];
    if (prev === undefined || prev.kills !== l.kills || prev.deaths !== l.deaths) placing = i + 1;
    return strip(l, placing);
  });
}
