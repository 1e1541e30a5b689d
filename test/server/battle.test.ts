import { matchMaker } from '@colyseus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bodyAt, inArea } from '../../game-client/net/interest.ts';
import { AOI_HYSTERESIS_PX, AOI_MARGIN_PX, BATTLE_ROOM, VIEWPORT_HEIGHT_PX, VIEWPORT_WIDTH_PX } from '../../shared/limits.ts';
import type { RoomListing } from '../../shared/messages.ts';
import type { World } from '../../shared/sim/world.ts';
import { crowdCell, crowdGrid } from '../../shared/crowd.ts';
import { cameraCentre } from '../../server/interest/area.ts';
import { createArena, createRoomOf, joinArena, joinArenaById, leaveAll, newGuest, type ArenaRoom } from '../helpers/clients.ts';
import { metricValue, scrape } from '../helpers/metrics.ts';
import { startTestServer } from '../helpers/server.ts';
import { sleep, waitFor } from '../helpers/wait.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
const open: ArenaRoom[] = [];

beforeAll(async () => {
  server = await startTestServer({ maxSpectators: 2, security: { rateLimitExemptIps: ['127.0.0.1'] } });
});
afterAll(async () => {
  await leaveAll(open);
  await server?.close();
});

/** The room's simulation, read in this process (the test server runs here). */
function worldOf(code: string): World {
  return (matchMaker.getLocalRoomById(code) as unknown as { world: World }).world;
}

async function join(code: string, options: Record<string, unknown>): Promise<ArenaRoom> {
  const r = await joinArenaById(server.endpoint, code, options);
  open.push(r);
  return r;
}

