import { defineGame } from '../../shared/game/definition.ts';
import { defineInputLayout } from '../../shared/game/input.ts';
import { defineReplicated, type StateValues } from '../../shared/game/state.ts';
import type { GameMap } from '../../shared/maps.ts';

/**
 * A third game, made only for the engine's tests and benchmarks: players walk a field much larger
 * than a screen and pick up gems. It declares spatial interest (shared/game/interest.ts), so the
 * generic room (server/rooms/GameRoom.ts) sends each client only the gems around it (`perClient`)
 * and other players' positions (`view` fields) only while they are near; names and counts go to
 * everyone. Nothing in the engine knows it: a test adds it to the server's games
 * (test/server/interest/replicaViews.test.ts), bench/interest/replicaCost.ts measures it.
 */
export const GATHER_ROOM = 'gather';
export const GATHER_FIELD: GameMap = { id: 'field', widthPx: 6000, heightPx: 4000, obstacles: [], spawns: [{ x: 300, y: 300 }, { x: 5700, y: 3700 }] };
/** Gems lie on a grid this far apart, the first half a step from the corner. */
export const GEM_SPACING_PX = 500;
export const GATHER_AREA = { halfWidthPx: 900, halfHeightPx: 600, hysteresisPx: 150 } as const;
const SPEED_PX_PER_S = 300;
const PICK_UP_PX = 20;

const GATHER_INPUT = defineInputLayout({
  seq: { type: 'uint32' },
  moveX: { type: 'int8', range: [-1, 1] },
  moveY: { type: 'int8', range: [-1, 1] },
});
interface GatherInput { seq: number; moveX: number; moveY: number }

export const GATHER_REPLICATED = defineReplicated({
  match: { tick: 'uint32' },
  entities: {
    players: { name: 'string', gems: 'uint16', x: { type: 'float32', view: true }, y: { type: 'float32', view: true } },
    gems: { x: 'float32', y: 'float32' },
  },
  perClient: ['gems'],
});

interface Walker { id: string; name: string; x: number; y: number; gems: number }
export interface GatherWorld { tick: number; joined: number; players: Map<string, Walker>; gems: Map<string, { x: number; y: number }> }

/** Where the gems lie at the start. */
export function gemSpots(): Array<{ id: string; x: number; y: number }> {
  const out = [];
  for (let y = GEM_SPACING_PX / 2; y < GATHER_FIELD.heightPx; y += GEM_SPACING_PX) {
    for (let x = GEM_SPACING_PX / 2; x < GATHER_FIELD.widthPx; x += GEM_SPACING_PX) out.push({ id: `g${x}_${y}`, x, y });
  }
  return out;
}

export const GATHER_GAME = defineGame<GatherWorld, GatherInput, typeof GATHER_INPUT>({
  id: 'gather',
  description: 'Test game: walk a wide field and pick up gems.',
  rooms: [{ name: GATHER_ROOM, playersPerRoom: 4, description: 'Gather (test game).', map: GATHER_FIELD }],
  input: GATHER_INPUT,
  emptyInput: (seq = 0) => ({ seq, moveX: 0, moveY: 0 }),
  createWorld: () => ({ tick: 0, joined: 0, players: new Map(), gems: new Map(gemSpots().map((g) => [g.id, { x: g.x, y: g.y }])) }),
  addPlayer: (world, id, name) => {
    const spawn = GATHER_FIELD.spawns[world.joined++ % GATHER_FIELD.spawns.length]!;
    world.players.set(id, { id, name, x: spawn.x, y: spawn.y, gems: 0 });
  },
  removePlayer: (world, id) => { world.players.delete(id); },
  step: (world, inputs, dtS) => {
    world.tick++;
    for (const [id, input] of inputs) {
      const p = world.players.get(id);
      if (p === undefined) continue;
      p.x = Math.min(GATHER_FIELD.widthPx, Math.max(0, p.x + input.moveX * SPEED_PX_PER_S * dtS));
      p.y = Math.min(GATHER_FIELD.heightPx, Math.max(0, p.y + input.moveY * SPEED_PX_PER_S * dtS));
    }
    for (const p of world.players.values()) {
      for (const [gid, g] of world.gems) {
        if (Math.abs(g.x - p.x) <= PICK_UP_PX && Math.abs(g.y - p.y) <= PICK_UP_PX) {
          world.gems.delete(gid);
          p.gems++;
        }
      }
    }
  },
  tick: (world) => world.tick,
  hash: (world) => `${world.tick}:${[...world.players.values()].map((p) => `${p.x},${p.y},${p.gems}`).join(';')}:${world.gems.size}`,
  replicated: GATHER_REPLICATED,
  replicate: (world) => ({
    match: { tick: world.tick },
    entities: {
      players: [...world.players.values()].map((p) => [p.id, { name: p.name, gems: p.gems, x: p.x, y: p.y }] as const),
      gems: [...world.gems].map(([id, g]) => [id, { x: g.x, y: g.y } satisfies StateValues] as const),
    },
  }),
  interest: GATHER_AREA,
});
