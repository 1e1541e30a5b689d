import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JoinError, Lobby } from '../../game-client/net/lobby.ts';
import { createArena, joinArena, joinArenaById, leaveAll, type ArenaRoom } from '../helpers/clients.ts';
import { getJson, hostPort, logLines, startCluster, type ClusterProcess } from '../helpers/cluster.ts';
import { startOwnRedis, type OwnRedis } from '../helpers/redis.ts';
import { sleep, waitFor } from '../helpers/wait.ts';

/**
 * Two real processes on a private redis-server that the test stops (SIGKILL, so it comes back
 * empty) and freezes (SIGSTOP). Rooms must keep ticking, matchmaking must fail fast with a
 * clear error, and everything must come back by itself.
 */
let redis: OwnRedis;
let procs: ClusterProcess[] = [];
const rooms: ArenaRoom[] = [];
/** A public room on the first process and a private one on the second, kept across the tests. */
let publicRoom: ArenaRoom;
let privateRoom: ArenaRoom;

beforeAll(async () => {
  redis = await startOwnRedis();
  procs = await startCluster(2, { REDIS_URL: redis.url, MATCHMAKE_TIMEOUT_MS: '4000' });
}, 90_000);

afterAll(async () => {
  redis?.resume();
  await leaveAll(rooms);
  await Promise.all(procs.map((p) => p.stop('SIGINT')));
  await redis?.kill();
}, 60_000);

async function track(room: Promise<ArenaRoom>): Promise<ArenaRoom> {
  const r = await room;
  rooms.push(r);
  return r;
}

/** Sample a room's tick every `everyMs` while `during` runs; returns the samples. */
async function ticksDuring(room: ArenaRoom, everyMs: number, during: Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  let done = false;
  void during.finally(() => { done = true; });
  for (let i = 0; i < 120 && !done; i++) {
    samples.push(room.state.tick);
    await sleep(everyMs);
  }
  await during;
  samples.push(room.state.tick);
  return samples;
}

async function readiness(p: ClusterProcess): Promise<string> {
  const { body } = await getJson(`${p.endpoint}/readyz`);
  return body.redis;
}

/** Time one quick play through `p` that is expected to be refused; returns [ms, error]. */
async function refusedQuickPlay(p: ClusterProcess): Promise<[number, JoinError]> {
  const t0 = performance.now();
  const err = await new Lobby(p.endpoint).quickPlay('late').then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(JoinError);
  return [performance.now() - t0, err as JoinError];
}

async function expectRecovered(): Promise<void> {
  const [a, b] = procs as [ClusterProcess, ClusterProcess];
  await waitFor('redis back on both', async () => (await readiness(a)) === 'up' && (await readiness(b)) === 'up', { timeoutMs: 10_000, intervalMs: 200 });
  // Listings are re-announced (the restarted Redis came back empty): the old rooms are found again.
  await waitFor('public room listed again', async () => {
    const { status, body } = await getJson(`${b.endpoint}/api/rooms`);
    return status === 200 && body.rooms.some((r: { code: string }) => r.code === publicRoom.roomId);
  }, { timeoutMs: 10_000, intervalMs: 200 });
  const joiner = await track(joinArena(b.endpoint, { name: 'after' }));
  expect(joiner.roomId).toBe(publicRoom.roomId);
  const friend = await track(joinArenaById(b.endpoint, privateRoom.roomId, { name: 'friend' }));
  expect(hostPort(friend)).toBe(hostPort(privateRoom));
  await leaveAll([joiner, friend]);
}

describe('Redis faults', () => {
  it('Redis stopped for 10 s: rooms keep ticking, joins fail fast, recovery without restarts', async () => {
    const [a, b] = procs as [ClusterProcess, ClusterProcess];
    publicRoom = await track(joinArena(a.endpoint, { name: 'pub' }));
    privateRoom = await track(createArena(b.endpoint, { name: 'priv', private: true }));
    const pids = procs.map((p) => p.child.pid);

    await redis.kill();
    const outage = sleep(10_000);
    const ticks = ticksDuring(publicRoom, 1000, outage);
    const privateTicks = ticksDuring(privateRoom, 1000, outage);

    await waitFor('redis seen down', async () => (await readiness(a)) === 'down' && (await readiness(b)) === 'down', { timeoutMs: 5000, intervalMs: 100 });
    const [ms, err] = await refusedQuickPlay(a);
    expect(ms).toBeLessThan(1500);
    expect(err.message).toMatch(/unavailable/i);
    process.stdout.write(`redis down: quick play refused in ${ms.toFixed(0)} ms ("${err.message}")\n`);
    const rawJoin = await joinArenaById(a.endpoint, privateRoom.roomId, { name: 'x' }).then(() => 'joined', (e: Error) => e.message);
    expect(rawJoin).toMatch(/matchmaking_unavailable/);
    const list = await getJson(`${b.endpoint}/api/rooms`);
    expect(list.status).toBe(503);
    expect(list.body.error).toMatch(/matchmaking_unavailable/);
    expect((await getJson(`${a.endpoint}/readyz`)).status).toBe(503);

    // Rooms tick on at 30 Hz through the whole outage.
    for (const samples of [await ticks, await privateTicks]) {
      for (let i = 1; i < samples.length; i++) expect(samples[i]!).toBeGreaterThan(samples[i - 1]! + 10);
      expect(samples.at(-1)! - samples[0]!).toBeGreaterThan(200);
    }

    await redis.restart();
    const restartedAt = performance.now();
    await expectRecovered();
    process.stdout.write(`redis restarted empty: listings back and joins working after ${((performance.now() - restartedAt) / 1000).toFixed(1)} s\n`);
    expect(procs.map((p) => p.child.pid)).toEqual(pids);
    expect(procs.every((p) => p.child.exitCode === null)).toBe(true);
  });

  it('Redis frozen (SIGSTOP): rooms keep ticking, joins fail fast, recovery after SIGCONT', async () => {
    const [a] = procs as [ClusterProcess, ClusterProcess];

    redis.freeze();
    const frozen = sleep(6000);
    const ticks = ticksDuring(publicRoom, 1000, frozen);
    await waitFor('stall detected', async () => (await readiness(a)) === 'down', { timeoutMs: 5000, intervalMs: 100 });
    const [ms, err] = await refusedQuickPlay(a);
    expect(ms).toBeLessThan(1500);
    expect(err.message).toMatch(/unavailable/i);
    process.stdout.write(`redis frozen: quick play refused in ${ms.toFixed(0)} ms\n`);
    const samples = await ticks;
    for (let i = 1; i < samples.length; i++) expect(samples[i]!).toBeGreaterThan(samples[i - 1]! + 10);

    redis.resume();
    await expectRecovered();
  });

  it('no unhandled rejection in either process', () => {
    for (const p of procs) {
      expect(p.child.exitCode).toBeNull();
      expect(logLines(p).filter((l) => l.msg === 'unhandled rejection' || l.msg === 'uncaught exception')).toEqual([]);
    }
  });
});
