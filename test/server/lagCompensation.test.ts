import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAG_COMP_MAX_TICKS, PROJECTILE_DAMAGE, PROJECTILE_SPEED_PX_PER_S, TICK_MS } from '../../shared/constants.ts';
import type { NetPong } from '../../shared/messages.ts';
import { radiansToAim } from '../../shared/math.ts';
import { Lobby, type LobbyOptions } from '../../game-client/net/lobby.ts';
import { parseNetSim } from '../../game-client/net/netsim/config.ts';
import type { RenderFrame } from '../../game-client/net/renderModel.ts';
import type { ArenaSession, InputSample } from '../../game-client/net/session.ts';
import { RoomNetcode } from '../../server/netcode/roomNetcode.ts';
import { playFor } from '../helpers/netBots.ts';
import { startTestServer } from '../helpers/server.ts';

/** Walks (through the duel map's middle gap) to x ~300, clear of the pillars, then paces up and down. */
function pacer(): (frame: RenderFrame | undefined) => InputSample {
  let down = true;
  return (frame) => {
    const me = frame?.self;
    if (!me || !me.alive) return { moveX: 0, moveY: 0, aim: 0, fire: false };
    if (me.x > 310 || me.x < 290) return { moveX: me.x > 310 ? -1 : 1, moveY: Math.sign(250 - me.y), aim: 0, fire: false };
    if (me.y > 420) down = false;
    if (me.y < 80) down = true;
    return { moveX: 0, moveY: down ? 1 : -1, aim: 0, fire: false };
  };
}

/**
 * Walks to (150, 250), then stands still and shoots at where it sees the target going (leading
 * it by its seen velocity).
 * Counts the shots that could hit: a target already dead on the server cannot be hit whatever
 * the shooter still sees (its own, current state is the oracle).
 */
function marksman(stats: { fireInputs: number; targetAlive: boolean }): (frame: RenderFrame | undefined) => InputSample {
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
    let aimX = target.x;
    let aimY = target.y;
    for (let i = 0; i < 3; i++) {
      const t = Math.hypot(aimX - me.x, aimY - me.y) / PROJECTILE_SPEED_PX_PER_S;
      aimX = target.x + vx * t;
      aimY = target.y + vy * t;
    }
    if (stats.targetAlive) stats.fireInputs++;
    return { moveX: 0, moveY: 0, aim: radiansToAim(Math.atan2(aimY - me.y, aimX - me.x)), fire: true };
  };
}

interface Duel { shooter: ArenaSession; target: ArenaSession; fireInputs: number; hits: number; targetAlive: boolean }

let server: Awaited<ReturnType<typeof startTestServer>>;
const duels: Duel[] = [];

beforeAll(async () => {
  server = await startTestServer();
  const path = (seed: number) => parseNetSim(`rtt=150,jitter=30,loss=5,seed=${seed}`);
  // Duel rooms: one shooter who sees the world as the netcode draws it, one who sees it
  // 1.2 s late (past what its round trip and a sane interpolation delay explain).
  const honestLobby = new Lobby(server.endpoint, { netsim: path(1) });
  const lateLobby = new Lobby(server.endpoint, { netsim: path(2), tuning: { playout: { floorMs: 1200, ceilingMs: 1200, initialMs: 1200 } } });
  for (const lobby of [honestLobby, lateLobby]) {
    const shooter = await lobby.createPrivate('shooter', 'duel');
    const target = await new Lobby(server.endpoint, { netsim: path(3) }).joinByCode(shooter.code, 'target');
    duels.push({ shooter, target, fireInputs: 0, hits: 0, targetAlive: false });
  }
  const lastHp = duels.map(() => 100);
  const brains = duels.flatMap((d) => [marksman(d), pacer()]);
  await playFor(duels.flatMap((d) => [d.shooter, d.target]), brains, 16_000, (i, frame) => {
    if (i % 2 === 0) return;
    const d = duels[(i - 1) / 2]!;
    const hp = frame.self?.hp ?? 100;
    if (hp < lastHp[(i - 1) / 2]!) d.hits += Math.round((lastHp[(i - 1) / 2]! - hp) / PROJECTILE_DAMAGE);
    lastHp[(i - 1) / 2] = hp;
    d.targetAlive = frame.self?.alive === true;
  });
}, 60_000);

afterAll(async () => {
  await Promise.all(duels.flatMap((d) => [d.shooter.leave(), d.target.leave()]).map((p) => p.catch(() => undefined)));
  await server?.close();
});

describe('lag compensation over real connections (150 ms ± 30 ms, 5% loss)', () => {
  it('a shot at what the shooter saw hits when its view is within the rewind window, and misses past it', () => {
    const [honest, late] = duels as [Duel, Duel];
    const honestShots = honest.fireInputs / 8;
    const lateShots = late.fireInputs / 8;
    expect(honestShots).toBeGreaterThan(10);
    expect(lateShots).toBeGreaterThan(15);
    // Misses left for the honest shooter are the target turning around mid-flight.
    expect(honest.hits / honestShots).toBeGreaterThan(0.5);
    expect(late.hits / lateShots).toBeLessThan(0.25);
  });
});

describe('per-client rewind clamp', () => {
  it('a forged view tick gains nothing beyond what the measured round trip and interpolation explain', () => {
    let now = 0;
    const net = new RoomNetcode(() => now);
    net.join('a');
    const client = { sessionId: 'a', send: (_t: string, r: number[]) => { sent.push(r[0]!); } } as never;
    const sent: number[] = [];
    // 100 ms round trips, 100 ms interpolation: about (100 + 100) / 33 + margin ticks.
    for (let i = 0; i < 40; i++) {
      for (let k = 0; k < 6; k++) net.afterStep([client]);
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
