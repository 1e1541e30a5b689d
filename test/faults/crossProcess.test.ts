import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lobby } from '../../game-client/net/lobby.ts';
import type { ArenaSession } from '../../game-client/net/session.ts';
import { createArena, joinArena, joinArenaById, leaveAll, type ArenaRoom } from '../helpers/clients.ts';
import { getJson, hostPort, LOCAL_PLACEMENT, logLines, startCluster, type ClusterProcess } from '../helpers/cluster.ts';
import { deleteKeysWithPrefix, keysWithPrefix, SHARED_REDIS_URL, uniqueKeyPrefix } from '../helpers/redis.ts';
import { play } from '../helpers/sessions.ts';
import { sleep, waitFor } from '../helpers/wait.ts';

/**
 * Three real processes on the machine's Redis (own key prefix): matchmaking, private codes and
 * the room list across processes, then `kill -9` of one of them. Where rooms live is decided,
 * not left to load-based placement: A is a front process (`ROOM_PLACEMENT=elsewhere`: every room
 * created through it is hosted by another process), B and C host what is created through them.
 */
const prefix = uniqueKeyPrefix('xproc');
let procs: ClusterProcess[] = [];
const rooms: ArenaRoom[] = [];
const sessions: ArenaSession[] = [];

beforeAll(async () => {
  procs = await startCluster(3, { REDIS_URL: SHARED_REDIS_URL, REDIS_KEY_PREFIX: prefix }, [{ ROOM_PLACEMENT: 'elsewhere' }, LOCAL_PLACEMENT, LOCAL_PLACEMENT]);
}, 90_000);

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.leave().catch(() => undefined)));
  await leaveAll(rooms);
  await Promise.all(procs.map((p) => p.stop('SIGINT')));
  await deleteKeysWithPrefix(SHARED_REDIS_URL, prefix);
}, 60_000);

async function track(room: Promise<ArenaRoom>): Promise<ArenaRoom> {
  const r = await room;
  rooms.push(r);
  return r;
}

