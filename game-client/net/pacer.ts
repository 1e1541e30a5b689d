import { INPUT_BUFFER_MAX_INPUTS, TICK_MS } from '../../shared/limits.ts';
import { InputClock } from './inputClock.ts';

/** Tuning of input time dilation; defaults in `PACER_DEFAULTS`. */
export interface PacerOptions {
  /** Spare inputs the server should hold when it consumes one (its buffer depth minus one). */
  targetSpareLow: number;
  targetSpareHigh: number;
  /** Slow-down per spare input above the target band, and its cap. */
  slowPerSpare: number;
  maxSlow: number;
  /** Speed-up per late tick (a tick that found no input), and its cap. */
  fastPerLate: number;
  maxFast: number;
  /** Without a report for this long, run at real time again. */
  staleMs: number;
  /**
   * Most inputs unacknowledged beyond a round trip's worth: what the server's input buffer can
   * absorb when they land at once after a stall (it drops the oldest as if applied), less a
   * margin of two. `Infinity`: no limit (comparisons).
   */
  maxAheadInputs: number;
}

export const PACER_DEFAULTS: PacerOptions = {
  targetSpareLow: 0,
  targetSpareHigh: 1,
  slowPerSpare: 0.08,
  maxSlow: 0.35,
  fastPerLate: 0.03,
  maxFast: 0.1,
  staleMs: 1500,
  maxAheadInputs: INPUT_BUFFER_MAX_INPUTS - 2,
};

/**
 * Input timing with time dilation. The client produces one input per fixed step; the server
 * consumes one per tick per player. If inputs arrive too late the server finds none (a "late"
 * tick); if they pile up (after a server hitch, clock drift, a burst after a stall), every
 * input waits in the buffer and input latency grows for good. The server reports the fewest
 * spare inputs it held over each report window and how many ticks found none; the pacer
 * speeds its input clock up (at most `maxFast`) or slows it down (at most `maxSlow`) until
 * the spare count sits in the target band, so latency recovers by itself.
 */
export class InputPacer {
  private readonly opts: PacerOptions;
  private readonly clock = new InputClock();
  private rateValue = 1;
  private reportAtMs = -Infinity;
  spare: number | undefined;
  late = 0;

  constructor(options: Partial<PacerOptions> = {}) {
    this.opts = { ...PACER_DEFAULTS, ...options };
  }

  /** The input clock's speed relative to real time (1 = no dilation). */
  get rate(): number {
    return this.rateValue;
  }

  /** The server's report: fewest spare inputs held over its window, and ticks that found none. */
  onReport(spare: number, late: number, nowMs: number): void {
    const o = this.opts;
    this.spare = spare;
    this.late = late;
    this.reportAtMs = nowMs;
    if (late > 0 && spare < o.targetSpareLow) this.rateValue = 1 + Math.min(o.maxFast, o.fastPerLate * late);
    else if (spare < o.targetSpareLow) this.rateValue = 1 + o.fastPerLate;
    else if (spare > o.targetSpareHigh) this.rateValue = 1 - Math.min(o.maxSlow, o.slowPerSpare * (spare - o.targetSpareHigh));
    else this.rateValue = 1;
  }

  /** Input steps due at `nowMs`. */
  advance(nowMs: number): number {
    if (nowMs - this.reportAtMs > this.opts.staleMs) this.rateValue = 1;
    return this.clock.advance(nowMs, this.rateValue);
  }

  /** Fraction of the next input step already elapsed (0..1): where a prediction is drawn between its steps. */
  get alpha(): number {
    return this.clock.alpha;
  }

  reset(): void {
    this.clock.reset();
    this.rateValue = 1;
  }

  /**
   * Whether `outstanding` unacknowledged inputs are already as many as the server could hold
   * (a round trip's worth at `rttMs`, plus `maxAheadInputs`): then send nothing more for now.
   */
  tooFarAhead(outstanding: number, rttMs: number): boolean {
    return outstanding >= this.opts.maxAheadInputs + Math.floor(rttMs / TICK_MS);
  }
}
