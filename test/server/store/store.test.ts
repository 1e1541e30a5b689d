import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARENA_GAME_ID, BALL_GAME_ID } from '../../../shared/games/ids.ts';
import { appliedVersions, LATEST_SCHEMA_VERSION, migrate, MIGRATIONS } from '../../../server/store/db/migrations.ts';
import { openDatabase } from '../../../server/store/db/open.ts';
import { decodeCursor } from '../../../server/store/leaderboard/leaderboard.ts';
import type { MatchRecord } from '../../../server/store/matches/records.ts';
import { CREDENTIAL_GRACE_MS, CREDENTIAL_ROTATE_AFTER_MS, DELETED_NAME, ProfileStore } from '../../../server/store/profiles/profiles.ts';
import { displayRating, INITIAL_RATING } from '../../../server/store/ratings/rating.ts';
import { openStore, type Store } from '../../../server/store/store.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../helpers/stores.ts';

/** Lines are [profile, kills, deaths, placing, team?]. */
function record(id: string, lines: Array<[string | null, number, number, number, number?]>, at = Date.now(), game = ARENA_GAME_ID): MatchRecord {
  return {
    id, game, roomKind: game, mapId: 'm', instance: 'test:1', startedAt: at - 60_000, at, durationMs: 60_000,
    lines: lines.map(([profileId, kills, deaths, placing, team], i) => ({ profileId, name: `p${i}`, kills, deaths, damage: kills * 25, timePlayedMs: 60_000, placing, team })),
  };
}

const INITIAL_SHOWN = displayRating(INITIAL_RATING);

