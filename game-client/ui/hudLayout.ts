/**
 * Where everything goes on the screen, as plain numbers (CSS px) from the viewport's size: the
 * top bar, a notice line, the arena (the camera's viewport) and a panel of boxes (scoreboard,
 * kill feed, chat, minimap, net graph). No box overlaps the arena or another box, by
 * construction; text is never smaller than `MIN_FONT_PX`. Pure, so it is tested on any size.
 */

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export type BoxName = 'minimap' | 'scores' | 'feed' | 'chat' | 'netGraph';

export interface HudLayoutInput {
  /** Viewport, CSS px. */
  width: number;
  height: number;
  /** Most of the world the camera may show at once (the map, or the view the server's interest management assumes). */
  viewW: number;
  viewH: number;
  /** Scoreboard rows wanted (header included). */
  scoreRows: number;
  netGraph: boolean;
  /** The map is larger than the camera's view (a minimap is shown). */
  largeMap: boolean;
  /** A touch device: bigger buttons, and the arena drawn no smaller than `MIN_TOUCH_SCALE`. */
  touch: boolean;
}

export interface HudLayout {
  fontPx: number;
  linePx: number;
  topBar: Rect;
  notice: Rect;
  /** The camera's viewport on screen: the visible world plus `labelMarginPx` above it for names. */
  arena: Rect;
  /** Where the visible world itself is drawn (inside `arena`). */
  world: Rect;
  labelMarginPx: number;
  /** CSS px per world px. */
  scale: number;
  /** `fit`: the whole view is on screen; `follow`: a part of it, following the player (with a minimap). */
  camera: 'fit' | 'follow';
  /** World px visible at once. */
  visibleW: number;
  visibleH: number;
  panel: Rect;
  boxes: Partial<Record<BoxName, Rect>>;
}

export const MIN_FONT_PX = 12;
const MAX_FONT_PX = 18;
/** Gap between elements and to the screen's edges. */
const GAP_PX = 8;
/** Below this many CSS px per world px the arena is drawn at it and the camera follows the player. */
export const MIN_DESKTOP_SCALE = 0.3;
export const MIN_TOUCH_SCALE = 0.4;
/** Tap targets on touch screens (about 7 mm). */
const TOUCH_TARGET_PX = 40;

/** The HUD's text size for a viewport: 12 px on a phone, up to 18 px on a large screen. */
export function hudFontPx(width: number, height: number): number {
  return Math.max(MIN_FONT_PX, Math.min(MAX_FONT_PX, Math.round(Math.min(width, height) / 60)));
}

/** Which boxes stay when a column is short: higher stays longer. */
const KEEP_RANK: Readonly<Record<BoxName, number>> = { chat: 5, scores: 4, minimap: 4, netGraph: 2, feed: 1 };

interface Want {
  name: BoxName;
  min: number;
  pref: number;
}

export function layoutHud(input: HudLayoutInput): HudLayout {
  const { width, height } = input;
  const fontPx = hudFontPx(width, height);
  const linePx = Math.round(fontPx * 1.4);
  const barH = Math.max(linePx + 12, input.touch ? TOUCH_TARGET_PX : 0);
  const topBar: Rect = { x: 0, y: 0, w: width, h: barH };
  const notice: Rect = { x: GAP_PX, y: barH, w: Math.max(0, width - 2 * GAP_PX), h: linePx };
  const labelMarginPx = linePx + 8;
  const region: Rect = { x: GAP_PX, y: notice.y + notice.h + GAP_PX / 2, w: Math.max(0, width - 2 * GAP_PX), h: 0 };
  region.h = Math.max(0, height - region.y - GAP_PX);
  const minScale = input.touch ? MIN_TOUCH_SCALE : MIN_DESKTOP_SCALE;

  // Two candidates: the panel beside the arena, or under it. The larger arena wins.
  const sideW = Math.min(Math.max(fontPx * 17, 190), 340);
  const bottomH = Math.max(linePx * 7, input.netGraph ? linePx * 6 + 40 : 0);
  const side = fitArena({ ...region, w: Math.max(0, region.w - sideW - GAP_PX) }, input, labelMarginPx, minScale);
  const bottom = fitArena({ ...region, h: Math.max(0, region.h - bottomH - GAP_PX) }, input, labelMarginPx, minScale);
  const useSide = side.score > bottom.score;
  const chosen = useSide ? side : bottom;

  const arena: Rect = useSide
    ? { x: region.x, y: region.y, w: chosen.w, h: chosen.h + labelMarginPx }
    : { x: region.x + Math.max(0, (region.w - chosen.w) / 2), y: region.y, w: chosen.w, h: chosen.h + labelMarginPx };
  const world: Rect = { x: arena.x, y: arena.y + labelMarginPx, w: chosen.w, h: chosen.h };
  const panel: Rect = useSide
    ? { x: arena.x + arena.w + GAP_PX, y: region.y, w: Math.max(0, region.x + region.w - (arena.x + arena.w + GAP_PX)), h: region.h }
    : { x: region.x, y: arena.y + arena.h + GAP_PX, w: region.w, h: Math.max(0, region.y + region.h - (arena.y + arena.h + GAP_PX)) };

  const largeMap = input.largeMap || chosen.camera === 'follow';
  const boxCount = 3 + (largeMap ? 1 : 0) + (input.netGraph ? 1 : 0);
  const colMinW = fontPx * 14;
  const colCount = Math.max(1, Math.min(boxCount, Math.floor((panel.w + GAP_PX) / (colMinW + GAP_PX))));
  const colW = (panel.w - (colCount - 1) * GAP_PX) / colCount;
  const wants: Want[] = [];
  if (largeMap) {
    const mapH = Math.min(colW * (input.viewH / input.viewW), linePx * 9);
    wants.push({ name: 'minimap', min: Math.min(mapH, linePx * 4), pref: mapH });
  }
  wants.push({ name: 'scores', min: linePx * 3 + 8, pref: linePx * input.scoreRows + 8 });
  wants.push({ name: 'feed', min: linePx + 8, pref: linePx * 5 + 8 });
  wants.push({ name: 'chat', min: linePx * 2 + 8 + linePx + 8, pref: linePx * 6 + 8 + linePx + 8 });
  if (input.netGraph) wants.push({ name: 'netGraph', min: linePx * 5 + 40, pref: linePx * 8 + 64 });

  return {
    fontPx, linePx, topBar, notice, arena, world, labelMarginPx,
    scale: chosen.scale, camera: chosen.camera, visibleW: chosen.visibleW, visibleH: chosen.visibleH,
    panel, boxes: packColumns(panel, wants, colCount, colW),
  };
}

