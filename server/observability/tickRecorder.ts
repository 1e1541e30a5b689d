import { SampleRing } from './sampleRing.ts';

/**
 * Two timings are kept, because a room's cost and the process' health are different questions:
 *
 * - **room tick**: one unit of one room's timer work (a fixed step, or a patch broadcast).
 * - **server tick**: a run of room work that executed back to back, without the event loop
 *   getting a chance to read sockets in between. Node runs every expired timer of the same
 *   interval in one go, so with many rooms this is what an input waits behind. It grows with
 *   the number of rooms; it is what the benchmark's knee and the dashboard's tick percentiles use.
 *
 * Samples go into rings that readers walk with their own cursors (see SampleRing).
 */

/** Work separated by less than this is one busy period (timer-list overhead is microseconds). */
const SAME_BUSY_PERIOD_GAP_MS = 0.2;
/** About five seconds of room ticks at 1,000 players (63 rooms × 50 callbacks per second). */
const RING_CAPACITY = 16_384;

export class TickRecorder {
  /** Durations (ms) of single room callbacks. */
  readonly roomTicks = new SampleRing(RING_CAPACITY);
  /** Durations (ms) of back-to-back runs of room work. */
  readonly serverTicks = new SampleRing(RING_CAPACITY);
  /** The room callbacks again, by what they were: which of the two makes a slow tick. */
  readonly stepTicks = new SampleRing(RING_CAPACITY);
  readonly patchTicks = new SampleRing(RING_CAPACITY);

  private periodStartMs = -1;
  private periodEndMs = -1;

  /**
   * Record one room callback that ran from `startMs` to `endMs` (performance.now() times): a fixed
   * step, a patch (or a slice of one), or other room work. `afterPoll`: it is known to have started
   * after the event loop polled sockets (a `setImmediate` callback), so it begins a busy period
   * however close it follows the last one.
   */
  record(startMs: number, endMs: number, phase?: 'step' | 'patch', afterPoll = false): void {
    this.roomTicks.push(endMs - startMs);
    if (phase === 'step') this.stepTicks.push(endMs - startMs);
    else if (phase === 'patch') this.patchTicks.push(endMs - startMs);
    if (!afterPoll && this.periodStartMs >= 0 && startMs - this.periodEndMs <= SAME_BUSY_PERIOD_GAP_MS) {
      this.periodEndMs = endMs;
      return;
    }
    this.flush();
    this.periodStartMs = startMs;
    this.periodEndMs = endMs;
  }

  /** Close the busy period in progress (readers call it so the last period is not missed). */
  flush(): void {
    if (this.periodStartMs < 0) return;
    this.serverTicks.push(this.periodEndMs - this.periodStartMs);
    this.periodStartMs = -1;
  }
}

/** The process-wide recorder every room reports to. */
export const tickRecorder = new TickRecorder();
