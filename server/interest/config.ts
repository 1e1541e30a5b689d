import { DEFAULT_AREA, WHOLE_MAP_AREA, type AreaSize } from './area.ts';

/** How a room decides what each client receives (docs/INTEREST.md). */
export interface InterestOptions {
  /** `false`: every client receives every entity, unbudgeted (the comparison baseline). */
  enabled: boolean;
  /**
   * Bytes per patch per client for updates of entities already in view, spent most important
   * first; the rest wait for later patches. 0: no budget. Entities entering or leaving the
   * area, new projectiles and the client's own player are sent regardless.
   */
  budgetBytesPerPatch: number;
  /** An entity in view is updated at least every this many patches, budget or not. */
  maxDeferPatches: number;
  /** Distance at which an entity's priority is half that of one next to the viewer. */
  priorityHalfDistancePx: number;
  /** Side of a grid cell (a few per viewport: small enough to bound a scan, large enough to cross rarely). */
  cellPx: number;
}

export const DEFAULT_INTEREST: InterestOptions = {
  enabled: true,
  budgetBytesPerPatch: 160,
  maxDeferPatches: 4,
  priorityHalfDistancePx: 300,
  cellPx: 400,
};

export function areaSize(options: InterestOptions): AreaSize {
  return options.enabled ? DEFAULT_AREA : WHOLE_MAP_AREA;
}
