import type { ConnectionStats } from './connectionStats.ts';

/** The arena connection as the net graph and bots see it (`ArenaSession.stats()`): the common part and the arena's playout and prediction. */
export interface NetStats extends ConnectionStats {
  /** How far behind the newest possible data remote entities are drawn, ms. */
  interpDelayMs: number;
  /** What that delay is easing toward, ms. */
  interpTargetMs: number;
  /** Snapshots buffered ahead of the drawn time, ms (negative: coasting past the newest). */
  interpBufferMs: number;
  /** Times the snapshot buffer ran dry since joining. */
  underruns: number;

  /**
   * Own-player corrections since joining, per second over the last 10 s, and the newest and
   * largest of those 10 s (px), respawn jumps left out of the sizes and counted apart.
   */
  corrections: number;
  correctionsPerSec: number;
  lastCorrectionPx: number;
  maxCorrectionPx: number;
  correctionJumps: number;
}
