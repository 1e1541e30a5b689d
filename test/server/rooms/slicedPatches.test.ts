import { matchMaker } from '@colyseus/core';
import { describe, expect, it } from 'vitest';
import { TICK_HZ } from '../../../shared/limits.ts';
import { createArena, joinArenaById, shootUntilDead, type ArenaRoom } from '../../helpers/clients.ts';
import { metricValue, scrape } from '../../helpers/metrics.ts';
import { suiteServer } from '../../helpers/suiteServer.ts';
import { sleep, waitFor } from '../../helpers/wait.ts';

/*
 * A large room's patch is served in slices, a turn of the event loop between them
 * (server/netcode/patchSlices.ts). Here every room's patch is cut as finely as it can be: the first
 * turn serves no client, then one client a turn. What a client gets must be what it would get
 * from an unsliced patch: the same state, events after the patch that shows them, leaves applied
 * once the patch is complete.
 */

const player = (room: ArenaRoom, id: string) => room.state.players.get(id);

interface Slices {
  /** Slices served since counting began. */
  slices: number;
  /** Set: the next patch is held in progress (a turn at a time, serving no one) until it answers true. */
  holdUntil: (() => boolean) | undefined;
  /** A patch is being held. */
  holding: boolean;
}

/** The server-side room, its slices counted, and a patch held in progress on demand (at most HOLD_MAX_MS). */
function countSlices(roomId: string): Slices {
  const HOLD_MAX_MS = 3000;
  const room = matchMaker.getLocalRoomById(roomId) as unknown as { continuePatch(): boolean };
  const counted: Slices = { slices: 0, holdUntil: undefined, holding: false };
  let heldSince = -1;
  const next = room.continuePatch.bind(room);
  room.continuePatch = () => {
    counted.slices++;
    if (counted.holdUntil !== undefined) {
      if (heldSince < 0) heldSince = performance.now();
      // A patch that takes many turns (as a 200-player patch takes several): what arrives meanwhile lands mid-patch.
      if (!counted.holdUntil() && performance.now() - heldSince < HOLD_MAX_MS) {
        counted.holding = true;
        return true;
      }
      counted.holdUntil = undefined;
      counted.holding = false;
      heldSince = -1;
    }
    return next();
  };
  return counted;
}

