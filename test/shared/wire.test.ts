import { Encoder, Reflection, schema, t } from '@colyseus/schema';
import { describe, expect, it } from 'vitest';
import { POSITION_QUANTUM_PX, TICK_DT_S } from '../../shared/limits.ts';
import { PLAYER_RADIUS_PX } from '../../shared/tuning.ts';
import { ARENA_MAP, BATTLE_MAP, battleMap, battleMapFor, DUEL_MAP, getMap, type GameMap } from '../../shared/maps.ts';
import { quantize } from '../../shared/math.ts';
import { stepWorld } from '../../shared/sim/step.ts';
import { addPlayer, createWorld } from '../../shared/sim/world.ts';
import { AIM_WIRE, extrapolate, freeStep, MAX_MAP_SIDE_PX, POSITION_WIRE, unwrapTick, VELOCITY_WIRE } from '../../shared/wire.ts';
import { PlayerState } from '../../server/state/ArenaState.ts';

/** One field of each wire type, through schema 5's real encoder and decoder. */
const Sample = schema({ p: t.quantized(POSITION_WIRE), v: t.quantized(VELOCITY_WIRE), a: t.quantized(AIM_WIRE) }, 'WireSample');
const Samples = schema({ items: t.array(Sample) }, 'WireSamples');

/** Encode `values` as samples and decode them on a client built from the handshake, as the SDK does. */
function overTheWire(values: Array<{ p: number; v: number; a: number }>) {
  const state = new Samples();
  for (const v of values) state.items.push(new Sample(v));
  const saved = Encoder.BUFFER_SIZE;
  Encoder.BUFFER_SIZE = 2 * 1024 * 1024;
  try {
    const encoder = new Encoder(state);
    const decoder = Reflection.decode<any>(Reflection.encode(encoder));
    decoder.decode(encoder.encodeAll());
    return { server: state.items.map((s) => ({ p: s.p, v: s.v, a: s.a })), client: (decoder.state.items as Array<{ p: number; v: number; a: number }>).map((s) => ({ p: s.p, v: s.v, a: s.a })) };
  } finally {
    Encoder.BUFFER_SIZE = saved;
  }
}

describe('quantization: the wire carries the simulation\'s grid exactly', () => {
  it('every one of the 65,536 position and velocity codes decodes, bit for bit, to the grid value the simulation uses', () => {
    const values = [];
    for (let q = 0; q < 65536; q++) {
      values.push({ p: q * POSITION_QUANTUM_PX, v: (Math.min(q, 65534) - 32767) * POSITION_QUANTUM_PX, a: (q % 256) * 256 });
    }
    const { server, client } = overTheWire(values);
    for (let i = 0; i < values.length; i++) {
      // The server keeps what the simulation computed (already on the grid)...
      expect(Object.is(server[i]!.p, values[i]!.p) && Object.is(server[i]!.v, values[i]!.v)).toBe(true);
      // ...and the client decodes exactly that.
      if (!Object.is(client[i]!.p, values[i]!.p) || !Object.is(client[i]!.v, values[i]!.v) || client[i]!.a !== values[i]!.a) {
        throw new Error(`code ${i}: sent ${JSON.stringify(values[i])}, decoded ${JSON.stringify(client[i])}`);
      }
    }
  });

  it('what a long simulation produces is on the grid and inside the wire ranges (so nothing is clamped)', () => {
    const world = createWorld(BATTLE_MAP, 5);
    for (let i = 0; i < 40; i++) addPlayer(world, `p${i}`, `p${i}`);
    let seen = 0;
    for (let tick = 1; tick <= 600; tick++) {
      const inputs = new Map([...world.players.keys()].map((id, i) => [id, { seq: tick, moveX: ((tick >> 4) + i) % 3 - 1, moveY: ((tick >> 5) + i * 7) % 3 - 1, aim: (tick * 977 + i * 3001) % 65536, fire: (tick + i) % 5 === 0 }]));
      stepWorld(world, inputs, TICK_DT_S);
      const state = new PlayerState();
      for (const p of world.players.values()) {
        for (const [value, wire] of [[p.x, POSITION_WIRE], [p.y, POSITION_WIRE], [p.vx, VELOCITY_WIRE], [p.vy, VELOCITY_WIRE]] as const) {
          expect(value >= wire.min && value <= wire.max && quantize(value) === value).toBe(true);
        }
        // The schema field keeps it unchanged (its setter snaps to the wire: a no-op here).
        state.x = p.x;
        state.vx = p.vx;
        expect([state.x, state.vx]).toEqual([p.x, p.vx]);
        seen++;
      }
      for (const pr of world.projectiles.values()) {
        expect(quantize(pr.vx) === pr.vx && Math.abs(pr.vx) <= VELOCITY_WIRE.max && quantize(pr.x0) === pr.x0).toBe(true);
      }
    }
    expect(seen).toBe(40 * 600);
  });

  it('aim travels in 8 bits for display; the simulation keeps the input\'s 16', () => {
    const { client } = overTheWire([{ p: 0, v: 0, a: 1000 }, { p: 0, v: 0, a: 65535 }]);
    expect(client.map((c) => c.a)).toEqual([1024, 0]);
  });
});

