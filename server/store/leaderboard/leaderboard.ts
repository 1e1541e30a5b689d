import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export const BOARDS = ['rating', 'kills'] as const;
export const PERIODS = ['all', 'week'] as const;
export type Board = (typeof BOARDS)[number];
export type Period = (typeof PERIODS)[number];

export interface BoardEntry {
  rank: number;
  profileId: string;
  name: string;
  /** The rating in the game (board `rating`) or its points in the period (board `kills`: kills, goals in a ball match). */
  score: number;
}

export interface BoardPage {
  /** The game whose board this is (shared/games/catalog.ts). */
  game: string;
  board: Board;
  period: Period;
  entries: BoardEntry[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
  /** The asking player's own entry, even outside the page (null: not on this board). */
  own: BoardEntry | null;
}

/** Start of the current week: Monday 00:00 UTC. */
export function weekStartMs(nowMs: number): number {
  const d = new Date(nowMs);
  const day = (d.getUTCDay() + 6) % 7; // Monday 0
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - day);
}

/**
 * Leaderboards, one set per game, computed from the tables on each (briefly cached) request: all
 * time and this week, by the game's rating and by its points (`kills`: a match line's kills, which
 * are a ball match's goals). Ties are broken by profile id so pages never overlap. A cursor is the
 * offset of the next page (opaque to clients, validated on the way in).
 */
export class Leaderboards {
  constructor(private readonly db: Kysely<Database>) {}

  async page(game: string, board: Board, period: Period, offset: number, limit: number, ownId: string | null, nowMs = Date.now()): Promise<BoardPage> {
    const since = period === 'week' ? weekStartMs(nowMs) : 0;
    const scored = this.scores(game, board, since);
    const rows = await this.db.selectFrom(scored.as('s')).selectAll()
      .orderBy('score', 'desc').orderBy('profile_id', 'asc').offset(offset).limit(limit + 1).execute();
    const entries = rows.slice(0, limit).map((r, i) => ({ rank: offset + i + 1, profileId: r.profile_id, name: r.name, score: Number(r.score) }));
    let own: BoardEntry | null = null;
    if (ownId !== null) {
      const mine = await this.db.selectFrom(scored.as('s')).selectAll().where('profile_id', '=', ownId).executeTakeFirst();
      if (mine !== undefined) {
        const ahead = await this.db.selectFrom(scored.as('s')).select((eb) => eb.fn.countAll<number>().as('n'))
          .where((eb) => eb.or([eb('score', '>', mine.score), eb.and([eb('score', '=', mine.score), eb('profile_id', '<', ownId)])]))
          .executeTakeFirstOrThrow();
        own = { rank: Number(ahead.n) + 1, profileId: ownId, name: mine.name, score: Number(mine.score) };
      }
    }
    return { game, board, period, entries, nextCursor: rows.length > limit ? encodeCursor(offset + limit) : null, own };
  }

  private scores(game: string, board: Board, since: number) {
    const db = this.db;
    if (board === 'rating') {
      // Players rated in the game at least once; this week: those with a rated match of it ending this week.
      return db.selectFrom('ratings').innerJoin('profiles', 'profiles.id', 'ratings.profile_id')
        .select(['profiles.id as profile_id', 'profiles.name as name', 'ratings.rating as score'])
        .where('ratings.game', '=', game).where('ratings.matches_played', '>', 0)
        .$if(since > 0, (q) => q.where((eb) => eb.exists(
          eb.selectFrom('match_lines').innerJoin('matches', 'matches.id', 'match_lines.match_id').select(sql`1`.as('one'))
            .whereRef('match_lines.profile_id', '=', 'profiles.id').where('matches.game', '=', game)
            .where('matches.rated', '=', 1).where('matches.ended_at', '>=', since),
        )));
    }
    return db.selectFrom('match_lines')
      .innerJoin('matches', 'matches.id', 'match_lines.match_id')
      .innerJoin('profiles', 'profiles.id', 'match_lines.profile_id')
      .select((eb) => ['profiles.id as profile_id', 'profiles.name as name', eb.fn.sum<number>('match_lines.kills').as('score')])
      .where('matches.status', '=', 'ended')
      // The game's own points: a goal and a kill do not add up.
      .where('matches.game', '=', game)
      .$if(since > 0, (q) => q.where('matches.ended_at', '>=', since))
      .groupBy(['profiles.id', 'profiles.name']);
  }
}

export function encodeCursor(offset: number): string {
  return Buffer.from(`o${offset}`).toString('base64url');
}

/** The offset a cursor stands for, or undefined when it is not one of ours. */
export function decodeCursor(cursor: string, maxOffset: number): number | undefined {
  if (!/^[A-Za-z0-9_-]{1,16}$/.test(cursor)) return undefined;
  const m = /^o(\d{1,7})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (m === null) return undefined;
  const offset = Number(m[1]);
  return offset <= maxOffset ? offset : undefined;
}
