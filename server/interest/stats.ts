/**
 * Running totals of what interest management did, over every room of this process (rooms run on
 * one thread). Readers keep the previous copy and subtract: the benchmark over its window, the
 * Prometheus collector over scrapes.
 */
export interface InterestTotals {
  /** Patches prepared, and active views over them (one per client per patch). */
  patches: number;
  viewerPatches: number;
  /** Other players in view, summed over viewer-patches; and those with changes to send. */
  visibleBodies: number;
  changedVisibleBodies: number;
  /** Body updates written (own player included), and updates the budget held back. */
  updates: number;
  deferred: number;
  /** Projectile additions the budget held back a patch (each patch a projectile waits counts once). */
  deferredProjectiles: number;
  enters: number;
  leaves: number;
  projectilesSent: number;
  /** Bytes the interest layer queued into views (its own estimate, exact for fixed-size fields). */
  viewBytes: number;
  /** Time in the interest pass (areas, priorities, view writes), the shared encode, the per-client view encodes, and building and sending frames, ms. */
  interestMs: number;
  sharedEncodeMs: number;
  viewEncodeMs: number;
  sendMs: number;
  /** Frames sent and their bytes (the schema patch with its timing prefix). */
  frames: number;
  frameBytes: number;
}

export function emptyTotals(): InterestTotals {
  return {
    patches: 0, viewerPatches: 0, visibleBodies: 0, changedVisibleBodies: 0, updates: 0, deferred: 0, deferredProjectiles: 0,
    enters: 0, leaves: 0, projectilesSent: 0, viewBytes: 0,
    interestMs: 0, sharedEncodeMs: 0, viewEncodeMs: 0, sendMs: 0, frames: 0, frameBytes: 0,
  };
}

export const interestTotals: InterestTotals = emptyTotals();

export function snapshotTotals(): InterestTotals {
  return { ...interestTotals };
}

export function diffTotals(now: InterestTotals, before: InterestTotals): InterestTotals {
  const out = emptyTotals();
  for (const k of Object.keys(out) as Array<keyof InterestTotals>) out[k] = now[k] - before[k];
  return out;
}
