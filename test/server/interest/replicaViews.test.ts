import type { Room } from '@colyseus/sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GAMES, gameListings, type GameListing } from '../../../shared/games/catalog.ts';
import { dropConnection, localRoom } from '../../helpers/attack.ts';
import { createRoomOf, joinOrCreateRoomOf, leaveAll } from '../../helpers/clients.ts';
import { joinRoomById } from '../../../tools/harness/joins.ts';
import { GATHER_AREA, GATHER_FIELD, GATHER_GAME, GATHER_ROOM, gemSpots, type GatherWorld } from '../../../tools/harness/gatherGame.ts';
import { startTestServer } from '../../helpers/server.ts';
import { waitFor } from '../../helpers/wait.ts';

/**
 * Spatial interest for any game (server/interest/replicaViews.ts), proven with a game the engine
 * has never heard of (tools/harness/gatherGame.ts) served by the generic room over real sockets and
 * decoded by the SDK: each client holds exactly the gems of its area, other players' positions
 * only while they are near, everyone's names; what leaves an area is deleted on that client, what
 * is picked up anywhere reaches only those who had it, and nobody's decoder goes wrong.
 */
type AnyRoom = Room<any, any>;
let server: Awaited<ReturnType<typeof startTestServer>>;
const open: AnyRoom[] = [];
const warnings: string[] = [];
const MAX_PLAYERS = 12;

beforeAll(async () => {
  server = await startTestServer({ games: [...GAMES, GATHER_GAME], defaultMaxPlayers: MAX_PLAYERS });
  // The SDK's decoder reports what it cannot apply (an unknown reference, a field it lacks) on the console.
  for (const level of ['warn', 'error'] as const) {
    const original = console[level].bind(console);
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      warnings.push(args.map(String).join(' '));
      original(...args);
    });
  }
});
afterEach(async () => { await leaveAll(open.splice(0) as never); });
afterAll(async () => {
  vi.restoreAllMocks();
  await server?.close();
});

function track<R extends AnyRoom>(room: R): R {
  open.push(room);
  return room;
}

/** The gems a client at area centre (cx, cy) must hold when it has just arrived there: those inside its area. */
function gemsAround(world: GatherWorld, x: number, y: number): string[] {
  const clamp = (c: number, size: number, half: number) => Math.min(size - half, Math.max(half, c));
  const cx = clamp(x, GATHER_FIELD.widthPx, GATHER_AREA.halfWidthPx);
  const cy = clamp(y, GATHER_FIELD.heightPx, GATHER_AREA.halfHeightPx);
  return [...world.gems].filter(([, g]) => Math.abs(g.x - cx) <= GATHER_AREA.halfWidthPx && Math.abs(g.y - cy) <= GATHER_AREA.halfHeightPx).map(([id]) => id).sort();
}

function gemsHeld(room: AnyRoom): string[] {
  const ids: string[] = [];
  room.state.gems?.forEach((_: unknown, id: string) => ids.push(id));
  return ids.sort();
}

function worldOf(room: AnyRoom): GatherWorld {
  return (localRoom(room.roomId) as unknown as { world: GatherWorld }).world;
}

/** Waits until `room` holds exactly `expected()` gems (both read anew each time). */
async function holds(room: AnyRoom, what: string, expected: () => string[]): Promise<void> {
  await waitFor(what, () => gemsHeld(room).join() === expected().join(), { timeoutMs: 5000 });
}

