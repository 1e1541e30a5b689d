import type { SlicedPatch } from './patchSlices.ts';

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
 * stepped as Colyseus does (at most `maxCatchUpSteps` in one wake-up, the rest dropped), except that
 * the timeline restarts at that wake-up's time (see `wake`), and each step run schedules its own
 * patches, so the patch count follows the steps.
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
  /** The next slice of a patch being served is queued for a turn of its own (`sliceTurns`). */
  private sliceQueued = false;
  /** A step came due while a patch was being served: it runs once the patch is complete. */
  private stepHeld = false;
  /** Work that waits for the patch being served to complete (`whenPatchDone`). */
  private afterPatch: Array<() => void> = [];

  /**
   * `sliced`: the room's patches may be served over several turns (server/netcode/patchSlices.ts);
   * the cadence then serves the rest one slice a turn and holds the room's steps until the patch is
   * complete, so every slice serves the same state.
   */
  constructor(stepHz: number, patchIntervalMs: number, private readonly patch: () => void, private readonly patchFailed: (error: Error) => void, private readonly sliced?: SlicedPatch) {
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

  /** No more steps or patches (the room is disposed); a patch being served is completed first. */
  stop(): void {
    this.stopped = true;
    if (this.stepTimer !== undefined) clearTimeout(this.stepTimer);
    if (this.sliceQueued) sliceTurns.cancel(this.nextSlice);
    this.sliceQueued = false;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.length = 0;
    this.completePatch();
  }

  /** A patch is being served over several turns (the room's state must not change until it is complete). */
  get patchInProgress(): boolean {
    return this.sliced?.inProgress === true;
  }

  /**
   * Run `work` now when no patch is being served, else as soon as the patch is complete (in order).
   * For what changes the room's state or views outside its steps: a player leaving, say.
   */
  whenPatchDone(work: () => void): void {
    if (this.patchInProgress) this.afterPatch.push(work);
    else work();
  }

  /** Run the steps that are due (a stall's backlog up to the catch-up limit), then sleep until the next. */
  private readonly wake = (): void => {
    if (this.stopped) return;
    // The room's patch is still being served: the step waits for it (the last slice wakes it).
    if (this.patchInProgress) {
      this.stepHeld = true;
      return;
    }
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
    // The timeline restarts at the wake-up's time, so the step due then runs in the next turn: one
    // step more than Colyseus' accumulator (which restarts from zero), one input fewer left queued
    // per player after a hitch (test/server/hitch.test.ts checks how fast that queue drains).
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
    // Patches never overlap: the rest of one still being served goes first (only possible when patches come faster than steps: a held step schedules none).
    this.completePatch();
    // Colyseus' own patch timer is not guarded; here a throw is the room's, not the process'.
    try {
      this.patch();
    } catch (error) {
      this.patchFailed(error instanceof Error ? error : new Error(String(error)));
    }
    this.afterSlice();
  }

  /** The next slice of the patch being served, in a turn of its own (the event loop reads sockets in between). */
  private readonly nextSlice = (): void => {
    this.sliceQueued = false;
    if (this.stopped) return;
    try {
      this.sliced?.continue();
    } catch (error) {
      this.patchFailed(error instanceof Error ? error : new Error(String(error)));
    }
    this.afterSlice();
  };

  /** More of the patch to serve: next turn. Complete: what waited for it, then a held step. */
  private afterSlice(): void {
    if (this.patchInProgress) {
      if (!this.sliceQueued) sliceTurns.queue(this.nextSlice);
      this.sliceQueued = true;
      return;
    }
    this.patchDone();
    if (this.stepHeld && !this.stopped) {
      this.stepHeld = false;
      // Its own turn, not this slice's: the event loop reads sockets in between.
      if (this.stepTimer !== undefined) clearTimeout(this.stepTimer);
      this.stepTimer = setTimeout(this.wake, 0);
    }
  }

  /** Serve what is left of a patch now (a client that throws is skipped, as in a slice). */
  private completePatch(): void {
    const sliced = this.sliced;
    for (let guard = 0; sliced?.inProgress === true && guard < MAX_FAILED_SLICES; guard++) {
      try {
        sliced.finishNow();
      } catch (error) {
        this.patchFailed(error instanceof Error ? error : new Error(String(error)));
      }
    }
    this.patchDone();
  }

  /** The patch is complete: run what waited for it. */
  private patchDone(): void {
    if (this.afterPatch.length === 0) return;
    const work = this.afterPatch;
    this.afterPatch = [];
    for (const w of work) {
      try {
        w();
      } catch (error) {
        // The waiting work's own errors are its caller's to report (EngineRoom wraps a leave); this is the fallback.
        this.patchFailed(error instanceof Error ? error : new Error(String(error)));
      }
    }
  }
}

/**
 * Slices of the patches being served, one per turn of the event loop for the whole process: each
 * starts right after the event loop polled the sockets (a `setImmediate` callback runs after the
 * poll phase), never right behind another room's slice, so the process is never busy longer than a
 * slice for them, and the tick recorder can start a busy period at each slice.
 */
class SliceTurns {
  private readonly waiting: Array<() => void> = [];
  private armed = false;

  queue(slice: () => void): void {
    this.waiting.push(slice);
    if (!this.armed) {
      this.armed = true;
      setImmediate(this.runOne);
    }
  }

  cancel(slice: () => void): void {
    const at = this.waiting.indexOf(slice);
    if (at >= 0) this.waiting.splice(at, 1);
  }

  private readonly runOne = (): void => {
    const slice = this.waiting.shift();
    try {
      slice?.();
    } finally {
      // Armed while slices wait (one queued during this one included); the cadence catches a slice's errors.
      if (this.waiting.length > 0) setImmediate(this.runOne);
      else this.armed = false;
    }
  };
}

const sliceTurns = new SliceTurns();

/** Clients whose serving may throw while a patch is completed at once, before the rest is dropped (bounds the loop). */
const MAX_FAILED_SLICES = 1000;

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