describe('three processes on one Redis', () => {
  it('matchmaking through one process lands in rooms on another; private codes and the room list work everywhere', async () => {
    const [a, b, c] = procs as [ClusterProcess, ClusterProcess, ClusterProcess];

    // A private room hosted by B, joined by its code through C.
    const host = await track(createArena(b.endpoint, { name: 'host', private: true }));
    expect(hostPort(host)).toBe(b.port);
    const friend = await track(joinArenaById(c.endpoint, host.roomId, { name: 'friend' }));
    expect(friend.roomId).toBe(host.roomId);
    expect(hostPort(friend)).toBe(b.port);
    await waitFor('host sees friend', () => host.state.players.get(friend.sessionId)?.name === 'friend');

    // Quick play through each process fills one public room, wherever it is hosted. The first
    // opens it through A, which has another process create it.
    const first = await track(joinArena(a.endpoint, { name: 'qa' }));
    expect([b.port, c.port]).toContain(hostPort(first));
    const second = await track(joinArena(b.endpoint, { name: 'qb' }));
    const third = await track(joinArena(c.endpoint, { name: 'qc' }));
    expect(new Set([first.roomId, second.roomId, third.roomId]).size).toBe(1);
    await waitFor('three players seen', () => first.state.players.size === 3);

    for (const p of procs) {
      const { status, body } = await getJson(`${p.endpoint}/api/rooms`);
      expect(status).toBe(200);
      expect(body.rooms).toContainEqual(expect.objectContaining({ code: first.roomId, clients: 3 }));
      expect(body.rooms.map((r: { code: string }) => r.code)).not.toContain(host.roomId);
      expect((await getJson(`${p.endpoint}/api/rooms/${host.roomId}`)).status).toBe(200);
    }
    await leaveAll([first, second, third]);
  });

  it('kill -9 of one process: the others play on, its rooms leave the listings, its players get a clear outcome', async () => {
    const [a, b, c] = procs as [ClusterProcess, ClusterProcess, ClusterProcess];
    await leaveAll(rooms.splice(0));
    const doomedPublic = await track(createArena(b.endpoint, { name: 'doomed' }));
    const doomedPrivate = await track(createArena(b.endpoint, { name: 'doomed2', private: true }));
    expect([hostPort(doomedPublic), hostPort(doomedPrivate)]).toEqual([b.port, b.port]);
    const lobbyOnA = new Lobby(a.endpoint);
    const victim = await lobbyOnA.joinByCode(doomedPrivate.roomId, 'victim');
    sessions.push(victim);
    const survivorRoom = await track(createArena(c.endpoint, { name: 'survivor', private: true }));
    expect(hostPort(survivorRoom)).toBe(c.port);
    const survivorPeer = await track(joinArenaById(a.endpoint, survivorRoom.roomId, { name: 'peer' }));
    await waitFor('listed', async () => (await getJson(`${c.endpoint}/api/rooms`)).body.rooms?.some((r: { code: string }) => r.code === doomedPublic.roomId));

    let survivorClosed: number | undefined;
    survivorRoom.onLeave((code: number) => { survivorClosed = code; });
    survivorPeer.onLeave((code: number) => { survivorClosed = code; });
    const victimEnd = new Promise<{ code: number; reason: string }>((resolve) => victim.events.on('closed', resolve));

    const killedAt = performance.now();
    b.child.kill('SIGKILL');
    await b.exited;

    // Its player: reconnecting at once, then a definite outcome with a clear reason, bounded.
    const driving = play(victim, 30_000, undefined, () => victim.status === 'closed');
    await waitFor('victim reconnecting', () => victim.status === 'reconnecting' || victim.status === 'closed', { timeoutMs: 5000 });
    const end = await victimEnd;
    const outcomeS = (performance.now() - killedAt) / 1000;
    await driving;
    expect(end.reason).toMatch(/no longer running|could not rejoin/i);
    expect(outcomeS).toBeLessThan(25);

    // Its rooms leave every listing within a bounded time (the dead-process sweep).
    await waitFor('dead rooms unlisted', async () => {
      const listed = await getJson(`${a.endpoint}/api/rooms`);
      const probe = await getJson(`${c.endpoint}/api/rooms/${doomedPrivate.roomId}`);
      return listed.status === 200 && !listed.body.rooms.some((r: { code: string }) => r.code === doomedPublic.roomId) && probe.status === 404;
    }, { timeoutMs: 20_000, intervalMs: 500 });
    const unlistedS = (performance.now() - killedAt) / 1000;
    expect(unlistedS).toBeLessThan(20);

    // The other processes' players saw nothing: still connected, their room still ticking.
    const tick0 = survivorRoom.state.tick;
    await sleep(1000);
    expect(survivorRoom.state.tick).toBeGreaterThan(tick0 + 15);
    expect(survivorClosed).toBeUndefined();
    expect(survivorRoom.state.players.get(survivorPeer.sessionId)).toBeDefined();

    // Matchmaking goes on without the dead process.
    const after = await track(joinArena(c.endpoint, { name: 'after' }));
    expect([a.port, c.port]).toContain(hostPort(after));

    for (const p of [a, c]) expect(logLines(p).filter((l) => l.msg === 'unhandled rejection')).toEqual([]);
    process.stdout.write(`kill -9: victim outcome after ${outcomeS.toFixed(1)} s ("${end.reason}"), rooms unlisted after ${unlistedS.toFixed(1)} s\n`);
  });

  it('leaves no keys behind but the live processes\' own', async () => {
    await leaveAll(rooms.splice(0));
    await Promise.all(sessions.splice(0).map((s) => s.leave().catch(() => undefined)));
    // Listings go with their rooms; the short-lived join lock (`ch:arena`, 1 s) expires. What stays is the
    // live processes' room count and the dead one's 10-minute "swept" receipt.
    const lasting = (k: string) => k === `${prefix}roomcount` || k.startsWith(`${prefix}swept:`);
    const keys = await waitFor('only lasting keys left', async () => {
      const now = await keysWithPrefix(SHARED_REDIS_URL, prefix);
      return now.every(lasting) && now;
    }, { timeoutMs: 10_000, intervalMs: 250 });
    expect(keys).toContain(`${prefix}roomcount`);
  });
});
