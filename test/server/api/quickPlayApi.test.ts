import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { GuestAuth } from '../../../game-client/net/guestAuth.ts';
import { Lobby } from '../../../game-client/net/lobby.ts';
import { ARENA_GAME_ID, BALL_GAME_ID } from '../../../shared/games/ids.ts';
import { QUICK_PLAY_PATH, type RoomListing } from '../../../shared/messages.ts';
import { createArena, joinArena, joinArenaById, type ArenaRoom } from '../../helpers/clients.ts';
import { cookieJarFetch } from '../../helpers/cookieJar.ts';
import { startTestServer } from '../../helpers/server.ts';
import { httpFrom } from '../../helpers/attack.ts';
import { createTestDatabase, ENGINES, type TestDatabase } from '../../helpers/stores.ts';
import { waitFor } from '../../helpers/wait.ts';

/**
 * Quick play by rating over real sockets and a real store, on both engines: rooms list the mean
 * rating of their players (read from the store at join), and a player's quick play goes to the room
 * near its own rating, then the fullest; unrated players get the fullest room as before; a rating
 * claimed by the client is refused.
 */
describe.each(ENGINES)('quick play by rating on %s', (engine) => {
  let tdb: TestDatabase;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let rooms: ArenaRoom[] = [];
  beforeAll(async () => {
    tdb = await createTestDatabase(engine);
    // The choices below come from 127.0.0.1 in quick succession: exempt from the per-address budget,
    // which the last test spends from an address of its own.
    server = await startTestServer({ store: tdb.config, security: { rateLimitExemptIps: ['127.0.0.1'] } });
  });
  afterEach(async () => {
    await Promise.all(rooms.map((r) => r.leave().catch(() => undefined)));
    rooms = [];
    // Every room of this test is gone before the next one starts.
    await waitFor('no public rooms left', async () => (await listing()).length === 0 ? true : undefined, { timeoutMs: 10_000, intervalMs: 50 });
  });
  afterAll(async () => {
    await server?.close();
    await tdb?.drop();
  });

  async function listing(): Promise<RoomListing[]> {
    const res = await fetch(`${server.endpoint}/api/rooms`);
    return ((await res.json()) as { rooms: RoomListing[] }).rooms;
  }

  /** A player with a profile (cookie like a browser's) whose rating in `game` the store holds as given; `matches` 0: unrated. */
  async function player(name: string, mu: number, sigma: number, matches = 5, game = ARENA_GAME_ID): Promise<GuestAuth> {
    const jar = cookieJarFetch();
    const auth = new GuestAuth(server.endpoint, jar.fetch);
    const profile = (await auth.signIn(name))!;
    await server.store!.db.insertInto('ratings')
      .values({ profile_id: profile.id, game, mu, sigma, rating: mu - 3 * sigma, matches_played: matches }).execute();
    return auth;
  }

  /** A public room opened by the first of `players`, the rest joining it by its code. */
  async function publicRoom(players: Array<[string, number, number]>): Promise<string> {
    const [first, ...rest] = players;
    const room = await createArena(server.endpoint, { name: first![0] }, await player(...first!));
    rooms.push(room);
    for (const p of rest) rooms.push(await joinArenaById(server.endpoint, room.roomId, { name: p[0] }, await player(...p)));
    return room.roomId;
  }

  /** Wait until the listing shows these rooms with these player counts (metadata is published asynchronously). */
  async function settled(expected: Record<string, number>): Promise<void> {
    await waitFor('the room listing', async () => {
      const list = await listing();
      return Object.entries(expected).every(([code, n]) => list.some((r) => r.code === code && r.clients === n)) ? true : undefined;
    }, { timeoutMs: 5000, intervalMs: 25 });
  }

  async function quickPlay(auth: GuestAuth, name: string): Promise<string> {
    const room = await new Lobby(server.endpoint, { auth }).joinRoom({ via: 'quick' }, name);
    rooms.push(room as ArenaRoom);
    return room.roomId;
  }

  async function choice(auth: GuestAuth, query = ''): Promise<{ status: number; body: any }> {
    const res = await auth.withToken(`${server.endpoint}${QUICK_PLAY_PATH}${query}`);
    return { status: res.status, body: await res.json() };
  }

  it('a high-rated player lands in the high room and a low-rated one in the low room, even when the other room is fuller', async () => {
    const high = await publicRoom([['h1', 35, 2]]);
    const low = await publicRoom([['l1', 15, 2], ['l2', 16, 2]]);
    await settled({ [high]: 1, [low]: 2 });

    const strong = await player('strong', 34, 3);
    expect(await choice(strong)).toEqual({ status: 200, body: { roomId: high, reason: 'near_rating' } });
    expect(await quickPlay(strong, 'strong')).toBe(high);

    rooms.push(await joinArenaById(server.endpoint, high, { name: 'h2' }, await player('h2', 36, 2)));
    await settled({ [high]: 3, [low]: 2 });
    const weak = await player('weak', 14, 3);
    expect(await quickPlay(weak, 'weak')).toBe(low);
    await settled({ [high]: 3, [low]: 3 });

    // Rated, but no room within its band: the fullest, as before.
    const outlier = await player('outlier', 60, 1);
    expect((await choice(outlier)).body).toEqual({ roomId: null, reason: 'none_near' });
  });

  it('when both rooms are within the band, the fullest wins (not the nearer mean)', async () => {
    const nearer = await publicRoom([['n1', 24, 2]]);
    const fuller = await publicRoom([['f1', 29, 2], ['f2', 30, 2]]);
    await settled({ [nearer]: 1, [fuller]: 2 });
    const unsure = await player('unsure', 25, 8);
    expect(await quickPlay(unsure, 'unsure')).toBe(fuller);
  });

  it('a player without a rating gets the fullest room, as quick play always did', async () => {
    const nearer = await publicRoom([['n1', 25, 2]]);
    const fuller = await publicRoom([['f1', 40, 1], ['f2', 41, 1]]);
    await settled({ [nearer]: 1, [fuller]: 2 });
    const fresh = await player('fresh', 25, 25 / 3, 0);
    expect(await choice(fresh)).toEqual({ status: 200, body: { roomId: null, reason: 'unrated' } });
    expect(await quickPlay(fresh, 'fresh')).toBe(fuller);
    // Rated in another game only: unrated in the arena's rooms (each game's rating is its own).
    const baller = await player('baller', 25, 2, 5, BALL_GAME_ID);
    expect(await choice(baller)).toEqual({ status: 200, body: { roomId: null, reason: 'unrated' } });
  });

  it('a rating the client claims changes nothing: refused in the join options and in the query; the choice needs a valid token', async () => {
    const low = await publicRoom([['l1', 15, 2]]);
    const high = await publicRoom([['h1', 35, 2], ['h2', 35, 2]]);
    await settled({ [low]: 1, [high]: 2 });
    const weak = await player('weak', 15, 2);
    await expect(joinArena(server.endpoint, { name: 'weak', rating: 99 }, weak)).rejects.toThrow(/^invalid_options: /);
    await expect(joinArena(server.endpoint, { name: 'weak', skillMu: 35 }, weak)).rejects.toThrow(/^invalid_options: /);
    const forged = await choice(weak, '?rating=99');
    expect(forged).toEqual({ status: 400, body: { code: 400, error: 'bad_request: query unknown parameter' } });
    expect((await choice(weak, '?kind=nope')).body).toMatchObject({ code: 400, error: expect.stringMatching(/^bad_request: /) });
    for (const authorization of [undefined, 'Bearer not-a-token', 'Basic abc']) {
      const res = await fetch(`${server.endpoint}${QUICK_PLAY_PATH}`, { headers: authorization === undefined ? {} : { authorization } });
      expect(res.status, String(authorization)).toBe(401);
      expect(await res.json()).toEqual({ code: 401, error: expect.stringMatching(/^auth_failed: /) });
    }
    // Its own rating still decides: the low room, though the high one is fuller.
    expect(await quickPlay(weak, 'weak')).toBe(low);
  });
  it('spends the address\' matchmaking budget (a quick play is half a join): past it, 429 with the wait', async () => {
    const auth = await player('hasty', 30, 2);
    const token = await auth.token();
    const from = '127.0.0.77';
    const answers: number[] = [];
    // The burst is half a minute's joins; a bounded run past it.
    for (let i = 0; i < 40 && !answers.includes(429); i++) {
      answers.push((await httpFrom(from, `${server.endpoint}${QUICK_PLAY_PATH}?kind=arena`, { headers: { authorization: `Bearer ${token}` } })).status);
    }
    expect(answers.filter((s) => s === 200).length).toBeGreaterThan(0);
    expect(answers.at(-1)).toBe(429);
    const refused = await httpFrom(from, `${server.endpoint}${QUICK_PLAY_PATH}?kind=arena`, { headers: { authorization: `Bearer ${token}` } });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(refused.body)).toMatchObject({ code: 429, error: expect.stringMatching(/^rate_limited/) });
  });
});