describe('the battle room over real connections', () => {
  it('spreads players over a map sized for the room, and each client holds only the bodies around it', async () => {
    const host = await createRoomOf(server.endpoint, BATTLE_ROOM, { name: 'host', private: true, maxPlayers: 50 });
    open.push(host);
    expect(host.state.mapId).toBe('battle-4');
    const players = [host];
    for (let i = 0; i < 15; i++) players.push(await join(host.roomId, { name: `p${i}` }));
    const world = worldOf(host.roomId);
    await waitFor('everyone spawned', () => [...world.players.values()].every((p) => p.alive) && world.players.size === 16);
    await sleep(400);
    let held = 0;
    let hidden = 0;
    for (const r of players) {
      const state = r.state;
      expect(state.players.size).toBe(16);
      const me = world.players.get(r.sessionId)!;
      const c = cameraCentre(world.map, me.x, me.y);
      const reachX = VIEWPORT_WIDTH_PX / 2 + AOI_MARGIN_PX + AOI_HYSTERESIS_PX + 10;
      const reachY = VIEWPORT_HEIGHT_PX / 2 + AOI_MARGIN_PX + AOI_HYSTERESIS_PX + 10;
      state.players.forEach((p, id) => {
        if (!inArea(p)) { hidden++; return; }
        held++;
        // Where this client has it is near where the server has it (a patch or so apart), and inside its area.
        const at = bodyAt(p, state.tick, state.tick);
        expect(Math.abs(at.x - c.x)).toBeLessThanOrEqual(reachX);
        expect(Math.abs(at.y - c.y)).toBeLessThanOrEqual(reachY);
        expect(Math.hypot(at.x - world.players.get(id)!.x, at.y - world.players.get(id)!.y)).toBeLessThan(60);
      });
    }
    // Interest management did something: on a 3200 × 2000 map some players are out of each other's view.
    expect(held).toBeGreaterThan(16);
    expect(hidden).toBeGreaterThan(16);
    // Everyone's minimap: live players per crowd cell, for the whole map, on every client.
    const grid = crowdGrid(world.map)!;
    const expected = new Array(grid.cols * grid.rows).fill(0);
    for (const p of world.players.values()) expected[crowdCell(grid, p.x, p.y)]++;
    await waitFor('the crowd map on a client', () => JSON.stringify(Array.from(players[3]!.state.crowd!)) === JSON.stringify(expected));
    // And says so on /metrics.
    const m = await scrape(server.endpoint);
    const perClientPatch = metricValue(m, 'game_interest_total', { what: 'bodies_in_view' }) / metricValue(m, 'game_interest_total', { what: 'client_patches' });
    expect(perClientPatch).toBeGreaterThan(0);
    expect(perClientPatch).toBeLessThan(15);
    expect(metricValue(m, 'game_interest_total', { what: 'view_bytes' })).toBeGreaterThan(0);
  });

  it('admits spectators on their own limit: no body, a view that follows a player or roams', async () => {
    const host = await createRoomOf(server.endpoint, BATTLE_ROOM, { name: 'host2', private: true, maxPlayers: 50 });
    open.push(host);
    for (let i = 0; i < 7; i++) await join(host.roomId, { name: `q${i}` });
    const world = worldOf(host.roomId);
    await waitFor('everyone spawned', () => world.players.size === 8 && [...world.players.values()].every((p) => p.alive));
    // The state follows the world once per patch: wait until a patch has carried all eight, so the
    // watcher's first state (the room's state when it joins) has them.
    await waitFor('everyone in the state', () => host.state.players.size === 8);
    const watcher = await join(host.roomId, { name: 'watcher', spectate: true });
    expect(world.players.has(watcher.sessionId)).toBe(false);
    expect(watcher.state.players.size).toBe(8);

    // Follow the host: its body (and what is around it) arrives.
    watcher.send('spectate', { follow: host.sessionId });
    await waitFor('the followed player in view', () => inArea(watcher.state.players.get(host.sessionId)!));
    // Roam to the far corner from the host: the host leaves the view.
    const h = world.players.get(host.sessionId)!;
    watcher.send('spectate', { x: h.x < 1600 ? 3200 : 0, y: h.y < 1000 ? 2000 : 0 });
    await waitFor('the host out of view after roaming away', () => !inArea(watcher.state.players.get(host.sessionId)!));

    // A second spectator fits, a third does not (the server allows 2); players still can join.
    await join(host.roomId, { name: 'watcher2', spectate: true });
    await expect(joinArenaById(server.endpoint, host.roomId, { name: 'watcher3', spectate: true })).rejects.toThrow(/spectators_full/);
    await join(host.roomId, { name: 'late-player' });
  });

  it('a room whose player seats are full leaves quick play but stays listed and watchable', async () => {
    const guestA = newGuest(server.endpoint);
    const a = await createArena(server.endpoint, { name: 'a', maxPlayers: 2 }, guestA);
    open.push(a);
    const b = await joinArena(server.endpoint, { name: 'b' });
    open.push(b);
    expect(b.roomId).toBe(a.roomId);
    await waitFor('full room out of quick play', async () => {
      const res = await fetch(`${server.endpoint}/api/rooms`);
      const rooms = ((await res.json()) as { rooms: RoomListing[] }).rooms;
      const me = rooms.find((r) => r.code === a.roomId);
      return me !== undefined && me.clients === 2 && me.maxClients === 2 && me.kind === 'arena' && me.maxSpectators === 2;
    });
    // A third player is refused this room by code, and quick play opens another. The refusal is a
    // join rejection with its reason, not a contained room error.
    const before = await scrape(server.endpoint);
    await expect(joinArenaById(server.endpoint, a.roomId, { name: 'c' })).rejects.toThrow(/room_full/);
    const after = await scrape(server.endpoint);
    expect(metricValue(after, 'game_join_rejections_total', { reason: 'room_full' }) - metricValue(before, 'game_join_rejections_total', { reason: 'room_full' })).toBe(1);
    expect(metricValue(after, 'game_room_errors_total')).toBe(metricValue(before, 'game_room_errors_total'));
    const c = await joinArena(server.endpoint, { name: 'c' });
    open.push(c);
    expect(c.roomId).not.toBe(a.roomId);
    // A spectator still gets in: here a's own guest session, watching from another tab, which does
    // not count as a second avatar (a keeps playing).
    const s = await joinArenaById(server.endpoint, a.roomId, { name: 'fan', spectate: true }, guestA);
    open.push(s);
    expect(s.state.players.size).toBe(2);
    await sleep(200);
    expect(a.connection.isOpen).toBe(true);
  });

  it('refuses room options each room type does not take', async () => {
    await expect(createRoomOf(server.endpoint, 'arena', { name: 'x', maxPlayers: 100 })).rejects.toThrow(/maxPlayers/);
    await expect(createRoomOf(server.endpoint, BATTLE_ROOM, { name: 'x', maxPlayers: 201 })).rejects.toThrow(/invalid_options/);
    await expect(createRoomOf(server.endpoint, BATTLE_ROOM, { name: 'x', map: 'duel' })).rejects.toThrow(/map/);
    await expect(createRoomOf(server.endpoint, 'arena', { name: 'x', spectate: true })).rejects.toThrow(/spectate/);
  });
});
