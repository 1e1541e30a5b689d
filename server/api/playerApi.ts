import type { Application, Request, Response } from 'express';
import { z } from 'zod';
import { DEFAULT_GAME_ID } from '../../shared/games/ids.ts';
import { log } from '../observability/log.ts';
import { BOARDS, decodeCursor, encodeCursor, PERIODS } from '../store/leaderboard/leaderboard.ts';
import type { Store } from '../store/store.ts';
import { publicProfile } from '../security/guestAuthRoute.ts';
import { ShortCache } from '../http/cache.ts';
import { sendError } from '../http/errors.ts';

/** Answers are reused this long (and browsers and proxies may keep them as long). */
export const RESULTS_CACHE_TTL_MS = 5000;
const RESULTS_CACHE_ENTRIES = 2000;
export const PAGE_SIZE_DEFAULT = 20;
export const PAGE_SIZE_MAX = 100;
/** Deepest page a cursor may point at: boards and histories are not for crawling. */
export const MAX_PAGE_OFFSET = 10_000;

const profileId = z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'not a profile id');
const matchId = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'not a match id');
const cursor = z.string().max(32).transform((c, ctx) => {
  const offset = decodeCursor(c, MAX_PAGE_OFFSET);
  if (offset === undefined) {
    ctx.addIssue({ code: 'custom', message: 'not a cursor' });
    return z.NEVER;
  }
  return offset;
});
const limit = z.string().regex(/^\d{1,3}$/, 'not a number').transform(Number).pipe(z.number().int().min(1).max(PAGE_SIZE_MAX));
/** `gameIds`: the games this server hosts (each has its own boards). */
const leaderboardQuery = (gameIds: readonly [string, ...string[]]) => z.strictObject({
  /** Whose boards: each game has its own (default: the arena's, all that clients before per-game ratings knew). */
  game: z.enum(gameIds).default(DEFAULT_GAME_ID),
  board: z.enum(BOARDS).default('rating'),
  period: z.enum(PERIODS).default('all'),
  cursor: cursor.optional(),
  limit: limit.optional(),
  /** The asking player's profile, for its own rank. */
  me: profileId.optional(),
});
const pageQuery = z.strictObject({ cursor: cursor.optional(), limit: limit.optional() });

type Parsed<T> = { ok: true; value: T } | { ok: false };

function parse<T>(schema: z.ZodType<T>, value: unknown, res: Response, what: string): Parsed<T> {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const issue = r.error.issues[0];
  const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
  sendError(res, 400, `bad_request: ${what} ${where}${issue?.code === 'unrecognized_keys' ? 'unknown parameter' : issue?.message ?? 'invalid'}`);
  return { ok: false };
}

/**
 * The public results API: leaderboards, a player's profile and recent matches, one match's table.
 * Every input is validated (strict: an unknown or repeated parameter is a 400), answers are cached
 * here for RESULTS_CACHE_TTL_MS (a player's profile and history are forgotten when one of their
 * matches is written by this process; browsers may keep boards and ended matches as long), and every error is the fixed `{ code, error }` body: 404 for what does
 * not exist, 503 while the database does not answer.
 */
export function mountPlayerApi(app: Application, store: Store, gameIds: readonly [string, ...string[]]): void {
  const boardQuery = leaderboardQuery(gameIds);
  const cache = new ShortCache<unknown>(RESULTS_CACHE_TTL_MS, RESULTS_CACHE_ENTRIES);
  // A player's own history and profile change when their match is written here: asked right after
  // (the lobby after a match, a reload), they must show it. Boards may lag by the cache's life.
  store.onMatchWritten((record) => {
    for (const line of record.lines) {
      if (line.profileId === null) continue;
      cache.deletePrefix(`pm:${line.profileId}:`);
      cache.delete(`p:${line.profileId}`);
    }
  });
  const answer = async (res: Response, key: string, compute: () => Promise<unknown>, final: (v: unknown) => boolean = () => true, browserCache = true) => {
    try {
      const value = await cache.get(key, compute);
      // What may still appear or change soon (not written yet, still running) is asked again next time.
      if (value === undefined || !final(value)) cache.delete(key);
      if (value === undefined) return sendError(res, 404, 'not_found');
      if (!final(value) || !browserCache) return void res.set('cache-control', 'no-store').json(value);
      res.set('cache-control', `public, max-age=${RESULTS_CACHE_TTL_MS / 1000}`).json(value);
    } catch (err) {
      log.warn({ err: (err as Error).message, key }, 'results query failed');
      sendError(res, 503, 'service_unavailable: results are unavailable right now', { 'retry-after': '5' });
    }
  };

  app.get('/api/leaderboard', async (req: Request, res: Response) => {
    const q = parse(boardQuery, req.query, res, 'query');
    if (!q.ok) return;
    const { game, board, period, cursor: offset = 0, limit: size = PAGE_SIZE_DEFAULT, me } = q.value;
    await answer(res, `lb:${game}:${board}:${period}:${offset}:${size}:${me ?? ''}`, () => store.leaderboards.page(game, board, period, offset, size, me ?? null));
  });

  app.get('/api/players/:id', async (req: Request, res: Response) => {
    const id = parse(profileId, req.params.id, res, 'player');
    if (!id.ok || !parse(z.strictObject({}), req.query, res, 'query').ok) return;
    await answer(res, `p:${id.value}`, async () => {
      const p = await store.profiles.get(id.value);
      return p === undefined ? undefined : { ...publicProfile(p), createdAt: p.createdAt };
    }, undefined, false);
  });

  app.get('/api/players/:id/matches', async (req: Request, res: Response) => {
    const id = parse(profileId, req.params.id, res, 'player');
    if (!id.ok) return;
    const q = parse(pageQuery, req.query, res, 'query');
    if (!q.ok) return;
    const { cursor: offset = 0, limit: size = PAGE_SIZE_DEFAULT } = q.value;
    await answer(res, `pm:${id.value}:${offset}:${size}`, async () => {
      if (await store.profiles.get(id.value) === undefined) return undefined;
      const page = await store.history.ofPlayer(id.value, offset, size);
      return { matches: page.matches, nextCursor: page.more ? encodeCursor(offset + size) : null };
    }, undefined, false);
  });

  app.get('/api/matches/:id', async (req: Request, res: Response) => {
    const id = parse(matchId, req.params.id, res, 'match');
    if (!id.ok || !parse(z.strictObject({}), req.query, res, 'query').ok) return;
    await answer(res, `m:${id.value}`, () => store.history.match(id.value), (m) => (m as { status: string }).status === 'ended');
  });
}
