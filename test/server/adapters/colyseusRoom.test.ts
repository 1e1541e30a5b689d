import { matchMaker, Room } from '@colyseus/core';
import { describe, expect, it } from 'vitest';
import { FIXED_TIMESTEP_MAX_CATCHUP_STEPS, reservedSeatsOf, roomEncoderOf, takeOverFixedTimestep } from '../../../server/adapters/colyseusRoom.ts';
import { createArena, reserveSeat } from '../../helpers/clients.ts';
import { suiteServer } from '../../helpers/suiteServer.ts';

/**
 * Contract of server/adapters/colyseusRoom.ts with the pinned @colyseus/core: fails when an upgrade
 * moves the room's reservation table or its serializer's encoder. (The seat gate itself is exercised
 * through matchmaking by test/security/rooms.test.ts.)
 */
describe('the Colyseus room adapter', () => {
  const server = suiteServer();
  const rooms = server.rooms;

  it('sees a reservation nobody has connected to, with the auth the room gave it, and the room\'s encoder', async () => {
    const owner = await createArena(server.endpoint, { name: 'owner' });
    rooms.push(owner);
    const room = matchMaker.getLocalRoomById(owner.roomId) as Room;
    expect(reservedSeatsOf(room).filter((s) => !s.consumed)).toHaveLength(0);
    await reserveSeat(server.endpoint, 'joinById', owner.roomId, { name: 'waiting' });
    const fresh = reservedSeatsOf(room).filter((s) => !s.consumed && !s.reconnection);
    expect(fresh).toHaveLength(1);
    expect(fresh[0]!.auth).toMatchObject({ name: 'waiting' });
    expect((fresh[0]!.auth as { address?: string }).address).toMatch(/127\.0\.0\.1$/);
    const encoder = roomEncoderOf(room) as { encode?: unknown; encodeView?: unknown } | undefined;
    expect(typeof encoder?.encode).toBe('function');
    expect(typeof encoder?.encodeView).toBe('function');
  });
});

describe('Colyseus\' fixed timestep', () => {
  it(`runs at most FIXED_TIMESTEP_MAX_CATCHUP_STEPS (${FIXED_TIMESTEP_MAX_CATCHUP_STEPS}) steps after a stall and drops the rest`, async () => {
    class Probe extends Room {}
    const room = new Probe();
    let steps = 0;
    room.setFixedTimestep(() => { steps++; }, 30);
    try {
      await new Promise((r) => setTimeout(r, 100));
      const before = steps;
      // Hold the event loop for 15 steps' time.
      const t0 = performance.now();
      while (performance.now() - t0 < 500) { /* stall */ }
      await new Promise((r) => setTimeout(r, 5));
      expect(steps - before).toBe(FIXED_TIMESTEP_MAX_CATCHUP_STEPS);
    } finally {
      clearInterval((room as unknown as { _simulationInterval?: ReturnType<typeof setInterval> })._simulationInterval);
    }
  });
});

describe('taking over Colyseus\' fixed timestep', () => {
  it('stops Colyseus\' step timer (the clock no longer advances by itself) and leaves its handle for Colyseus to see and clear', async () => {
    class Probe extends Room {}
    const stock = new Probe();
    stock.setFixedTimestep(() => {}, 30);
    const taken = new Probe();
    takeOverFixedTimestep(taken, 30);
    const handleOf = (r: Room) => (r as unknown as { _simulationInterval?: ReturnType<typeof setInterval> })._simulationInterval;
    try {
      const stockAt = stock.clock.elapsedTime;
      const takenAt = taken.clock.elapsedTime;
      await new Promise((r) => setTimeout(r, 150));
      expect(stock.clock.elapsedTime).toBeGreaterThan(stockAt);
      expect(taken.clock.elapsedTime).toBe(takenAt);
      expect(handleOf(taken)).toBeDefined();
    } finally {
      clearInterval(handleOf(stock));
      clearInterval(handleOf(taken));
    }
  });
});
