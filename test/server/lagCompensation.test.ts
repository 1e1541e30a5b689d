import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAG_COMP_MAX_TICKS, TICK_MS } from '../../shared/limits.ts';
import { PLAYER_MAX_HEALTH, PROJECTILE_SPEED_PX_PER_S } from '../../shared/tuning.ts';
import type { NetPong } from '../../shared/messages.ts';
import { radiansToAim } from '../../shared/math.ts';
import { nextRandom } from '../../shared/rng.ts';
import { Lobby } from '../../game-client/net/lobby.ts';
import { parseNetSim } from '../../game-client/net/netsim/config.ts';
import type { RenderFrame } from '../../game-client/net/renderModel.ts';
import type { ArenaSession, InputSample } from '../../game-client/net/session.ts';
import { RoomNetcode } from '../../server/netcode/roomNetcode.ts';
import type { World } from '../../shared/sim/world.ts';
import { ClientState, matchMaker } from '@colyseus/core';
import { playFor } from '../helpers/netBots.ts';
import { startTestServer } from '../helpers/server.ts';

/**
 * Walks (through the duel map's middle gap) to x ~300, clear of the pillars, then paces up and
 * down, turning at seeded random points so that a view late by any fixed time rarely lines up.
 */
function pacer(seed: number): (frame: RenderFrame | undefined) => InputSample {
  let rng = seed;
  const roll = () => { const r = nextRandom(rng); rng = r.state; return r.value; };
  let down = true;
  let turnAt = 380;
  return (frame) => {
    const me = frame?.self;
    if (!me || !me.alive) return { moveX: 0, moveY: 0, aim: 0, fire: false };
    if (me.x > 310 || me.x < 290) return { moveX: me.x > 310 ? -1 : 1, moveY: Math.sign(250 - me.y), aim: 0, fire: false };
    if (down && me.y > turnAt) { down = false; turnAt = 60 + roll() * 80; }
    if (!down && me.y < turnAt) { down = true; turnAt = 360 + roll() * 80; }
    return { moveX: 0, moveY: down ? 1 : -1, aim: 0, fire: false };
  };
}

/**
 * Walks to (150, 250), then stands still and shoots at where it sees the target going (leading
 * it by its seen velocity).
 */
function marksman(): (frame: RenderFrame | undefined) => InputSample {
  // Velocity as seen over the last ~100 ms of frames.
  const seen: Array<{ x: number; y: number; at: number }> = [];
  return (frame) => {
    const me = frame?.self;
    const target = frame?.players.find((p) => !p.isSelf);
    const now = performance.now();
    if (me && (Math.abs(me.x - 150) > 6 || Math.abs(me.y - 250) > 6)) {
      seen.length = 0;
      return { moveX: Math.abs(me.x - 150) > 6 ? Math.sign(150 - me.x) : 0, moveY: Math.abs(me.y - 250) > 6 ? Math.sign(250 - me.y) : 0, aim: 0, fire: false };
    }
    if (!me || !target || !target.alive || target.x > 360 || target.x < 240) {
      seen.length = 0;
      return { moveX: 0, moveY: 0, aim: 0, fire: false };
    }
    seen.push({ x: target.x, y: target.y, at: now });
    while (seen.length > 2 && now - seen[0]!.at > 100) seen.shift();
    const first = seen[0]!;
    const span = (now - first.at) / 1000;
    const vx = span > 0 ? (target.x - first.x) / span : 0;
    const vy = span > 0 ? (target.y - first.y) / span : 0;
    // Fire only mid-leg, where the target cannot turn around during the flight, and with a
    // velocity seen over a while: this tests hit registration, not aiming.
    const fire = span >= 0.06 && target.y >= 200 && target.y <= 300;
    let aimX = target.x;
    let aimY = target.y;
    for (let i = 0; i < 3; i++) {
      const t = Math.hypot(aimX - me.x, aimY - me.y) / PROJECTILE_SPEED_PX_PER_S;
      aimX = target.x + vx * t;
      aimY = target.y + vy * t;
    }
    return { moveX: 0, moveY: 0, aim: radiansToAim(Math.atan2(aimY - me.y, aimX - me.x)), fire };
  };
}

interface Duel { shooter: ArenaSession; target: ArenaSession; shots: number; hits: number }

