import { matchMaker } from '@colyseus/core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { MAX_VIOLATIONS_PER_CLIENT, PRIVATE_ROOM_CODE_CHARS, PUBLIC_ROOM_CODE_CHARS, ROOM_CODE_ALPHABET, TICK_HZ, TICK_MS } from '../../shared/limits.ts';
import { PLAYER_MAX_SPEED_PX_PER_S } from '../../shared/tuning.ts';
import { counterValue, violationsTotal } from '../../server/observability/metrics.ts';
import { closed, createArena, joinArena, joinArenaById, leaveAll, shootUntilDead, type ArenaRoom } from '../helpers/clients.ts';
import { startTestServer } from '../helpers/server.ts';
import { FIXED_TIMESTEP_MAX_CATCHUP_STEPS } from '../../server/adapters/colyseusRoom.ts';
import { localRoom } from '../helpers/attack.ts';
import { holdEventLoop, sleep, waitFor } from '../helpers/wait.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
const open: ArenaRoom[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await leaveAll(open.splice(0));
});
afterAll(async () => {
  await server?.close();
});

async function track<T extends ArenaRoom>(room: Promise<T>): Promise<T> {
  const r = await room;
  open.push(r);
  return r;
}

/** Send `count` inputs at the tick rate through the room's input channel. */
async function sendInputs(room: ArenaRoom, count: number, fields: (i: number) => Record<string, number | boolean>, hz = TICK_HZ) {
  const input = room.input();
  for (let i = 0; i < count; i++) {
    Object.assign(input.data as object, { seq: input.sentCount + 1, ...fields(i) });
    input.send();
    await sleep(1000 / hz);
  }
  return input;
}

function player(room: ArenaRoom, id: string) {
  return room.state.players.get(id);
}

