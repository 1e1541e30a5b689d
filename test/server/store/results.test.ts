import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOIN_REJECTIONS } from '../../../shared/closeCodes.ts';
import { ARENA_GAME_ID, BALL_GAME_ID } from '../../../shared/games/ids.ts';
import type { MatchEnd } from '../../../shared/messages.ts';
import { GuestAuth } from '../../../game-client/net/guestAuth.ts';
import { Lobby } from '../../../game-client/net/lobby.ts';
import type { ArenaSession } from '../../../game-client/net/session.ts';
import { PROFILE_COOKIE } from '../../../server/security/guestAuthRoute.ts';
import { displayRating, INITIAL_RATING } from '../../../server/store/ratings/rating.ts';
import { cookieJarFetch } from '../../helpers/cookieJar.ts';
import { startTestServer } from '../../helpers/server.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../helpers/stores.ts';
import { waitFor } from '../../helpers/wait.ts';

const MATCH_S = 2;

/**
 * Results over real connections, on both engines: players with profiles (cookies like a browser's)
 * finish a timed match; the record, the ratings, the histories and the boards follow; the profile
 * cookie stays out of bodies and URLs; a banned profile cannot join.
 */
describe.each(ENGINES)('match results on %s', (engine) => {
  let tdb: TestDatabase;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const sessions: ArenaSession[] = [];
  beforeAll(async () => {
    tdb = await createTestDatabase(engine);
    server = await startTestServer({ store: tdb.config, operations: { matchDurationS: MATCH_S } });
  });
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.leave().catch(() => undefined)));
    await server?.close();
    await tdb?.drop();
  });

  function player() {
    const jar = cookieJarFetch();
    const auth = new GuestAuth(server.endpoint, jar.fetch);
    return { jar, auth, lobby: new Lobby(server.endpoint, { auth }) };
  }
  const api = async (path: string) => {
    const res = await fetch(`${server.endpoint}${path}`);
    return { status: res.status, body: await res.json() as any, cacheControl: res.headers.get('cache-control') };
  };

  it('a first visit makes a profile behind an HttpOnly SameSite=Strict cookie that never shows in a body; the next visit is the same profile', async () => {
    const p = player();
    const profile = await p.auth.signIn('ann');
    expect(profile).toMatchObject({ name: 'ann', rating: displayRating(INITIAL_RATING), matchesPlayed: 0, ratings: {}, banned: false });
    expect(p.jar.seen).toHaveLength(1);
    expect(p.jar.seen[0]).toMatch(new RegExp(`^${PROFILE_COOKIE}=[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}; Path=/auth; Max-Age=\\d+; HttpOnly; SameSite=Strict$`));
    const secret = p.jar.cookies.get(PROFILE_COOKIE)!;
    // Same cookie: same profile, and no new cookie (not due for rotation).
    const raw = await p.jar.fetch(`${server.endpoint}/auth/guest`, { method: 'POST' });
    const text = await raw.text();
    expect(text).not.toContain(secret);
    expect(text).not.toContain(secret.split('.')[1]);
    expect(JSON.parse(text).profile.id).toBe(profile!.id);
    expect(p.jar.seen).toHaveLength(1);
    // A bad body is refused in the fixed shape.
    const bad = await p.jar.fetch(`${server.endpoint}/auth/guest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: '', extra: 1 }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 400, error: expect.stringMatching(/^invalid_options: /) });
  });

  it('a finished match is recorded once with its lines and ratings; histories and boards show it', async () => {
    const a = player();
    const b = player();
    const pa = (await a.auth.signIn('alpha'))!;
    const pb = (await b.auth.signIn('bravo'))!;
    const sa = await a.lobby.createPrivate('alpha');
    const sb = await b.lobby.joinByCode(sa.code, 'bravo');
    sessions.push(sa, sb);
    const ends = [sa, sb].map((s) => new Promise<MatchEnd>((resolve) => s.events.on('matchEnd', resolve)));
    const [endA, endB] = (await Promise.all(ends)) as [MatchEnd, MatchEnd];
    expect(endA.matchId).toMatch(/^[0-9a-f-]{36}$/);
    expect(endB.matchId).toBe(endA.matchId);

    const match = await waitFor('the match record', async () => {
      const r = await api(`/api/matches/${endA.matchId}`);
      return r.status === 200 && r.body.status === 'ended' ? r.body : undefined;
    }, { timeoutMs: 10_000, intervalMs: 100 });
    expect(match).toMatchObject({ endReason: 'time', roomKind: 'arena' });
    expect(match.lines.map((l: any) => l.profileId).sort()).toEqual([pa.id, pb.id].sort());
    for (const line of match.lines) {
      expect(line.timePlayedMs).toBeGreaterThan(MATCH_S * 1000 * 0.5);
      expect(typeof line.ratingBefore).toBe('number');
      expect(typeof line.ratingAfter).toBe('number');
    }

    const history = await api(`/api/players/${pa.id}/matches`);
    expect(history.status).toBe(200);
    expect(history.body.matches.map((m: any) => m.matchId)).toEqual([endA.matchId]);
    expect(history.cacheControl).toBe('no-store');
    expect((await api(`/api/leaderboard`)).cacheControl).toMatch(/max-age=\d+/);
    const profile = await api(`/api/players/${pa.id}`);
    expect(profile.body).toMatchObject({ id: pa.id, name: 'alpha', matchesPlayed: 1 });
    // The top-level rating is the arena's, as before; `ratings` has each game the profile was rated in.
    expect(profile.body.ratings).toEqual({ [ARENA_GAME_ID]: { rating: profile.body.rating, matchesPlayed: 1 } });

    const board = await api(`/api/leaderboard?board=rating&period=week&me=${pb.id}`);
    expect(board.status).toBe(200);
    expect(board.body.entries.map((e: any) => e.profileId).sort()).toEqual([pa.id, pb.id].sort());
    expect(board.body.own).toMatchObject({ profileId: pb.id });
    expect(board.body.game).toBe(ARENA_GAME_ID);
    expect((await api(`/api/leaderboard?game=${ARENA_GAME_ID}&board=rating&period=week&me=${pb.id}`)).body).toEqual(board.body);
    // Another game's board: its own ratings, which this arena match did not touch.
    const ball = await api(`/api/leaderboard?game=${BALL_GAME_ID}&me=${pb.id}`);
    expect(ball.body).toMatchObject({ game: BALL_GAME_ID, board: 'rating', entries: [], own: null });
  });

  it('validates every query: unknown, malformed or out-of-range parameters are 400s in the fixed shape; unknown ids are 404s', async () => {
    for (const path of [
      '/api/leaderboard?board=nope', '/api/leaderboard?period=year', '/api/leaderboard?cursor=%00', '/api/leaderboard?limit=1000',
      '/api/leaderboard?limit=-1', '/api/leaderboard?x=1', '/api/leaderboard?board=kills&board=rating', '/api/leaderboard?me=short',
      '/api/leaderboard?game=nope', '/api/leaderboard?game=battle', '/api/leaderboard?game=ball&game=arena', '/api/leaderboard?game=',
      '/api/players/short', '/api/players/AAAAAAAAAAAAAAAAAAAAAA/matches?cursor=zzz', '/api/matches/not-a-uuid',
    ]) {
      const r = await api(path);
      expect(r.status, path).toBe(400);
      expect(r.body, path).toEqual({ code: 400, error: expect.stringMatching(/^bad_request: /) });
    }
    expect((await api('/api/players/AAAAAAAAAAAAAAAAAAAAAA')).body).toEqual({ code: 404, error: 'not_found' });
    expect((await api('/api/matches/00000000-0000-0000-0000-000000000000')).status).toBe(404);
  });

  it('a banned profile is refused at join with the reason', async () => {
    const p = player();
    const profile = (await p.auth.signIn('mallory'))!;
    await server.store!.profiles.setBan(profile.id, 'cheating');
    const err = await p.lobby.createPrivate('mallory').then(() => undefined, (e: unknown) => e as Error & { code?: number });
    expect(err?.message).toContain(`${JOIN_REJECTIONS.BANNED}: cheating`);
  });
});