let server: Awaited<ReturnType<typeof startTestServer>>;
const duels: Duel[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const path = (seed: number) => parseNetSim(`rtt=150,jitter=30,loss=5,seed=${seed}`);
  // Duel rooms: one shooter who sees the world as the netcode draws it, one who sees it
  // 2 s late (past what its round trip and a sane interpolation delay explain).
  const honestLobby = new Lobby(server.endpoint, { netsim: path(1) });
  const lateLobby = new Lobby(server.endpoint, { netsim: path(2), tuning: { playout: { floorMs: 2000, ceilingMs: 2000, initialMs: 2000 } } });
  for (const lobby of [honestLobby, lateLobby]) {
    const shooter = await lobby.createPrivate('shooter', { map: 'duel' });
    const target = await new Lobby(server.endpoint, { netsim: path(3) }).joinByCode(shooter.code, 'target');
    duels.push({ shooter, target, shots: 0, hits: 0 });
  }
  // Count on the server, from the simulation's own events, and keep the target alive (healed
  // after every step) so that every shot could hit and none is wasted on a corpse.
  for (const d of duels) {
    const room = matchMaker.getLocalRoomById(d.shooter.code) as unknown as { step(dt: number): void; world: World };
    const step = room.step.bind(room);
    room.step = (dt: number) => {
      step(dt);
      for (const e of room.world.events) {
        if (e.type === 'fire' && e.playerId === d.shooter.sessionId) d.shots++;
        if (e.type === 'hit' && e.shooterId === d.shooter.sessionId) d.hits++;
      }
      const target = room.world.players.get(d.target.sessionId);
      if (target) target.hp = PLAYER_MAX_HEALTH;
    };
  }
  const brains = duels.flatMap((_, i) => [marksman(), pacer(17 + i)]);
  // 24 s gives each marksman ~20 clean shots: the late one hits by chance about 1 shot in 4, and
  // with 14 shots (16 s) a run of luck reached its 0.5 bound about 1 run in 40 (seen once in 13
  // full runs); with 21 it is about 1 in 500.
  await playFor(duels.flatMap((d) => [d.shooter, d.target]), brains, 24_000);
}, 60_000);

afterAll(async () => {
  await Promise.all(duels.flatMap((d) => [d.shooter.leave(), d.target.leave()]).map((p) => p.catch(() => undefined)));
  await server?.close();
});

describe('lag compensation over real connections (150 ms ± 30 ms, 5% loss)', () => {
  it('a shot at what the shooter saw hits when its view is within the rewind window, and misses past it', () => {
    const [honest, late] = duels as [Duel, Duel];
    const honestShots = honest.shots;
    const lateShots = late.shots;
    // The marksman fires only on clean opportunities; a loaded machine (full suite on 2 cores)
    // gives fewer of them, so the floor is low and the ratios carry the assertion.
    expect(honestShots).toBeGreaterThanOrEqual(6);
    expect(lateShots).toBeGreaterThanOrEqual(6);
    // With 10-20 shots a 0.85 hit rate lands at or below 11/16 about one run in eight, so the floor
    // sits well under it; the gap to the late shooter below is what a broken rewind would close.
    expect(honest.hits / honestShots).toBeGreaterThan(0.6);
    // A view far past the window is judged by where the target really was: it hits only by
    // chance (the target paces a short corridor, so chance is not zero).
    expect(late.hits / lateShots).toBeLessThan(0.5);
    expect(honest.hits / honestShots - late.hits / lateShots).toBeGreaterThan(0.35);
  });
});

describe('per-client rewind clamp', () => {
  it('a forged view tick gains nothing beyond what the measured round trip and interpolation explain', () => {
    let now = 0;
    const net = new RoomNetcode(() => now);
    net.join('a');
    const client = { sessionId: 'a', state: ClientState.JOINED, send: (_t: string, r: number[]) => { sent.push(r[0]!); } } as never;
    const sent: number[] = [];
    // 100 ms round trips, 100 ms interpolation: about (100 + 100) / 33 + margin ticks.
    for (let i = 0; i < 40; i++) {
      for (let k = 0; k < 4; k++) net.afterPatch([client]);
      now += 100;
      const pong: NetPong = [sent.at(-1)!, 100];
      net.onPong('a', pong);
      now += 100;
    }
    net.observeDepth('a', 1);
    const allowed = net.allowedRewindFor('a');
    expect(allowed).toBeGreaterThanOrEqual(Math.ceil(200 / TICK_MS));
    expect(allowed).toBeLessThanOrEqual(Math.ceil(200 / TICK_MS) + 4);
    const tick = 5000;
    // An honest claim within the allowance stands; a forged one far in the past is clamped.
    expect(net.rewindFor('a', (tick - 5) % 256, tick)).toBe(5);
    expect(net.rewindFor('a', (tick - 200) % 256, tick)).toBe(allowed);
    // Claiming a huge interpolation delay is capped too, and nothing exceeds the history kept.
    net.onPong('a', [0, 5000]);
    expect(net.allowedRewindFor('a')).toBeLessThanOrEqual(LAG_COMP_MAX_TICKS);
    expect(net.rewindFor('b', 3, tick)).toBe(0);
  });
});
