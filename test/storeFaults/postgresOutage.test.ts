import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatchEnd } from '../../shared/messages.ts';
import { GuestAuth } from '../../game-client/net/guestAuth.ts';
import { Lobby } from '../../game-client/net/lobby.ts';
import type { ArenaSession } from '../../game-client/net/session.ts';
import { joinArena, leaveAll, type ArenaRoom } from '../helpers/clients.ts';
import { cookieJarFetch } from '../helpers/cookieJar.ts';
import { metricValue, scrape } from '../helpers/metrics.ts';
import { startTestServer } from '../helpers/server.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/stores.ts';
import { sleep, waitFor } from '../helpers/wait.ts';
import { postgresAnswers, startPostgres, stopPostgres } from './helpers.ts';

const MATCH_S = 3;
const OUTAGE_MS = 10_000;

/**
 * PostgreSQL stopped for 10 s (pg_ctlcluster stop, then start): rooms keep playing, matches that
 * end meanwhile wait in the write queue (its length in /metrics) and are written when it returns.
 * PostgreSQL is restarted whatever happens (afterAll).
 */
describe('PostgreSQL outage', () => {
  let tdb: TestDatabase;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const sessions: ArenaSession[] = [];
  const rooms: ArenaRoom[] = [];
  beforeAll(async () => {
    await startPostgres();
    tdb = await createTestDatabase('postgres');
    server = await startTestServer({ store: tdb.config, operations: { matchDurationS: MATCH_S } });
  });
  afterAll(async () => {
    await startPostgres();
    await Promise.all(sessions.map((s) => s.leave().catch(() => undefined)));
    await leaveAll(rooms);
    await server?.close();
    await tdb?.drop();
  });

  async function pair() {
    const lobbies = await Promise.all(['ann', 'bo'].map(async (name) => {
      const auth = new GuestAuth(server.endpoint, cookieJarFetch().fetch);
      await auth.signIn(name);
      return new Lobby(server.endpoint, { auth });
    }));
    const a = await lobbies[0]!.createPrivate('ann');
    const b = await lobbies[1]!.joinByCode(a.code, 'bo');
    sessions.push(a, b);
    return [a, b] as const;
  }

  it('rooms keep playing while it is down; the finished match waits in the queue and is written when it is back', async () => {
    const [a] = await pair();
    const ended = new Promise<MatchEnd>((resolve) => a.events.on('matchEnd', resolve));
    stopPostgres();
    const stoppedAt = Date.now();
    try {
      expect(await postgresAnswers()).toBe(false);
      const end = await ended;
      expect(end.reason).toBe('time');
      // New players get in (a guest token without a profile while the database is away) and play:
      // the room's clock advances.
      const room = await joinArena(server.endpoint, { name: 'live' });
      rooms.push(room);
      const tick0 = room.state.tick;
      await sleep(1000);
      expect(room.state.tick).toBeGreaterThan(tick0 + 15);
      const queued = metricValue(await scrape(server.endpoint), 'game_store_queue_length');
      expect(queued).toBeGreaterThanOrEqual(1);
      await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)));
    } finally {
      await startPostgres();
    }
    const record = await waitFor('the match written after the outage', async () => {
      const m = await server.store!.history.match(end0(await ended));
      return m?.status === 'ended' ? m : undefined;
    }, { timeoutMs: 20_000, intervalMs: 250 });
    expect(record.endReason).toBe('time');
    expect(record.lines).toHaveLength(2);
    expect(metricValue(await scrape(server.endpoint), 'game_store_writes_total', { kind: 'final', outcome: 'refused' })).toBe(0);
  });
});

function end0(end: MatchEnd): string {
  return end.matchId!;
}