describe('arena room over real WebSockets', () => {
  it('puts two quick-play clients in the same room, and inputs move only the sender', async () => {
    const a = await track(joinArena(server.endpoint, { name: 'alice' }));
    const b = await track(joinArena(server.endpoint, { name: 'bob' }));
    expect(b.roomId).toBe(a.roomId);
    await waitFor('both players alive', () => player(b, a.sessionId)?.alive && player(a, b.sessionId)?.alive);

    const startA = { x: player(b, a.sessionId)!.x, y: player(b, a.sessionId)!.y };
    const startB = { x: player(a, b.sessionId)!.x, y: player(a, b.sessionId)!.y };
    const dir = startA.x < 800 ? 1 : -1;
    const input = await sendInputs(a, 20, () => ({ moveX: dir, moveY: 0 }));

    // The server acknowledges every input it applied, and says so to the sender.
    await waitFor('all inputs acknowledged', () => input.lastProcessed === 20);
    await sleep(150);
    const seenA = player(b, a.sessionId)!;
    expect((seenA.x - startA.x) * dir).toBeGreaterThan(60);
    expect(seenA.y).toBe(startA.y);
    expect(player(a, b.sessionId)).toMatchObject(startB);
    expect(player(b, a.sessionId)!.name).toBe('alice');
  });

  it('applies one input per tick: sending three times faster does not move faster', async () => {
    const a = await track(createArena(server.endpoint, { name: 'speeder', private: true }));
    await waitFor('spawned', () => player(a, a.sessionId)?.alive);
    const start = player(a, a.sessionId)!.x;
    const dir = start < 800 ? 1 : -1;
    const t0 = Date.now();
    await sendInputs(a, 45, () => ({ moveX: dir }), TICK_HZ * 3);
    const elapsedS = (Date.now() - t0) / 1000;
    await sleep(200);
    const moved = Math.abs(player(a, a.sessionId)!.x - start);
    // 45 inputs sent in ~0.5 s: honest clients would need 1.5 s for that many ticks.
    expect(moved).toBeLessThanOrEqual(PLAYER_MAX_SPEED_PX_PER_S * (elapsedS + 0.25));
  });

  it('ticks at the fixed rate without drift, through stalls longer than the catch-up limit', async () => {
    const a = await track(createArena(server.endpoint, { name: 'clock', private: true }));
    await waitFor('a patch', () => a.state.tick > 0);
    // The server runs in this process, and the machine is shared: when it holds this process up
    // longer than the fixed step catches up after (FIXED_TIMESTEP_MAX_CATCHUP_STEPS), the room drops
    // those ticks by design (no burst of catch-up), which is not drift. How many depends on each
    // wake-up's delay and on the accumulator's remainder, which a watch from outside only estimates
    // (5 ticks short after a few stalls, with three test files at a time): the room's clock records
    // each wake-up's delay, and the fixed step's rule (its contract test: colyseusRoom.test.ts) says
    // how many steps each owes, give or take the room's own rule after a wake-up that ran the limit:
    // it keeps the step due at that time (server/netcode/patchCadence.ts), one more than Colyseus'
    // accumulator, which restarts from zero. The ticks taken must be those, and the clock must keep
    // to the wall's time. Two stalls of our own (the server's process held up past the catch-up
    // limit) make that part of every run, not only of loaded ones (where the rule's one step more
    // once showed as 89 ticks against at most 88).
    const room = localRoom(a.roomId) as unknown as { clock: { tick(): void; deltaTime: number }; world: { tick: number } };
    const clockTick = room.clock.tick;
    const wakes: Array<{ deltaMs: number; atMs: number }> = [];
    room.clock.tick = function (this: { tick(): void; deltaTime: number }) {
      clockTick.call(this);
      wakes.push({ deltaMs: this.deltaTime, atMs: performance.now() });
    };
    const tick0 = room.world.tick;
    try {
      await sleep(1000);
      holdEventLoop(FIXED_TIMESTEP_MAX_CATCHUP_STEPS * TICK_MS * 1.5);
      await sleep(500);
      holdEventLoop(FIXED_TIMESTEP_MAX_CATCHUP_STEPS * TICK_MS * 2.5);
      await sleep(1000);
    } finally {
      room.clock.tick = clockTick;
    }
    const ticks = room.world.tick - tick0;
    /** Steps owed by the wake-ups from an accumulator holding `accMs` at the start (unknown: 0 to a step). */
    const owed = (accMs: number) => {
      let steps = 0;
      let dropped = 0;
      let limited = 0;
      for (const { deltaMs } of wakes) {
        accMs += deltaMs;
        const ran = Math.min(FIXED_TIMESTEP_MAX_CATCHUP_STEPS, Math.floor(accMs / TICK_MS));
        accMs -= ran * TICK_MS;
        steps += ran;
        if (ran === FIXED_TIMESTEP_MAX_CATCHUP_STEPS) {
          dropped += accMs / TICK_MS;
          accMs = 0;
          limited++;
        }
      }
      return { steps, dropped, limited };
    };
    const low = owed(0);
    const high = owed(TICK_MS - 1e-6);
    // The clock between the first and the last wake-up, against the wall's time between them.
    const clockMs = wakes.slice(1).reduce((sum, w) => sum + w.deltaMs, 0);
    const wallMs = wakes.at(-1)!.atMs - wakes[0]!.atMs;
    const note = `${ticks} ticks over ${wakes.length} wake-ups in ${(wallMs / 1000).toFixed(2)} s (clock ${(clockMs / 1000).toFixed(2)} s), ${low.dropped.toFixed(1)} dropped after ${high.limited} wake-ups that ran the limit`;
    expect(wakes.length, note).toBeGreaterThan(3000 / TICK_MS / 2);
    expect(high.limited, note).toBeGreaterThanOrEqual(2);
    expect(ticks, note).toBeGreaterThanOrEqual(low.steps);
    expect(ticks, note).toBeLessThanOrEqual(high.steps + high.limited);
    expect(Math.abs(clockMs - wallMs), note).toBeLessThan(2);
  });

  it('a hit kills, the shooter scores and the victim respawns', async () => {
    const a = await track(createArena(server.endpoint, { name: 'shooter', map: 'duel' }));
    const b = await track(joinArenaById(server.endpoint, a.roomId, { name: 'target' }));
    await waitFor('both alive', () => player(a, a.sessionId)?.alive && player(a, b.sessionId)?.alive);
    const kills: unknown[] = [];
    b.onMessage('kill', (k) => kills.push(k));

    await shootUntilDead(a, b.sessionId);

    expect(player(b, a.sessionId)!.kills).toBe(1);
    expect(player(a, b.sessionId)!.deaths).toBe(1);
    await waitFor('kill message', () => kills.length === 1);
    expect(kills[0]).toMatchObject({ killerId: a.sessionId, victimId: b.sessionId, killerName: 'shooter', victimName: 'target' });
    await waitFor('respawn', () => player(a, b.sessionId)!.alive && player(a, b.sessionId)!.hp === 100, { timeoutMs: 4000 });
  });

  it('removes a player who leaves', async () => {
    const a = await track(createArena(server.endpoint, { name: 'stay', private: true }));
    const b = await joinArenaById(server.endpoint, a.roomId, { name: 'go' });
    await waitFor('b visible to a', () => player(a, b.sessionId));
    await b.leave(true);
    await waitFor('b gone', () => player(a, b.sessionId) === undefined);
  });

  it('a private room is unlisted, skipped by quick play and joined by its code', async () => {
    const host = await track(createArena(server.endpoint, { name: 'host', private: true }));
    expect(host.roomId).toMatch(new RegExp(`^[${ROOM_CODE_ALPHABET}]{${PRIVATE_ROOM_CODE_CHARS}}$`));
    const listing = await fetch(`${server.endpoint}/api/rooms`).then((r) => r.json());
    expect(listing.rooms.map((r: { code: string }) => r.code)).not.toContain(host.roomId);

    const stranger = await track(joinArena(server.endpoint, { name: 'stranger' }));
    expect(stranger.roomId).not.toBe(host.roomId);
    expect(stranger.roomId).toMatch(new RegExp(`^[${ROOM_CODE_ALPHABET}]{${PUBLIC_ROOM_CODE_CHARS}}$`));
    const listed = await fetch(`${server.endpoint}/api/rooms`).then((r) => r.json());
    expect(listed.rooms).toContainEqual(expect.objectContaining({ code: stranger.roomId, clients: 1, maxClients: 16 }));

    const friend = await track(joinArenaById(server.endpoint, host.roomId.toLowerCase().toUpperCase(), { name: 'friend' }));
    expect(friend.roomId).toBe(host.roomId);
    await waitFor('host sees friend', () => player(host, friend.sessionId)?.name === 'friend');
  });

  it('sends no patch before the room exists, however long creating it waits on the room list (Redis)', async () => {
    // A slow driver (Redis under load or stalled) delays onCreate past Colyseus' first patch
    // timer; a patch sent then used to throw outside the room and end the process.
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    const driver = matchMaker.driver;
    const lookup = driver.findByIds.bind(driver);
    driver.findByIds = async (...args: Parameters<typeof lookup>) => {
      await sleep(300);
      return lookup(...args);
    };
    try {
      const room = await track(createArena(server.endpoint, { name: 'patient', private: true }));
      await waitFor('state', () => player(room, room.sessionId));
    } finally {
      driver.findByIds = lookup;
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
  });

  it('refuses bad join options with a reason, before any seat is given', async () => {
    await expect(joinArena(server.endpoint, { name: '' })).rejects.toThrow(/invalid_options: name/);
    await expect(joinArena(server.endpoint, { name: 'x'.repeat(40) })).rejects.toThrow(/invalid_options/);
    await expect(joinArena(server.endpoint, { name: 'ok', admin: true })).rejects.toThrow(/invalid_options: .*admin/);
    await expect(joinArena(server.endpoint, { name: 'ok', maxPlayers: 1e9 })).rejects.toThrow(/invalid_options/);
    await expect(joinArenaById(server.endpoint, 'ZZZZZ', { name: 'lost' })).rejects.toThrow();
  });

  it('rejects invalid messages without affecting the other client, then closes the offender', async () => {
    const good = await track(createArena(server.endpoint, { name: 'good', private: true }));
    const bad = await track(joinArenaById(server.endpoint, good.roomId, { name: 'bad' }));
    await waitFor('both alive', () => player(good, bad.sessionId)?.alive && player(good, good.sessionId)?.alive);
    const before = await counterValue(violationsTotal, { kind: 'invalid_message' });
    const chats: unknown[] = [];
    good.onMessage('chat', (c) => chats.push(c));

    // Out-of-range and NaN input fields are clamped by the input channel's sanitizer.
    const badInput = bad.input();
    const x0 = player(good, bad.sessionId)!.x;
    for (let i = 0; i < 10; i++) {
      Object.assign(badInput.data as object, { seq: badInput.sentCount + 1, moveX: 100, moveY: Number.NaN, aim: 1e9 });
      badInput.send();
      await sleep(1000 / TICK_HZ);
    }
    await sleep(200);
    expect(Math.abs(player(good, bad.sessionId)!.x - x0)).toBeLessThanOrEqual(PLAYER_MAX_SPEED_PX_PER_S * 0.5);

    bad.send('chat', { text: 42 });
    bad.send('chat', { text: 'hi', extra: 1 });
    bad.send('no-such-type', {});
    await waitFor('violations counted', async () => (await counterValue(violationsTotal, { kind: 'invalid_message' })) >= before + 2);
    expect(chats).toHaveLength(0);

    // The honest client keeps playing: it still receives patches and its inputs still apply.
    const tickBefore = good.state.tick;
    const goodInput = await sendInputs(good, 10, () => ({ moveY: 1 }));
    await waitFor('good acked', () => goodInput.lastProcessed === 10);
    expect(good.state.tick).toBeGreaterThan(tickBefore);

    // A client that keeps at it is closed with a documented code.
    const code = closed(bad);
    for (let i = 0; i < MAX_VIOLATIONS_PER_CLIENT + 2; i++) bad.send('chat', { text: null });
    expect(await code).toBe(CLOSE_CODES.TOO_MANY_VIOLATIONS);
    await waitFor('bad removed', () => player(good, bad.sessionId) === undefined);
    good.send('chat', { text: 'still here' });
    await waitFor('good chat delivered', () => chats.length === 1);
  });

  it('answers /healthz with JSON', async () => {
    const res = await fetch(`${server.endpoint}/healthz`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({ status: 'ok' });
    expect(typeof body.rooms).toBe('number');
    expect(typeof body.clients).toBe('number');
  });
});
