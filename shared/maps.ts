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

export const MAPS: Readonly<Record<string, GameMap>> = {
  [ARENA_MAP.id]: ARENA_MAP,
  [DUEL_MAP.id]: DUEL_MAP,
};

/** Maps a room creator may choose. */
export const MAP_IDS = ['arena', 'duel'] as const;
export type MapId = (typeof MAP_IDS)[number];

export function getMap(id: string): GameMap {
  const map = MAPS[id];
  if (!map) throw new Error(`unknown map "${id}"`);
  return map;
}