describe.each(ENGINES)('store on %s', (engine) => {
  let tdb: TestDatabase;
  let store: Store;
  beforeAll(async () => {
    tdb = await createTestDatabase(engine);
    store = await openStore(tdb.config);
  });
  afterAll(async () => {
    await store?.close(1000);
    await tdb?.drop();
  });

  it('migrates an empty database to the latest version, and again does nothing', async () => {
    expect(await appliedVersions(store.db)).toEqual(Object.keys(MIGRATIONS));
    expect(await migrate(store.db)).toEqual([]);
  });

  it('migrates a database at the previous schema version without losing its data', async () => {
    const other = await createTestDatabase(engine);
    const { db } = openDatabase(other.config);
    try {
      const names = Object.keys(MIGRATIONS);
      const previous = names[names.length - 2]!;
      await migrate(db, '001_profiles');
      await db.insertInto('profiles').values({ id: 'p'.repeat(22), name: 'old', created_at: 1, last_seen_at: 1, banned_at: null, ban_reason: null }).execute();
      await migrate(db, previous);
      expect(await appliedVersions(db)).toEqual(names.slice(0, -1));
      expect(await migrate(db)).toEqual([LATEST_SCHEMA_VERSION]);
      const row = await db.selectFrom('profiles').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ name: 'old', rating: 0, matches_played: 0, rating_mu: 25 });
    } finally {
      await db.destroy();
      await other.drop();
    }
  });

  it('migrates a database at 003 with a rated profile to 004: its arena rating and match count move to the arena\'s ratings', async () => {
    const other = await createTestDatabase(engine);
    const { db } = openDatabase(other.config);
    try {
      await migrate(db, '003_admin_audit');
      // The 003 schema: the rating is the profile's own (columns this release no longer types).
      const at003 = db as unknown as Kysely<any>;
      const [rated, unrated] = ['r'.repeat(22), 'u'.repeat(22)];
      for (const id of [rated, unrated]) await at003.insertInto('profiles').values({ id, name: id.slice(0, 1), created_at: 1, last_seen_at: 1, banned_at: null, ban_reason: null }).execute();
      await at003.updateTable('profiles').set({ rating_mu: 31.5, rating_sigma: 4.25, rating: 31.5 - 3 * 4.25, matches_played: 7 }).where('id', '=', rated).execute();
      expect(await migrate(db)).toEqual(['004_game_ratings']);
      expect(await db.selectFrom('ratings').selectAll().execute()).toEqual([
        { profile_id: rated, game: ARENA_GAME_ID, mu: 31.5, sigma: 4.25, rating: 31.5 - 3 * 4.25, matches_played: 7 },
      ]);
      const profiles = new ProfileStore(db);
      expect((await profiles.get(rated))!.ratings).toEqual({ [ARENA_GAME_ID]: { rating: 31.5 - 3 * 4.25, skill: { mu: 31.5, sigma: 4.25 }, matchesPlayed: 7 } });
      expect((await profiles.get(unrated))!.ratings).toEqual({});
    } finally {
      await db.destroy();
      await other.drop();
    }
  });

  it('a first visit creates a profile; the cookie brings it back, rotates when due, and revocation ends it', async () => {
    const t0 = Date.now();
    const first = await store.profiles.visit(undefined, t0);
    expect(first.created).toBe(true);
    expect(first.profile.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const cookie = first.credential!.value;
    const again = await store.profiles.visit(cookie, t0 + 1000);
    expect(again).toMatchObject({ created: false, profile: { id: first.profile.id } });
    expect(again.credential).toBeUndefined();
    // The stored row holds only a hash of the secret.
    const row = await store.db.selectFrom('refresh_credentials').selectAll().where('id', '=', first.credential!.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(first.credential!.secret);
    // Rotation: a new secret; the old one works for the grace period only.
    const t1 = t0 + CREDENTIAL_ROTATE_AFTER_MS + 1;
    const rotated = await store.profiles.visit(cookie, t1);
    expect(rotated.profile.id).toBe(first.profile.id);
    expect(rotated.credential!.value).not.toBe(cookie);
    expect((await store.profiles.visit(cookie, t1 + 1000)).profile.id).toBe(first.profile.id);
    const late = await store.profiles.visit(cookie, t1 + CREDENTIAL_GRACE_MS + 1);
    expect(late.created).toBe(true);
    expect(late.profile.id).not.toBe(first.profile.id);
    // A forged secret for a real id starts a new profile too.
    const forged = `${first.credential!.id}.${'A'.repeat(43)}`;
    expect((await store.profiles.visit(forged, t1 + 2000)).created).toBe(true);
    // Revoked: gone.
    expect(await store.profiles.revokeCredentials(first.profile.id, t1 + 3000)).toBe(1);
    expect((await store.profiles.visit(rotated.credential!.value, t1 + 4000)).created).toBe(true);
  });

  it('writes a match once (idempotent by id), rates it, and the boards and histories follow', async () => {
    const a = (await store.profiles.visit(undefined)).profile.id;
    const b = (await store.profiles.visit(undefined)).profile.id;
    const c = (await store.profiles.visit(undefined)).profile.id;
    await store.profiles.rename(a, 'alice');
    const m1 = record('match-1', [[a, 5, 1, 1], [b, 2, 3, 2], [c, 0, 5, 3]]);
    expect(await store.matches.checkpoint({ ...m1, at: m1.at - 10_000 })).toBe(true);
    const changes = await store.matches.finish(m1, 'time');
    expect(changes!.size).toBe(3);
    expect(changes!.get(a)!.after).toBeGreaterThan(changes!.get(a)!.before);
    expect(changes!.get(c)!.after).toBeLessThan(changes!.get(b)!.after);
    // Again (a retry): nothing changes twice; a late checkpoint is ignored.
    expect(await store.matches.finish(m1, 'time')).toBeUndefined();
    expect(await store.matches.checkpoint(m1)).toBe(false);
    const pa = await store.profiles.get(a);
    expect(pa).toMatchObject({ name: 'alice', ratings: { [ARENA_GAME_ID]: { matchesPlayed: 1, rating: changes!.get(a)!.after } } });
    const lines = await store.db.selectFrom('match_lines').selectAll().where('match_id', '=', 'match-1').execute();
    expect(lines).toHaveLength(3);
    // A second match: b wins.
    await store.matches.finish(record('match-2', [[b, 4, 0, 1], [a, 1, 4, 2]]), 'time');
    // An unrated one (everyone left) still counts for kills.
    await store.matches.finish(record('match-3', [[c, 9, 0, 1]]), 'abandoned');
    // Another game's match, decided by play: kept; its points are not kills, and it rates on its own
    // scale: the ball ratings change, the arena's do not.
    const arenaBefore = [(await store.profiles.get(a))!.ratings[ARENA_GAME_ID], (await store.profiles.get(b))!.ratings[ARENA_GAME_ID]];
    const ballChanges = await store.matches.finish(record('match-4', [[a, 50, 0, 1], [b, 0, 0, 2]], Date.now(), BALL_GAME_ID), 'decided');
    expect(ballChanges!.get(a)).toEqual({ before: INITIAL_SHOWN, after: expect.any(Number) });
    expect(ballChanges!.get(a)!.after).toBeGreaterThan(ballChanges!.get(b)!.after);
    expect([(await store.profiles.get(a))!.ratings[ARENA_GAME_ID], (await store.profiles.get(b))!.ratings[ARENA_GAME_ID]]).toEqual(arenaBefore);
    expect((await store.profiles.get(b))!.ratings[BALL_GAME_ID]).toMatchObject({ matchesPlayed: 1, rating: ballChanges!.get(b)!.after });
    expect(await store.history.match('match-4')).toMatchObject({ game: BALL_GAME_ID, status: 'ended', endReason: 'decided', lines: [
      expect.objectContaining({ profileId: a, kills: 50, placing: 1, ratingBefore: INITIAL_SHOWN, ratingAfter: ballChanges!.get(a)!.after }),
      expect.objectContaining({ profileId: b, kills: 0, placing: 2, ratingBefore: INITIAL_SHOWN, ratingAfter: ballChanges!.get(b)!.after }),
    ] });

    const kills = await store.leaderboards.page(ARENA_GAME_ID, 'kills', 'all', 0, 2, c);
    // a and b tie on 6: the profile id breaks the tie (in the engine's collation), so pages never overlap.
    expect(kills.entries.map((e) => e.score)).toEqual([9, 6]);
    expect(kills.entries[0]!.profileId).toBe(c);
    const tiedFirst = kills.entries[1]!.profileId;
    expect([a, b]).toContain(tiedFirst);
    expect(kills.own).toMatchObject({ rank: 1, profileId: c });
    expect(kills.nextCursor).not.toBeNull();
    const next = await store.leaderboards.page(ARENA_GAME_ID, 'kills', 'all', decodeCursor(kills.nextCursor!, 10_000)!, 2, c);
    expect(next.entries.map((e) => [e.rank, e.profileId, e.score])).toEqual([[3, tiedFirst === a ? b : a, 6]]);
    expect(next.nextCursor).toBeNull();

    const rating = await store.leaderboards.page(ARENA_GAME_ID, 'rating', 'week', 0, 1, c);
    expect(rating.entries).toHaveLength(1);
    expect(rating.own!.rank).toBe(3);
    const ratings = await store.leaderboards.page(ARENA_GAME_ID, 'rating', 'all', 0, 10, null);
    expect(ratings.entries.map((e) => e.score)).toEqual([...ratings.entries.map((e) => e.score)].sort((x, y) => y - x));

    const history = await store.history.ofPlayer(a, 0, 10);
    expect(history.matches.map((m) => m.matchId).sort()).toEqual(['match-1', 'match-2', 'match-4']);
    expect(history.matches.find((m) => m.matchId === 'match-4')).toMatchObject({ game: BALL_GAME_ID, kills: 50, endReason: 'decided' });
    expect(history.matches.find((m) => m.matchId === 'match-1')).toMatchObject({ kills: 5, placing: 1, endReason: 'time' });

    // Deleting a profile keeps its lines, anonymised.
    expect(await store.profiles.delete(c)).toBe(true);
    const anon = await store.history.match('match-3');
    expect(anon!.lines).toEqual([expect.objectContaining({ profileId: null, name: DELETED_NAME, kills: 9 })]);
    expect(await store.profiles.get(c)).toBeUndefined();
  });

  it('rates each game on its own scale: a 2v2 moves both winners up in the ball game only, an arena match the arena only; each game has its boards', async () => {
    const [w, x, y, z] = await Promise.all([0, 1, 2, 3].map(async () => (await store.profiles.visit(undefined)).profile.id)) as [string, string, string, string];
    // w and x win 3-1 as a team (x scored none); y and z lose.
    const ball = await store.matches.finish(record('team-1', [[w, 3, 0, 1, 0], [y, 1, 0, 2, 1], [x, 0, 0, 1, 0], [z, 0, 0, 2, 1]], Date.now(), BALL_GAME_ID), 'decided');
    expect(ball!.size).toBe(4);
    for (const id of [w, x]) expect(ball!.get(id)!.after, 'a winner').toBeGreaterThan(ball!.get(id)!.before);
    for (const id of [y, z]) expect(ball!.get(id)!.after, 'a loser').toBeLessThan(ball!.get(id)!.before);
    // Rated as a team: the same start, the same result, whoever scored.
    expect(ball!.get(x)!.after).toBe(ball!.get(w)!.after);
    expect((await store.profiles.get(w))!.ratings).toEqual({ [BALL_GAME_ID]: expect.objectContaining({ matchesPlayed: 1, rating: ball!.get(w)!.after }) });

    const arena = await store.matches.finish(record('solo-1', [[w, 1, 2, 2], [y, 2, 1, 1]]), 'time');
    expect(arena!.get(w)!.before).toBe(INITIAL_SHOWN);
    expect(arena!.get(y)!.after).toBeGreaterThan(arena!.get(w)!.after);
    const wNow = (await store.profiles.get(w))!.ratings;
    expect(wNow[BALL_GAME_ID]).toMatchObject({ matchesPlayed: 1, rating: ball!.get(w)!.after });
    expect(wNow[ARENA_GAME_ID]).toMatchObject({ matchesPlayed: 1, rating: arena!.get(w)!.after });

    const ballBoard = await store.leaderboards.page(BALL_GAME_ID, 'rating', 'week', 0, 100, z);
    const onBall = ballBoard.entries.map((e) => e.profileId);
    for (const id of [w, x, y, z]) expect(onBall).toContain(id);
    expect(onBall.indexOf(w)).toBeLessThan(onBall.indexOf(y));
    expect(ballBoard).toMatchObject({ game: BALL_GAME_ID, own: { profileId: z, score: ball!.get(z)!.after } });
    const onArena = (await store.leaderboards.page(ARENA_GAME_ID, 'rating', 'all', 0, 100, null)).entries.map((e) => e.profileId);
    expect(onArena).toEqual(expect.arrayContaining([w, y]));
    expect(onArena).not.toContain(x);
    // The ball game's points board counts goals; the arena's, kills.
    expect((await store.leaderboards.page(BALL_GAME_ID, 'kills', 'all', 0, 100, w)).own).toMatchObject({ score: 3 });
    expect((await store.leaderboards.page(ARENA_GAME_ID, 'kills', 'all', 0, 100, w)).own).toMatchObject({ score: 1 });
    // A deleted profile's ratings go with it.
    expect(await store.profiles.delete(z)).toBe(true);
    expect(await store.db.selectFrom('ratings').select('game').where('profile_id', '=', z).execute()).toEqual([]);
  });

  it('closes a lost process\' running match as interrupted with its last checkpoint', async () => {
    const p = (await store.profiles.visit(undefined)).profile.id;
    const t = Date.now();
    await store.matches.checkpoint({ ...record('lost-1', [[p, 3, 0, 1]], t - 5000), instance: 'gone:1' });
    await store.matches.checkpoint({ ...record('alive-1', [[p, 1, 0, 1]], t), instance: 'other:1' });
    // Stale by time (another process), and this instance's own from before its restart.
    const closed = await store.matches.closeInterrupted('gone:1', t, t - 60_000);
    expect(closed).toEqual(['lost-1']);
    const lost = await store.history.match('lost-1');
    expect(lost).toMatchObject({ status: 'ended', endReason: 'interrupted', endedAt: t - 5000, lines: [expect.objectContaining({ kills: 3 })] });
    expect((await store.history.match('alive-1'))!.status).toBe('running');
    // The final write of an interrupted match that arrives late changes nothing.
    expect(await store.matches.finish(record('lost-1', [[p, 99, 0, 1]]), 'time')).toBeUndefined();
  });
});