describe('patches served one client a turn', () => {
  const server = suiteServer({ patchSlices: { sliceMs: 0, minClients: 1 } });
  const rooms = server.rooms;

  it('a kill reaches the victim and the killer after the patch that shows the death', async () => {
    const a = await createArena(server.endpoint, { name: 'shooter', map: 'duel' });
    rooms.push(a);
    const b = await joinArenaById(server.endpoint, a.roomId, { name: 'target' });
    rooms.push(b);
    const counted = countSlices(a.roomId);
    await waitFor('both alive', () => player(a, a.sessionId)?.alive && player(a, b.sessionId)?.alive);
    // What each client's state said about the victim when the kill message arrived.
    const seenDead: Array<boolean | undefined> = [];
    for (const room of [a, b]) room.onMessage('kill', () => seenDead.push(player(room, b.sessionId)?.alive === false));

    await shootUntilDead(a, b.sessionId);
    await waitFor('both kill messages', () => seenDead.length === 2);
    expect(seenDead).toEqual([true, true]);
    expect(player(b, a.sessionId)!.kills).toBe(1);
    // Two clients: a first turn without a client, then one each.
    expect(counted.slices).toBeGreaterThan(10);
  });

  it('players who move, leave and join between slices: everyone\'s state follows, nothing is lost, nothing fails', async () => {
    const before = await scrape(server.endpoint);
    const host = await createArena(server.endpoint, { name: 'p0', private: true });
    rooms.push(host);
    const everyone = [host];
    for (let i = 1; i < 4; i++) {
      const r = await joinArenaById(server.endpoint, host.roomId, { name: `p${i}` });
      rooms.push(r);
      everyone.push(r);
    }
    const counted = countSlices(host.roomId);
    // Whether each leave reached the room while a patch was being served (what this test is about).
    const serverRoom = matchMaker.getLocalRoomById(host.roomId) as unknown as { onLeave(...args: unknown[]): void; patches: { inProgress: boolean } };
    const leftMidPatch: boolean[] = [];
    const onLeave = serverRoom.onLeave.bind(serverRoom);
    serverRoom.onLeave = (...args: unknown[]) => {
      leftMidPatch.push(serverRoom.patches.inProgress);
      onLeave(...args);
    };
    const errors: string[] = [];
    for (const r of everyone) r.onError((code, message) => errors.push(`${r.sessionId}: ${code} ${message}`));
    await waitFor('everyone sees everyone', () => everyone.every((r) => everyone.every((o) => player(r, o.sessionId) !== undefined)));

    const start = new Map(everyone.map((r) => [r.sessionId, player(host, r.sessionId)!.x]));
    const walking = everyone.map((r) => r.input());
    const walk = async (ticks: number, moveX = 1) => {
      for (let t = 0; t < ticks; t++) {
        for (const input of walking) {
          Object.assign(input.data as object, { seq: input.sentCount + 1, moveX, moveY: 0 });
          input.send();
        }
        await sleep(1000 / TICK_HZ);
      }
    };
    // Visitors join and leave while a patch is being served (held over many turns).
    const VISITS = 3;
    const visitors: string[] = [];
    for (let visit = 0; visit < VISITS; visit++) {
      let joined = false;
      counted.holdUntil = () => joined;
      await waitFor('a patch held', () => counted.holding);
      const visitor = await joinArenaById(server.endpoint, host.roomId, { name: `visitor${visit}` });
      joined = true;
      visitor.onError((code, message) => errors.push(`visitor ${visit}: ${code} ${message}`));
      visitors.push(visitor.sessionId);
      await walk(3);
      const leaves = leftMidPatch.length;
      counted.holdUntil = () => leftMidPatch.length > leaves;
      await waitFor('a patch held', () => counted.holding);
      await visitor.leave(true);
      await waitFor('the room saw the leave', () => leftMidPatch.length > leaves);
    }
    expect(leftMidPatch, 'every leave reached the room while a patch was being served').toEqual(Array(VISITS).fill(true));
    // Then they stop, so every client's copy of a body (dead-reckoned while it moves) settles on the server's.
    await walk(15, 0);
    await sleep(300);

    const world = (serverRoom as unknown as { world: { players: Map<string, { x: number }> } }).world;
    await waitFor('every visitor gone for everyone', () => everyone.every((r) => visitors.every((id) => player(r, id) === undefined)), {
      describe: () => everyone.map((r) => visitors.filter((id) => player(r, id) !== undefined).join(',')).join(' / '),
    });
    for (const r of everyone) {
      // Each walker moved right, and every client holds where the server has it.
      const x = world.players.get(r.sessionId)!.x;
      expect(x, r.sessionId).toBeGreaterThan(start.get(r.sessionId)! + 20);
      for (const o of everyone) expect(Math.abs(player(o, r.sessionId)!.x - x), `${o.sessionId} sees ${r.sessionId}`).toBeLessThan(1);
    }
    expect(errors).toEqual([]);
    expect(counted.slices).toBeGreaterThan(40);
    const after = await scrape(server.endpoint);
    expect(metricValue(after, 'game_room_errors_total')).toBe(metricValue(before, 'game_room_errors_total'));
  });

  it('the match\'s flags set while a patch is being served (a drain) reach every client', async () => {
    const a = await createArena(server.endpoint, { name: 'a', private: true });
    rooms.push(a);
    const b = await joinArenaById(server.endpoint, a.roomId, { name: 'b' });
    rooms.push(b);
    const counted = countSlices(a.roomId);
    await waitFor('both in', () => player(a, b.sessionId) !== undefined && player(b, a.sessionId) !== undefined);
    let drained = false;
    counted.holdUntil = () => drained;
    await waitFor('a patch held', () => counted.holding);
    const serverRoom = matchMaker.getLocalRoomById(a.roomId) as unknown as { lifecycle: { drain(deadlineS: number): void } };
    // Written outside a step while the patch is in progress: they must go with the next patch, not be dropped with this one's changes.
    serverRoom.lifecycle.drain(60);
    drained = true;
    await waitFor('both told of the drain', () => a.state.draining && b.state.draining && a.state.matchEndsAtTick > 0 && b.state.matchEndsAtTick > 0);
  });
});
