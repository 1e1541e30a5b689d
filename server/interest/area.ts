import { AOI_HYSTERESIS_PX, AOI_MARGIN_PX, VIEWPORT_HEIGHT_PX, VIEWPORT_WIDTH_PX } from '../../shared/limits.ts';
import type { GameMap } from '../../shared/maps.ts';
import { segmentRectHit } from '../../shared/sim/collision.ts';

/** An axis-aligned rectangle, inclusive bounds, px. */
export interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** How far a client sees: half the viewport plus the margin, and how much farther it keeps things. */
export interface AreaSize {
  halfWidthPx: number;
  halfHeightPx: number;
  hysteresisPx: number;
  /**
   * Projectiles are sent when their flight crosses the viewport grown by this much (less than
   * bodies get: a projectile's whole path is known at once, and one that comes into view
   * because the camera moved is found when the area is next recomputed).
   */
  projectileMarginPx: number;
}

/** Margin beyond the viewport for projectiles (see AreaSize.projectileMarginPx). */
export const PROJECTILE_MARGIN_PX = 64;

export const DEFAULT_AREA: AreaSize = {
  halfWidthPx: VIEWPORT_WIDTH_PX / 2 + AOI_MARGIN_PX,
  halfHeightPx: VIEWPORT_HEIGHT_PX / 2 + AOI_MARGIN_PX,
  hysteresisPx: AOI_HYSTERESIS_PX,
  projectileMarginPx: PROJECTILE_MARGIN_PX,
};

/** Interest management off: every client's area is the whole map (for comparisons). */
export const WHOLE_MAP_AREA: AreaSize = { halfWidthPx: 1e7, halfHeightPx: 1e7, hysteresisPx: 0, projectileMarginPx: 1e7 };

/**
 * Where a camera following (x, y) looks: centred on the point, but kept inside the map the way
 * the game client's camera is (Phaser camera bounds), so the area covers what is on screen even
 * at the edges. A map smaller than the viewport is looked at from its centre.
 */
export function cameraCentre(map: GameMap, x: number, y: number, out: { x: number; y: number } = { x: 0, y: 0 }): { x: number; y: number } {
  const hw = VIEWPORT_WIDTH_PX / 2;
  const hh = VIEWPORT_HEIGHT_PX / 2;
  out.x = map.widthPx <= 2 * hw ? map.widthPx / 2 : x < hw ? hw : x > map.widthPx - hw ? map.widthPx - hw : x;
  out.y = map.heightPx <= 2 * hh ? map.heightPx / 2 : y < hh ? hh : y > map.heightPx - hh ? map.heightPx - hh : y;
  return out;
}

/**
 * Whether every camera on this map looks from the same place: a map no larger than the viewport
 * is looked at from its centre (cameraCentre), so every client's area is the same.
 */
export function cameraIsFixed(map: GameMap): boolean {
  return map.widthPx <= VIEWPORT_WIDTH_PX && map.heightPx <= VIEWPORT_HEIGHT_PX;
}

/**
 * The boxes a viewer is checked against while its camera stays within `slackPx` of (cx, cy):
 * `enter` (anything inside is sent) is the area grown by the slack, `leave` (anything outside is
 * dropped) the area plus hysteresis shrunk by it. So for any camera position within the slack,
 * everything in its area is inside `enter`, and everything kept is inside its area plus
 * hysteresis: the guarantees hold without recomputing the area every time the camera moves.
 */
export function areaAround(cx: number, cy: number, size: AreaSize, slackPx: number, enter: Box, leave: Box, shots: Box): void {
  const ex = size.halfWidthPx + slackPx;
  const ey = size.halfHeightPx + slackPx;
  const lx = size.halfWidthPx + size.hysteresisPx - slackPx;
  const ly = size.halfHeightPx + size.hysteresisPx - slackPx;
  enter.x0 = cx - ex;
  enter.x1 = cx + ex;
  enter.y0 = cy - ey;
  enter.y1 = cy + ey;
  leave.x0 = cx - lx;
  leave.x1 = cx + lx;
  leave.y0 = cy - ly;
  leave.y1 = cy + ly;
  const sx = Math.min(VIEWPORT_WIDTH_PX / 2 + size.projectileMarginPx, size.halfWidthPx) + slackPx;
  const sy = Math.min(VIEWPORT_HEIGHT_PX / 2 + size.projectileMarginPx, size.halfHeightPx) + slackPx;
  shots.x0 = cx - sx;
  shots.x1 = cx + sx;
  shots.y0 = cy - sy;
  shots.y1 = cy + sy;
}

/** Slack that keeps `enter` inside `leave` (see areaAround): under half the hysteresis. */
export function slackFor(size: AreaSize): number {
  return Math.floor(size.hysteresisPx * 0.3);
}

export function inBox(b: Box, x: number, y: number): boolean {
  return x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1;
}

const scratchRect = { x: 0, y: 0, w: 0, h: 0 };

/** Whether the segment (ax, ay)–(bx, by) touches the box: the simulation's own slab test. */
export function segmentTouchesBox(b: Box, ax: number, ay: number, bx: number, by: number): boolean {
  scratchRect.x = b.x0;
  scratchRect.y = b.y0;
  scratchRect.w = b.x1 - b.x0;
  scratchRect.h = b.y1 - b.y0;
  return segmentRectHit(ax, ay, bx, by, scratchRect) >= 0;
}
