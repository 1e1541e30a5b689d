import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { TICK_HZ } from '../../shared/limits.ts';
import type { MatchEnd, MatchInfo } from '../../shared/messages.ts';
import { JoinError, Lobby } from '../../game-client/net/lobby.ts';
import type { ArenaSession } from '../../game-client/net/session.ts';
import { createArena, joinArena, leaveAll, type ArenaRoom } from '../helpers/clients.ts';
import { getJson, hostPort, LOCAL_PLACEMENT, startCluster, type ClusterProcess } from '../helpers/cluster.ts';
import { deleteKeysWithPrefix, keysWithPrefix, SHARED_REDIS_URL, uniqueKeyPrefix } from '../helpers/redis.ts';
import { keepPlaying } from '../helpers/sessions.ts';
import { startServerProcess, type ServerProcess } from '../helpers/serverProcess.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * SIGTERM during a match, on real processes: a match that can finish before the drain deadline
 * finishes (MATCH_ENDED), one that cannot is closed at the deadline (SHUTDOWN_DEADLINE), and
 * meanwhile the cluster places new players on the other process.
 */
const MATCH_S = 8;
const DEADLINE_S = 15;
const prefix = uniqueKeyPrefix('drain');
let cluster: ClusterProcess[] = [];
let endless: ServerProcess;
const rooms: ArenaRoom[] = [];
const sessions: ArenaSession[] = [];
const stops: Array<() => Promise<void>> = [];

beforeAll(async () => {
  [cluster, endless] = await Promise.all([
    startCluster(2, { REDIS_URL: SHARED_REDIS_URL, REDIS_KEY_PREFIX: prefix, MATCH_DURATION_S: String(MATCH_S), DRAIN_DEADLINE_S: String(DEADLINE_S), ...LOCAL_PLACEMENT }),
    startServerProcess({ CLIENT_DIR: 'none', LOG_LEVEL: 'info', MATCH_DURATION_S: '0', DRAIN_DEADLINE_S: '3' }),
  ]);
}, 90_000);

afterAll(async () => {
  await Promise.all(stops.map((s) => s()));
  await Promise.all(sessions.map((s) => s.leave().catch(() => undefined)));
  await leaveAll(rooms);
  await Promise.all([...cluster, endless].filter(Boolean).map((p) => p.stop('SIGINT')));
  await deleteKeysWithPrefix(SHARED_REDIS_URL, prefix);
}, 60_000);

/** Everything a session hears about its match, and how it ended. */
function watch(session: ArenaSession) {
  const seen = { infos: [] as MatchInfo[], end: undefined as MatchEnd | undefined };
  session.events.on('match', (m) => seen.infos.push(m));
  session.events.on('matchEnd', (m) => { seen.end = m; });
  const closedWith = new Promise<{ code: number; reason: string; atMs: number }>((resolve) => {
    session.events.on('closed', (c) => resolve({ ...c, atMs: performance.now() }));
  });
  return { seen, closedWith };
}

describe('SIGTERM during a match', () => {
  it('a match that can finish before the deadline finishes; new players go to the other process', async () => {
    const [a, b] = cluster as [ClusterProcess, ClusterProcess];
    const hostRoom = await createArena(a.endpoint, { name: 'host', private: true });
    rooms.push(hostRoom);
    expect(hostPort(hostRoom)).toBe(a.port);
    const createdAt = performance.now();
    const player = await new Lobby(a.endpoint).joinByCode(hostRoom.roomId, 'player');
    sessions.push(player);
    stops.push(keepPlaying(player));
    const { seen, closedWith } = watch(player);
    await waitFor('told the match length', () => player.match?.endsAtTick === MATCH_S * TICK_HZ);

    a.child.kill('SIGTERM');
    await waitFor('told about the drain', () => seen.infos.some((m) => m.draining), { timeoutMs: 5000 });
    expect(seen.infos.at(-1)).toMatchObject({ draining: true, endsAtTick: MATCH_S * TICK_HZ });

    // The draining process takes no new players; the cluster sends them to the other one.
    expect((await getJson(`${a.endpoint}/readyz`)).status).toBe(503);
    const refused = await new Lobby(a.endpoint).quickPlay('late').then(() => undefined, (e: unknown) => e);
    expect(refused).toBeInstanceOf(JoinError);
    expect((refused as JoinError).message).toMatch(/the server is restarting or busy/);
    const elsewhere = await joinArena(b.endpoint, { name: 'elsewhere' });
    rooms.push(elsewhere);
    expect(hostPort(elsewhere)).toBe(b.port);

    const closedAt = await closedWith;
    expect(closedAt.code).toBe(CLOSE_CODES.MATCH_ENDED);
    expect(seen.end).toMatchObject({ reason: 'time' });
    expect(seen.end!.scores).toHaveLength(2);
    expect(seen.end!.scores.map((s) => s.name)).toContain('player');
    const lastedS = (closedAt.atMs - createdAt) / 1000;
    expect(lastedS).toBeGreaterThan(MATCH_S - 1.5);
    expect(lastedS).toBeLessThan(MATCH_S + 3);

    expect(await Promise.race([a.exited, new Promise((r) => setTimeout(() => r('still running'), 8000))])).toBe(0);
  });

  it('a match that cannot finish is closed at the deadline with SHUTDOWN_DEADLINE and its scores', async () => {
    const player = await new Lobby(`http://127.0.0.1:${endless.port}`).createPrivate('stayer');
    sessions.push(player);
    stops.push(keepPlaying(player));
    const { seen, closedWith } = watch(player);
    await waitFor('told the match is endless', () => player.match !== undefined);
    expect(player.match!.endsAtTick).toBeNull();

    const t0 = performance.now();
    endless.child.kill('SIGTERM');
    await waitFor('told about the drain', () => seen.infos.some((m) => m.draining && m.endsAtTick !== null), { timeoutMs: 5000 });
    const closedAt = await closedWith;
    const afterS = (closedAt.atMs - t0) / 1000;
    expect(closedAt.code).toBe(CLOSE_CODES.SHUTDOWN_DEADLINE);
    expect(closedAt.reason).toMatch(/restart/i);
    expect(seen.end).toMatchObject({ reason: 'shutdown', scores: [expect.objectContaining({ name: 'stayer' })] });
    expect(afterS).toBeGreaterThan(2.5);
    expect(afterS).toBeLessThan(6);
    expect(await Promise.race([endless.exited, new Promise((r) => setTimeout(() => r('still running'), 8000))])).toBe(0);
  });

  it('an idle process drains at once and leaves nothing in Redis', async () => {
    const [, b] = cluster as [ClusterProcess, ClusterProcess];
    await leaveAll(rooms.splice(0));
    const t0 = performance.now();
    b.child.kill('SIGTERM');
    expect(await Promise.race([b.exited, new Promise((r) => setTimeout(() => r('still running'), 8000))])).toBe(0);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(await keysWithPrefix(SHARED_REDIS_URL, prefix)).toEqual([]);
  });
});
