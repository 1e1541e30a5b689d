import type { Kysely } from 'kysely';
import type { Database, MatchEndReason } from '../db/schema.ts';
import type { MatchLineRecord } from './records.ts';

export interface MatchSummary {
  matchId: string;
  /** The game played (GET /api/games); a line's `kills` are that game's points. */
  game: string;
  roomKind: string;
  mapId: string;
  endReason: MatchEndReason | null;
  startedAt: number;
  endedAt: number | null;
  durationMs: number;
}

export interface PlayerMatch extends MatchSummary {
  name: string;
  kills: number;
  deaths: number;
  damage: number;
  placing: number;
  ratingBefore: number | null;
  ratingAfter: number | null;
}

/** A participant's line as written (records.ts), with the rating change it brought. */
export interface MatchLine extends MatchLineRecord {
  ratingBefore: number | null;
  ratingAfter: number | null;
}

/** Reading match records: a player's recent matches, one match's table. */
export class MatchHistory {
  constructor(private readonly db: Kysely<Database>) {}

  /** A player's ended matches, newest first. */
  async ofPlayer(profileId: string, offset: number, limit: number): Promise<{ matches: PlayerMatch[]; more: boolean }> {
    const rows = await this.db.selectFrom('match_lines').innerJoin('matches', 'matches.id', 'match_lines.match_id')
      .select([
        'matches.id as matchId', 'matches.game as game', 'matches.room_kind as roomKind', 'matches.map_id as mapId', 'matches.end_reason as endReason',
        'matches.started_at as startedAt', 'matches.ended_at as endedAt', 'matches.duration_ms as durationMs',
        'match_lines.name as name', 'match_lines.kills as kills', 'match_lines.deaths as deaths', 'match_lines.damage as damage',
        'match_lines.placing as placing', 'match_lines.rating_before as ratingBefore', 'match_lines.rating_after as ratingAfter',
      ])
      .where('match_lines.profile_id', '=', profileId).where('matches.status', '=', 'ended')
      .orderBy('matches.ended_at', 'desc').orderBy('matches.id', 'asc').offset(offset).limit(limit + 1).execute();
    return { matches: rows.slice(0, limit), more: rows.length > limit };
  }

  /** One match and its table (best first), or undefined. */
  async match(matchId: string): Promise<(MatchSummary & { status: string; lines: MatchLine[] }) | undefined> {
    const m = await this.db.selectFrom('matches').selectAll().where('id', '=', matchId).executeTakeFirst();
    if (m === undefined) return undefined;
    const lines = await this.db.selectFrom('match_lines')
      .select(['profile_id as profileId', 'name', 'kills', 'deaths', 'damage', 'time_played_ms as timePlayedMs', 'placing', 'rating_before as ratingBefore', 'rating_after as ratingAfter'])
      .where('match_id', '=', matchId).orderBy('placing', 'asc').orderBy('seat', 'asc').execute();
    return {
      matchId: m.id, game: m.game, roomKind: m.room_kind, mapId: m.map_id, endReason: m.end_reason, startedAt: m.started_at,
      endedAt: m.ended_at, durationMs: m.duration_ms, status: m.status, lines,
    };
  }
}
