import { TICK_HZ } from '../../shared/limits.ts';
import { CROWD_MAX_PER_CELL, crowdCell, crowdGrid, type CrowdGrid } from '../../shared/crowd.ts';
import type { GameMap } from '../../shared/maps.ts';
import type { World } from '../../shared/sim/world.ts';
import type { ArenaState } from '../state/ArenaState.ts';

/** How often the crowd map is recounted: a minimap needs no more, and each refresh costs every client bytes. */
export const CROWD_REFRESH_TICKS = TICK_HZ;

/**
 * Keeps the state's `crowd` array (shared/crowd.ts) current on maps larger than the camera's
 * view: a count of live players per cell, rewritten once a second. Only changed cells cost
 * bytes (schema sends a changed index only), so a quiet map costs nothing.
 */
export class CrowdCounter {
  private readonly grid: CrowdGrid | undefined;
  private readonly counts: number[];

  constructor(private readonly state: ArenaState, map: GameMap) {
    this.grid = crowdGrid(map);
    this.counts = new Array(this.grid === undefined ? 0 : this.grid.cols * this.grid.rows).fill(0);
    for (let i = 0; i < this.counts.length; i++) state.crowd.push(0);
  }

  afterStep(world: World): void {
    if (this.grid === undefined || world.tick % CROWD_REFRESH_TICKS !== 0) return;
    const counts = this.counts;
    counts.fill(0);
    for (const p of world.players.values()) {
      if (!p.alive) continue;
      const i = crowdCell(this.grid, p.x, p.y);
      if (counts[i]! < CROWD_MAX_PER_CELL) counts[i]!++;
    }
    const crowd = this.state.crowd;
    for (let i = 0; i < counts.length; i++) if (crowd[i] !== counts[i]) crowd[i] = counts[i]!;
  }
}
