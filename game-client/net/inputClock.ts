import { TICK_MS } from '../../shared/limits.ts';

/** Most steps one update may emit: after a stall (hidden tab, GC) we resume, we do not burst. */
const MAX_STEPS_PER_UPDATE = 4;

/**
 * Turns a variable frame clock (requestAnimationFrame, a bot's timer) into fixed input steps at
 * the server's tick rate. The send rate, not the frame rate, is what the server consumes.
 */
export class InputClock {
  private lastMs: number | undefined;
  private accumulatorMs = 0;

  constructor(private readonly stepMs: number = TICK_MS) {}

  /**
   * Number of input steps due at `nowMs`. `rate` runs the clock faster (> 1) or slower (< 1)
   * than real time: the input pacer's time dilation.
   */
  advance(nowMs: number, rate = 1): number {
    if (this.lastMs === undefined) {
      this.lastMs = nowMs;
      return 0;
    }
    this.accumulatorMs += Math.max(0, nowMs - this.lastMs) * rate;
    this.lastMs = nowMs;
    let steps = 0;
    while (this.accumulatorMs >= this.stepMs && steps < MAX_STEPS_PER_UPDATE) {
      this.accumulatorMs -= this.stepMs;
      steps++;
    }
    if (steps === MAX_STEPS_PER_UPDATE) this.accumulatorMs = Math.min(this.accumulatorMs, this.stepMs);
    return steps;
  }

  /** Fraction of the next step already elapsed (0..1), for rendering between steps. */
  get alpha(): number {
    return Math.min(1, this.accumulatorMs / this.stepMs);
  }

  reset(): void {
    this.lastMs = undefined;
    this.accumulatorMs = 0;
  }
}