describe('spatial interest for any game (the generic room)', () => {
  it('lists the game with the others', async () => {
    const { games } = await (await fetch(`${server.endpoint}/api/games`)).json() as { games: GameListing[] };
    expect(games.at(-1)).toEqual({ id: 'gather', roomName: GATHER_ROOM, playersPerRoom: 4, description: 'Gather (test game).' });
    expect(games.slice(0, -1)).toEqual(gameListings(MAX_PLAYERS));
  });

  it('sends each client the gems around it and other players only while near, and follows them as they move', async () => {
    const a = track(await createRoomOf(server.endpoint, GATHER_ROOM, { name: 'alice' }) as AnyRoom);
    const b = track(await joinRoomById(server.endpoint, a.roomId, { name: 'bob' }) as AnyRoom);
    const world = worldOf(a);
    const total = gemSpots().length;

    // Opposite corners: each holds its own corner's gems, a small part of the field.
    await holds(a, 'alice: her corner', () => gemsAround(world, 300, 300));
    await holds(b, 'bob: his corner', () => gemsAround(world, 5700, 3700));
    expect(gemsHeld(a).length).toBeGreaterThan(0);
    expect(gemsHeld(a).length).toBeLessThan(total / 4);
    expect(gemsHeld(a).filter((id) => gemsHeld(b).includes(id))).toEqual([]);
    // Names go to everyone; a position only to those near.
    await waitFor('alice: bob\'s name', () => a.state.players.get(b.sessionId)?.name === 'bob');
    expect(a.state.players.get(b.sessionId).x).toBeUndefined();
    expect(a.state.players.get(a.sessionId).x).toBe(300);

    // Alice goes to the middle: the corner's gems leave her client, the middle's come in.
    Object.assign(world.players.get(a.sessionId)!, { x: 3000, y: 2000 });
    await holds(a, 'alice: the middle', () => gemsAround(world, 3000, 2000));
    expect(gemsHeld(a).some((id) => gemsAround(world, 300, 300).includes(id))).toBe(false);
    expect(b.state.players.get(a.sessionId).x).toBeUndefined();

    // Bob comes near: each now has the other's position.
    Object.assign(world.players.get(b.sessionId)!, { x: 3300, y: 2100 });
    await waitFor('alice: bob\'s position', () => a.state.players.get(b.sessionId)?.x === 3300);
    await waitFor('bob: alice\'s position', () => b.state.players.get(a.sessionId)?.x === 3000);

    // Bob leaves again, past the hysteresis: his position is deleted on alice's client.
    Object.assign(world.players.get(b.sessionId)!, { x: 5700, y: 3700 });
    await waitFor('alice: bob out of view', () => a.state.players.get(b.sessionId)?.x === undefined);
    expect(a.state.players.get(b.sessionId).name).toBe('bob');
    expect(warnings.filter((w) => w.includes('schema'))).toEqual([]);
  });

  it('a gem picked up leaves the clients that had it, and no one else hears of it', async () => {
    const a = track(await createRoomOf(server.endpoint, GATHER_ROOM, { name: 'alice' }) as AnyRoom);
    const b = track(await joinRoomById(server.endpoint, a.roomId, { name: 'bob' }) as AnyRoom);
    const world = worldOf(a);
    await holds(b, 'bob: his corner', () => gemsAround(world, 5700, 3700));

    // Alice steps onto a gem in her view: it is gone from the world and from her client.
    await holds(a, 'alice: her corner', () => gemsAround(world, 300, 300));
    const [gx, gy] = [750, 750];
    const id = `g${gx}_${gy}`;
    expect(gemsHeld(a)).toContain(id);
    Object.assign(world.players.get(a.sessionId)!, { x: gx, y: gy });
    await waitFor('the gem picked up', () => !world.gems.has(id));
    await holds(a, 'alice: the gem gone', () => gemsAround(world, gx, gy));
    expect(gemsHeld(a)).not.toContain(id);
    await waitFor('alice: her count', () => a.state.players.get(a.sessionId)?.gems === 1);
    // Bob never had it: his decoder takes the patches that delete it for others and goes on.
    const tick = b.state.tick;
    await waitFor('bob: patches keep coming', () => b.state.tick >= tick + 10);
    await holds(b, 'bob: his corner, unchanged', () => gemsAround(world, 5700, 3700));
    expect(b.state.players.get(a.sessionId).gems).toBe(1);
    expect(warnings.filter((w) => w.includes('schema') || w.includes('refId'))).toEqual([]);
  });

  it('a client that reconnects gets its area again, and its view goes on following it', async () => {
    const a = track(await createRoomOf(server.endpoint, GATHER_ROOM, { name: 'alice' }) as AnyRoom);
    const world = worldOf(a);
    await holds(a, 'alice: her corner', () => gemsAround(world, 300, 300));
    const resumed: number[] = [];
    a.onMessage('resumed', (m: { lastInputSeq: number }) => resumed.push(m.lastInputSeq));
    // The SDK reconnects by itself after an abnormal close (only after 5 s up by default).
    a.reconnection.minUptime = 0;
    a.reconnection.minDelay = 0;
    dropConnection(a.roomId, a.sessionId);
    await waitFor('resumed after the reconnection', () => resumed.length > 0, { timeoutMs: 10_000 });
    await holds(a, 'alice: her corner after the reconnection', () => gemsAround(world, 300, 300));
    Object.assign(world.players.get(a.sessionId)!, { x: 5000, y: 1000 });
    await holds(a, 'alice: where she went', () => gemsAround(world, 5000, 1000));
    expect(warnings.filter((w) => w.includes('schema') || w.includes('refId'))).toEqual([]);
  });

  it('a spectator roams to a point or follows a player', async () => {
    const a = track(await createRoomOf(server.endpoint, GATHER_ROOM, { name: 'alice' }) as AnyRoom);
    const s = track(await joinRoomById(server.endpoint, a.roomId, { name: 'watcher', spectate: true }) as AnyRoom);
    const world = worldOf(a);
    await holds(s, 'spectator: the middle of the field', () => gemsAround(world, GATHER_FIELD.widthPx / 2, GATHER_FIELD.heightPx / 2));
    s.send('spectate', { x: 200, y: 3800 });
    await holds(s, 'spectator: the corner it roamed to', () => gemsAround(world, 200, 3800));
    s.send('spectate', { follow: a.sessionId });
    await holds(s, 'spectator: around alice', () => gemsAround(world, 300, 300));
    expect(s.state.players.get(a.sessionId).x).toBe(300);
  });

  it('the ball game, which declares no interest, still sends everyone everything', async () => {
    const ball = GAMES.find((g) => g.id === 'ball')!;
    expect(ball.interest).toBeUndefined();
    const r = track(await joinOrCreateRoomOf(server.endpoint, ball.rooms[0]!.name, { name: 'kicker' }) as AnyRoom);
    await waitFor('the ball', () => r.state.balls?.get('ball') !== undefined);
  });
});
