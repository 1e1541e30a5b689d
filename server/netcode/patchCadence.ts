/**
 * When a room steps and when its patches leave: one timeline for both.
 *
 * Colyseus runs the fixed step (`setFixedTimestep`, 30 Hz) and the patch (`patchRate`, 20 Hz) on two
 * independent `setInterval`s. Node restarts an interval from each late callback, so the step timer
 * fired every 34 ms and caught up with a double step every second and a half, the patch timer fell
 * behind under load (fewer than 20 patches a second), and the two phases wandered against each
 * other: every so often both expired in the same turn of the event loop and a patch ran right behind
 * a step, one busy period during which no socket of the process is read (the server tick the
 * benchmark's knee and the dashboard read). Here step `k` is due at `k × stepMs` and patch `j` at
 * `offset + j × patchMs` from the room's start, each timer set for its own due time (so lateness
 * never accumulates), with the offset that keeps patches farthest from steps (a quarter step either
 * side at 30/20 Hz: 8.3 ms). A step and a patch then share a turn only when the process is late;
 * steps are evenly spaced and patches exactly `patchMs` apart; the state each patch carries is on
 * average as old as before (the latest step's, 16.7 ms at these rates). After a stall the backlog is
 * stepped as Colyseus does (at most `maxCatchUpSteps` in one wake-up, the rest dropped), and each
 * step run schedules its own patches, so the patch count follows the steps.
 */
export class PatchCadence {
  readonly stepMs: number;
  readonly patchMs: number;
  /** Phase of the first patch after step 0, ms. */
  readonly offsetMs: number;
  /** performance.now() of step 0's due time (moved forward when a stall's backlog is dropped). */
  private originMs = 0;
  private nextTick = 0;
  private stepTimer: ReturnType<typeof setTimeout> | undefined;
  /** Scheduled patches (one or two; an array, not a Set: a long-lived Set's add/delete churn rehashes in the old generation). */
  private readonly pending: Array<ReturnType<typeof setTimeout>> = [];
  private stopped = false;
  /** Overdue patches not sent because another overdue one carries the same state (after stalls). */
  mergedLatePatches = 0;
  private maxCatchUpSteps = 1;
  private step: (tick: number) => void = () => {};
  private stepFailed: (error: Error) => void = () => {};

  constructor(stepHz: number, patchIntervalMs: number, private readonly patch: () => void, private readonly patchFailed: (error: Error) => void) {
    if (!(stepHz > 0) || !(patchIntervalMs > 0)) throw new Error(`PatchCadence: rates must be positive (step ${stepHz} Hz, patch every ${patchIntervalMs} ms)`);
    this.stepMs = 1000 / stepHz;
    this.patchMs = patchIntervalMs;
    this.offsetMs = farthestPhase(this.stepMs, this.patchMs);
  }

  /**
   * Delays after the due time of step `tick`, ms, of the patches due before the next step (several
   * when patches are faster than steps, none for some steps when slower).
   */
  delaysAfterStep(tick: number): number[] {
    const start = tick * this.stepMs;
    const end = start + this.stepMs;
    const delays: number[] = [];
    // Patches j with start <= offset + j * patchMs < end.
    for (let j = Math.max(0, Math.ceil((start - this.offsetMs) / this.patchMs - 1e-9)); ; j++) {
      const due = this.offsetMs + j * this.patchMs;
      if (due >= end - 1e-9) break;
      delays.push(due - start);
    }
    return delays;
  }

  /**
   * Start stepping: `step(tick)` for tick 0, 1, 2, … on the timeline (the first a step from now), and the patches after each;
   * after a stall at most `maxCatchUpSteps` steps in one wake-up.
   */
  start(step: (tick: number) => void, stepFailed: (error: Error) => void, maxCatchUpSteps: number): void {
    this.step = step;
    this.maxCatchUpSteps = Math.max(1, maxCatchUpSteps);
    this.stepFailed = stepFailed;
    // The first step one step from now, as Colyseus' interval had it: never inside the caller (a
    // room starts stepping from onCreate, before the rest of its parts exist).
    this.originMs = performance.now() + this.stepMs;
    this.nextTick = 0;
    this.stepTimer = setTimeout(this.wake, Math.ceil(this.stepMs));
  }

  /** No more steps or patches (the room is disposed). */
  stop(): void {
    this.stopped = true;
    if (this.stepTimer !== undefined) clearTimeout(this.stepTimer);
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.length = 0;
  }

  /** Run the steps that are due (a stall's backlog up to the catch-up limit), then sleep until the next. */
  private readonly wake = (): void => {
    if (this.stopped) return;
    const now = performance.now();
    let ran = 0;
    let lateScheduled = false;
    while (this.originMs + this.nextTick * this.stepMs <= now && ran < this.maxCatchUpSteps) {
      const tick = this.nextTick++;
      // Its patches first: scheduling costs nothing, and a step that throws still leaves them due.
      lateScheduled = this.schedulePatches(tick, now, lateScheduled);
      try {
        this.step(tick);
      } catch (error) {
        this.stepFailed(error instanceof Error ? error : new Error(String(error)));
      }
      ran++;
    }
    // A stall longer than the catch-up limit: the rest of the backlog is dropped, not stepped later.
    if (this.originMs + this.nextTick * this.stepMs <= now) this.originMs = now - this.nextTick * this.stepMs;
    if (this.stopped) return;
    this.stepTimer = setTimeout(this.wake, Math.max(0, Math.ceil(this.originMs + this.nextTick * this.stepMs - performance.now())));
  };

  /** Schedule step `tick`'s patches; `lateScheduled`: this wake-up already has an overdue one (answers whether it has now). */
  private schedulePatches(tick: number, now: number, lateScheduled: boolean): boolean {
    const dueStepMs = this.originMs + tick * this.stepMs;
    for (const delay of this.delaysAfterStep(tick)) {
      const dueMs = dueStepMs + delay;
      // Patches already overdue after a stall carry the same latest state: one of them is enough.
      if (dueMs <= now) {
        if (lateScheduled) {
          this.mergedLatePatches++;
          continue;
        }
        lateScheduled = true;
      }
      // Never in the step's own turn, even when it is late: at least the next turn.
      const timer: ReturnType<typeof setTimeout> = setTimeout(() => this.fire(timer), Math.max(1, Math.ceil(dueMs - now)));
      this.pending.push(timer);
    }
    return lateScheduled;
  }

  private fire(timer: ReturnType<typeof setTimeout>): void {
    const at = this.pending.indexOf(timer);
    if (at >= 0) {
      this.pending[at] = this.pending[this.pending.length - 1]!;
      this.pending.pop();
    }
    if (this.stopped) return;
    // Colyseus' own patch timer is not guarded; here a throw is the room's, not the process'.
    try {
      this.patch();
    } catch (error) {
      this.patchFailed(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/**
 * The phase of the patch timeline, in [0, stepMs), whose patches keep the largest least distance
 * to any step. With `patchMs / stepMs = a / b` in lowest terms, patches fall on `b` phases of a step
 * spaced `stepMs / b` apart, so the best is half a space: `stepMs / (2b)` on either side.
 */
export function farthestPhase(stepMs: number, patchMs: number): number {
  const MAX_PHASES = 1000;
  const ratio = patchMs / stepMs;
  for (let b = 1; b <= MAX_PHASES; b++) {
    if (Math.abs(b * ratio - Math.round(b * ratio)) < 1e-6) return stepMs / (2 * b);
  }
  // Rates with no short common period: phases fill the step; none is better than another.
  return stepMs / 2;
}
