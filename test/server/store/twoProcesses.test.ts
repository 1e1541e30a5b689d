import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARENA_GAME_ID } from '../../../shared/games/ids.ts';
import type { MatchEnd } from '../../../shared/messages.ts';
import { GuestAuth } from '../../../game-client/net/guestAuth.ts';
import { Lobby } from '../../../game-client/net/lobby.ts';
import type { ArenaSession } from '../../../game-client/net/session.ts';
import { openStore, type Store } from '../../../server/store/store.ts';
import { cookieJarFetch } from '../../helpers/cookieJar.ts';
import { startServerProcess, type ServerProcess } from '../../helpers/serverProcess.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/stores.ts';
import { waitFor } from '../../helpers/wait.ts';

const MATCH_S = 2;

/**
 * Two server processes sharing one PostgreSQL end matches at the same moment, with one profile
 * playing in both: both records are written, and the player's rating goes through both updates in
 * turn (row locks), none lost.
 */
describe('two processes ending matches at once', () => {
  let tdb: TestDatabase;
  let store: Store;
  const procs: ServerProcess[] = [];
  const sessions: ArenaSession[] = [];
  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    const env = { DATABASE_URL: tdb.config.databaseUrl!, MATCH_DURATION_S: String(MATCH_S), AUTH_SECRET: randomBytes(32).toString('hex'), CLIENT_DIR: 'none' };
    procs.push(...await Promise.all([startServerProcess(env, 40_000), startServerProcess(env, 40_000)]));
    store = await openStore(tdb.config);
  });
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.leave().catch(() => undefined)));
    await Promise.all(procs.map((p) => p.stop()));
    await store?.close(0);
    await tdb?.drop();
  });

  it('writes both, and the shared player\'s rating takes both updates', async () => {
    const [one, two] = procs.map((p) => `http://127.0.0.1:${p.port}`) as [string, string];
    const signIn = async (endpoint: string, name: string) => {
      const auth = new GuestAuth(endpoint, cookieJarFetch().fetch);
      const profile = (await auth.signIn(name))!;
      return { auth, profile };
    };
    const shared = await signIn(one, 'both');
    const q = await signIn(one, 'quinn');
    const r = await signIn(two, 'remy');
    // The shared player's token (minted by process one) plays on both: one secret, one store.
    const a1 = await new Lobby(one, { auth: shared.auth }).createPrivate('both');
    const b1 = await new Lobby(two, { auth: shared.auth }).createPrivate('both');
    const a2 = await new Lobby(one, { auth: q.auth }).joinByCode(a1.code, 'quinn');
    const b2 = await new Lobby(two, { auth: r.auth }).joinByCode(b1.code, 'remy');
    sessions.push(a1, b1, a2, b2);
    const ends = await Promise.all([a1, b1].map((s) => new Promise<MatchEnd>((resolve) => s.events.on('matchEnd', resolve))));
    const ids = ends.map((e) => e.matchId!);
    const records = await waitFor('both records', async () => {
      const ms = await Promise.all(ids.map((id) => store.history.match(id)));
      return ms.every((m) => m?.status === 'ended') ? ms.map((m) => m!) : undefined;
    }, { timeoutMs: 10_000, intervalMs: 100 });
    for (const m of records) expect(m.lines).toHaveLength(2);
    const lines = records.map((m) => m.lines.find((l) => l.profileId === shared.profile.id)!);
    // Applied one after the other: one update started from the other's result.
    const [first, second] = lines[0]!.ratingBefore === 0 ? [lines[0]!, lines[1]!] : [lines[1]!, lines[0]!];
    expect(first.ratingBefore).toBe(0);
    expect(second.ratingBefore).toBeCloseTo(first.ratingAfter!, 9);
    const profile = await store.profiles.get(shared.profile.id);
    expect(profile!.ratings[ARENA_GAME_ID]).toMatchObject({ matchesPlayed: 2 });
    expect(profile!.ratings[ARENA_GAME_ID]!.rating).toBeCloseTo(second.ratingAfter!, 9);
  });
});
