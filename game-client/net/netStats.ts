/** The connection as the net graph and bots see it (`ArenaSession.stats()`). */
export interface NetStats {
  /** Round-trip time, ms (same as `rttMs`; kept for callers of the first version). */
  pingMs: number | undefined;
  inputsSent: number;
  /** Last input the server has applied (its acknowledgement). */
  inputsAcked: number;

  /** Network round trip measured by the server's pings (fresh while idle too), ms. */
  rttMs: number;
  /** Its mean deviation, ms. */
  rttVarMs: number;
  /** Interarrival jitter of state patches (RFC 3550), ms. */
  jitterMs: number;
  /** Server clock minus ours, ms. */
  clockOffsetMs: number;

  /** How far behind the newest possible data remote entities are drawn, ms. */
  interpDelayMs: number;
  /** What that delay is easing toward, ms. */
  interpTargetMs: number;
  /** Snapshots buffered ahead of the drawn time, ms (negative: coasting past the newest). */
  interpBufferMs: number;
  /** Times the snapshot buffer ran dry since joining. */
  underruns: number;

  /** Fewest spare inputs the server held over its last report window (undefined: no report yet). */
  inputSpare: number | undefined;
  /** Ticks in that window that found no input from us. */
  inputLate: number;
  /** Input clock speed relative to real time (time dilation; 1 = none). */
  inputRate: number;
  /** Smoothed time from sending an input to its acknowledgement, ms. */
  inputLatencyMs: number;

  /**
   * Own-player corrections since joining, per second over the last 10 s, and the newest and
   * largest of those 10 s (px), respawn jumps left out of the sizes and counted apart.
   */
  corrections: number;
  correctionsPerSec: number;
  lastCorrectionPx: number;
  maxCorrectionPx: number;
  correctionJumps: number;

  kbpsDown: number;
  kbpsUp: number;
  bytesDown: number;
  bytesUp: number;
  /** The network simulator's conditions, when it is on. */
  netsim: string | undefined;
}
