import { seedFromString, nextRandom } from './rng.ts';

/** Static map geometry. Both sides load a map by id, so only the id travels on the wire. */

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface GameMap {
  readonly id: string;
  readonly widthPx: number;
  readonly heightPx: number;
  readonly obstacles: readonly Rect[];
  readonly spawns: readonly Point[];
  /**
   * How a spawn point is chosen (shared/sim/step.ts): `farthest` (default) from every live
   * player; `gather-when-sparse`: while few play for the map's size, near the others (at a safe
   * distance), so that a handful of players on a large map find each other; farthest otherwise.
   */
  readonly spawnRule?: 'farthest' | 'gather-when-sparse';
}

/** Mirror a list of rects through the map centre so both halves play the same. */
function mirrored(widthPx: number, heightPx: number, rects: Rect[]): Rect[] {
  const out = [...rects];
  for (const r of rects) {
    out.push({ x: widthPx - r.x - r.w, y: heightPx - r.y - r.h, w: r.w, h: r.h });
  }
  return out;
}

const ARENA_W = 1600;
const ARENA_H = 1000;

export const ARENA_MAP: GameMap = {
  id: 'arena',
  widthPx: ARENA_W,
  heightPx: ARENA_H,
  obstacles: [
    ...mirrored(ARENA_W, ARENA_H, [
      { x: 260, y: 180, w: 220, h: 36 },
      { x: 260, y: 180, w: 36, h: 180 },
      { x: 620, y: 120, w: 60, h: 200 },
      { x: 180, y: 560, w: 200, h: 40 },
      { x: 520, y: 470, w: 140, h: 60 },
      { x: 980, y: 200, w: 220, h: 40 },
    ]),
    { x: 760, y: 440, w: 80, h: 120 },
  ],
  spawns: [
    { x: 80, y: 80 },
    { x: 800, y: 70 },
    { x: 1520, y: 80 },
    { x: 1530, y: 500 },
    { x: 1520, y: 920 },
    { x: 800, y: 930 },
    { x: 80, y: 920 },
    { x: 70, y: 500 },
  ],
};

/** A small room for two: the spawns face each other across open ground. */
export const DUEL_MAP: GameMap = {
  id: 'duel',
  widthPx: 900,
  heightPx: 500,
  obstacles: [
    { x: 420, y: 40, w: 60, h: 110 },
    { x: 420, y: 350, w: 60, h: 110 },
  ],
  spawns: [
    { x: 120, y: 250 },
    { x: 780, y: 250 },
  ],
};

// --- Battle maps: the large-room mode -------------------------------------------------------

/** Battle maps are tiled; each tile has a spawn point at its centre and a few walls around it. */
export const BATTLE_TILE_W_PX = 800;
export const BATTLE_TILE_H_PX = 500;
/** Tiles across (and down): 2 × 2 is the viewport, 8 × 8 the 6400 × 4000 map of 200 players. */
export const BATTLE_MIN_TILES = 2;
export const BATTLE_MAX_TILES = 8;
/** Floor area per player a battle room aims for when it sizes its map (see battleMapFor). */
export const BATTLE_AREA_PER_PLAYER_PX2 = 128_000;

/** Wall layouts of one tile, relative to its corner; none covers the spawn at the centre. */
const TILE_LAYOUTS: ReadonlyArray<readonly Rect[]> = [
  [{ x: 80, y: 60, w: 220, h: 32 }, { x: 560, y: 300, w: 32, h: 160 }],
  [{ x: 120, y: 320, w: 140, h: 100 }, { x: 520, y: 70, w: 180, h: 32 }],
  [{ x: 60, y: 200, w: 32, h: 180 }, { x: 600, y: 380, w: 150, h: 32 }, { x: 450, y: 60, w: 60, h: 60 }],
  [{ x: 260, y: 80, w: 32, h: 100 }, { x: 500, y: 360, w: 180, h: 32 }],
];

const battleMaps = new Map<number, GameMap>();

/**
 * A battle map `tiles` tiles wide and high (800 × 500 px each), the same on every machine: the
 * layout of each tile comes from a generator seeded with the map id. Id `battle` is the
 * full-size map; smaller ones are `battle-<tiles>`.
 */
export function battleMap(tiles: number): GameMap {
  if (!Number.isInteger(tiles) || tiles < BATTLE_MIN_TILES || tiles > BATTLE_MAX_TILES) {
    throw new Error(`battle maps have ${BATTLE_MIN_TILES} to ${BATTLE_MAX_TILES} tiles a side (got ${tiles})`);
  }
  const cached = battleMaps.get(tiles);
  if (cached) return cached;
  const id = tiles === BATTLE_MAX_TILES ? 'battle' : `battle-${tiles}`;
  let rng = seedFromString(id);
  const obstacles: Rect[] = [];
  const spawns: Point[] = [];
  for (let ty = 0; ty < tiles; ty++) {
    for (let tx = 0; tx < tiles; tx++) {
      const ox = tx * BATTLE_TILE_W_PX;
      const oy = ty * BATTLE_TILE_H_PX;
      const roll = nextRandom(rng);
      rng = roll.state;
      for (const r of TILE_LAYOUTS[Math.floor(roll.value * TILE_LAYOUTS.length)]!) obstacles.push({ x: ox + r.x, y: oy + r.y, w: r.w, h: r.h });
      spawns.push({ x: ox + BATTLE_TILE_W_PX / 2, y: oy + BATTLE_TILE_H_PX / 2 });
    }
  }
  const map: GameMap = { id, widthPx: tiles * BATTLE_TILE_W_PX, heightPx: tiles * BATTLE_TILE_H_PX, obstacles, spawns, spawnRule: 'gather-when-sparse' };
  battleMaps.set(tiles, map);
  return map;
}

/** The full-size battle map: 6400 × 4000 px, 64 spawn points, for up to 200 players. */
export const BATTLE_MAP: GameMap = battleMap(BATTLE_MAX_TILES);

/**
 * The battle map for a room of `maxPlayers`: about BATTLE_AREA_PER_PLAYER_PX2 of floor each, so
 * a full room has the same crowd around each player whatever its size (16 → 1600 × 1000,
 * 50 → 3200 × 2000, 100 → 4800 × 3000, 200 → 6400 × 4000).
 */
export function battleMapFor(maxPlayers: number): GameMap {
  const widthPx = Math.sqrt(maxPlayers * BATTLE_AREA_PER_PLAYER_PX2 * (BATTLE_TILE_W_PX / BATTLE_TILE_H_PX));
  const tiles = Math.round(widthPx / BATTLE_TILE_W_PX);
  return battleMap(Math.min(BATTLE_MAX_TILES, Math.max(BATTLE_MIN_TILES, tiles)));
}

export const MAPS: Readonly<Record<string, GameMap>> = {
  [ARENA_MAP.id]: ARENA_MAP,
  [DUEL_MAP.id]: DUEL_MAP,
  [BATTLE_MAP.id]: BATTLE_MAP,
};

/** Maps an arena room's creator may choose (battle rooms size their own). */
export const MAP_IDS = ['arena', 'duel'] as const;
export type MapId = (typeof MAP_IDS)[number];

export function getMap(id: string): GameMap {
  const map = MAPS[id];
  if (map) return map;
  const battle = /^battle-([0-9])$/.exec(id);
  if (battle) return battleMap(Number(battle[1]));
  throw new Error(`unknown map "${id}"`);
}