interface ArenaFit {
  scale: number;
  camera: 'fit' | 'follow';
  visibleW: number;
  visibleH: number;
  /** Drawn size of the visible world, CSS px. */
  w: number;
  h: number;
  /** Higher is better: the scale up to the minimum, then the area shown. */
  score: number;
}

/** The largest arena a slot holds: the whole view if that keeps the scale above the minimum, else a part of it at the minimum. */
function fitArena(slot: Rect, input: HudLayoutInput, labelMarginPx: number, minScale: number): ArenaFit {
  const availH = Math.max(0, slot.h - labelMarginPx);
  const fit = Math.min(slot.w / input.viewW, availH / input.viewH);
  if (fit >= minScale) {
    const w = Math.floor(input.viewW * fit);
    const h = Math.floor(input.viewH * fit);
    return { scale: fit, camera: 'fit', visibleW: input.viewW, visibleH: input.viewH, w, h, score: minScale * 1e9 + w * h };
  }
  const visibleW = Math.min(input.viewW, slot.w / minScale);
  const visibleH = Math.min(input.viewH, availH / minScale);
  const w = Math.floor(visibleW * minScale);
  const h = Math.floor(visibleH * minScale);
  return { scale: minScale, camera: 'follow', visibleW, visibleH, w, h, score: fit * 1e9 + w * h };
}

/**
 * Boxes into columns of the panel: each box to the column with the least height so far, in
 * order of importance; within a column, boxes get what they prefer, shrink toward their minimum
 * when the column is short, and are left out (no rectangle) when even that does not fit.
 */
function packColumns(panel: Rect, wants: Want[], colCount: number, colW: number): Partial<Record<BoxName, Rect>> {
  const columns: Want[][] = Array.from({ length: colCount }, () => []);
  const heights = new Array<number>(colCount).fill(0);
  for (const want of wants) {
    let best = 0;
    for (let c = 1; c < colCount; c++) if (heights[c]! < heights[best]!) best = c;
    columns[best]!.push(want);
    heights[best]! += want.pref + GAP_PX;
  }
  const boxes: Partial<Record<BoxName, Rect>> = {};
  columns.forEach((column, c) => {
    const x = panel.x + c * (colW + GAP_PX);
    let fitting = column;
    const minOf = (ws: Want[]) => ws.reduce((s, w) => s + w.min, 0) + (ws.length - 1) * GAP_PX;
    // Leave out the least important boxes until the minimums fit (the scoreboard, chat and minimap stay).
    while (fitting.length > 1 && minOf(fitting) > panel.h) {
      const expendable = fitting.filter((w) => KEEP_RANK[w.name] < KEEP_RANK.scores);
      if (expendable.length === 0) break;
      const drop = expendable.reduce((a, b) => (KEEP_RANK[a.name] <= KEEP_RANK[b.name] ? a : b));
      fitting = fitting.filter((w) => w !== drop);
    }
    const gaps = (fitting.length - 1) * GAP_PX;
    const prefSum = fitting.reduce((s, w) => s + w.pref, 0);
    const minSum = fitting.reduce((s, w) => s + w.min, 0);
    const room = Math.max(0, panel.h - gaps);
    // Share what there is between minimum and preference (below the minimums on a tiny screen:
    // in proportion); a column with room to spare gives it to its last box.
    const k = prefSum > room ? (room - minSum) / Math.max(1, prefSum - minSum) : 1;
    const squeeze = minSum > room ? room / minSum : 1;
    let y = panel.y;
    fitting.forEach((want, i) => {
      let h = Math.floor((want.min + (want.pref - want.min) * Math.max(0, Math.min(1, k))) * squeeze);
      if (i === fitting.length - 1 && want.name !== 'minimap') h = Math.max(h, Math.floor(panel.y + panel.h - y));
      boxes[want.name] = { x: Math.floor(x), y: Math.floor(y), w: Math.floor(colW), h };
      y += h + GAP_PX;
    });
  });
  return boxes;
}

export function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

export function contains(outer: Rect, inner: Rect): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.w <= outer.x + outer.w && inner.y + inner.h <= outer.y + outer.h;
}
