import { VIEWPORT_HEIGHT_PX, VIEWPORT_WIDTH_PX } from './limits.ts';
import type { GameMap } from './maps.ts';

/**
 * The crowd map of a large room: how many live players stand in each cell of a coarse grid over
 * the map. It rides in the room state (`crowd`, one byte a cell, refreshed once a second) so a
 * player's minimap can show where everyone is, beyond its area of interest, at a cost bounded by
 * the map's size rather than the room's player count (64 cells on the 200-player map).
 */

/** Crowd cells: a battle tile each (half the camera's view in each direction). */
export const CROWD_CELL_W_PX = VIEWPORT_WIDTH_PX / 2;
export const CROWD_CELL_H_PX = VIEWPORT_HEIGHT_PX / 2;
/** Most players a cell counts (one byte on the wire). */
export const CROWD_MAX_PER_CELL = 255;

export interface CrowdGrid {
  cols: number;
  rows: number;
}

/** The crowd grid of a map larger than the camera's view; undefined for maps seen whole (everyone is in view there). */
export function crowdGrid(map: Pick<GameMap, 'widthPx' | 'heightPx'>): CrowdGrid | undefined {
  if (map.widthPx <= VIEWPORT_WIDTH_PX && map.heightPx <= VIEWPORT_HEIGHT_PX) return undefined;
  return { cols: Math.ceil(map.widthPx / CROWD_CELL_W_PX), rows: Math.ceil(map.heightPx / CROWD_CELL_H_PX) };
}

/** Index of the cell holding (x, y), row by row. */
export function crowdCell(grid: CrowdGrid, x: number, y: number): number {
  const cx = Math.min(grid.cols - 1, Math.max(0, Math.floor(x / CROWD_CELL_W_PX)));
  const cy = Math.min(grid.rows - 1, Math.max(0, Math.floor(y / CROWD_CELL_H_PX)));
  return cy * grid.cols + cx;
}
