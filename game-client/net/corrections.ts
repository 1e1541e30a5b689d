import type { Correction } from './prediction.ts';

/** Corrections are summarized over this window (the net graph's "per second", "last" and "max"). */
export const CORRECTION_WINDOW_MS = 10_000;

export interface CorrectionSummary {
  /** Corrections per second over the window (respawn jumps included: each is one). */
  perSec: number;
  /** Size of the newest correction in the window that was not a respawn jump, px (0: none). */
  lastPx: number;
  /** Largest such correction in the window, px (never below `lastPx`). */
  maxPx: number;
  /** Respawn jumps (snapped corrections) in the window. */
  jumps: number;
}

/**
 * What the net graph says about own-player corrections. Both sizes come from the same window
 * and leave out respawn jumps (a death moves the player across the map: a jump, not an error of
 * prediction), so "last" can never exceed "max" and a respawn a minute ago no longer reads as a
 * 1,600 px correction next to "max 0.0 px".
 */
export function summarizeCorrections(corrections: readonly Correction[], nowMs: number, windowMs = CORRECTION_WINDOW_MS): CorrectionSummary {
  let count = 0;
  let jumps = 0;
  let lastPx = 0;
  let maxPx = 0;
  for (const c of corrections) {
    if (nowMs - c.atMs > windowMs) continue;
    count++;
    if (c.snapped) {
      jumps++;
      continue;
    }
    lastPx = c.sizePx;
    if (c.sizePx > maxPx) maxPx = c.sizePx;
  }
  return { perSec: count / (windowMs / 1000), lastPx, maxPx, jumps };
}