describe('exact dead reckoning', () => {
  it('a body moving freely at any velocity the simulation produces is where extrapolate() says, bit for bit', () => {
    const open: GameMap = { id: 'open', widthPx: 8000, heightPx: 8000, obstacles: [], spawns: [{ x: 4000, y: 4000 }] };
    let checked = 0;
    for (let dir = 0; dir < 8; dir++) {
      const [mx, my] = [[1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1], [0, -1], [1, -1]][dir]!;
      const world = createWorld(open, 1);
      addPlayer(world, 'a', 'a');
      stepWorld(world, new Map(), TICK_DT_S);
      const p = world.players.get('a')!;
      for (let tick = 1; tick <= 120; tick++) {
        const from = { x: p.x, y: p.y, vx: p.vx, vy: p.vy };
        stepWorld(world, new Map([['a', { seq: tick, moveX: mx!, moveY: my!, aim: 0, fire: false }]]), TICK_DT_S);
        // Once the velocity holds, one step of extrapolation is the simulation's step.
        if (from.vx === p.vx && from.vy === p.vy) {
          expect([extrapolate(from.x, from.vx, 1), extrapolate(from.y, from.vy, 1)]).toEqual([p.x, p.y]);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(800);
  });

  it('16-bit tick stamps unwrap against the current tick', () => {
    expect(unwrapTick(5, 10)).toBe(5);
    expect(unwrapTick(65530, 65540)).toBe(65530);
    expect(unwrapTick(4, 65540)).toBe(65540);
    expect(unwrapTick(65535, 131072 + 3)).toBe(131071);
    expect(freeStep(290)).toBe(9.625);
    expect(freeStep(0)).toBe(0);
  });
});

describe('maps fit the wire and the large-room mode', () => {
  it('every map fits the 16-bit position range, and no spawn point is inside a wall', () => {
    const maps = [ARENA_MAP, DUEL_MAP, ...[2, 3, 4, 5, 6, 7, 8].map(battleMap)];
    for (const map of maps) {
      expect(map.widthPx).toBeLessThanOrEqual(MAX_MAP_SIDE_PX);
      expect(map.heightPx).toBeLessThanOrEqual(MAX_MAP_SIDE_PX);
      for (const s of map.spawns) {
        for (const r of map.obstacles) {
          const dx = Math.max(r.x - s.x, 0, s.x - (r.x + r.w));
          const dy = Math.max(r.y - s.y, 0, s.y - (r.y + r.h));
          expect(dx * dx + dy * dy, `${map.id} spawn ${s.x},${s.y}`).toBeGreaterThan(PLAYER_RADIUS_PX ** 2);
        }
      }
    }
  });

  it('battle maps are the same on every machine and sized for their room', () => {
    expect(getMap('battle')).toBe(BATTLE_MAP);
    expect([BATTLE_MAP.widthPx, BATTLE_MAP.heightPx, BATTLE_MAP.spawns.length]).toEqual([6400, 4000, 64]);
    expect(getMap('battle-4').obstacles).toEqual(battleMap(4).obstacles);
    expect([16, 50, 100, 200].map((n) => battleMapFor(n).id)).toEqual(['battle-2', 'battle-4', 'battle-6', 'battle']);
    expect(() => getMap('battle-9')).toThrow();
  });
});
