/**
 * When a room's patches leave: on a timeline locked to its fixed steps.
 *
 * Colyseus runs the fixed step and the patch on two independent intervals (33.3 and 50 ms) whose
 * phases wander against each other, so every so often both expire in the same turn of the event
 * loop and a patch runs right behind a step: one busy period during which no socket of the
 * process is read (the server tick the benchmark's knee and the dashboard read). Here each
 * patch is timed from the step before it, at the phase that keeps patches farthest from steps
 * (at 30 Hz steps and 20 Hz patches, a quarter step after a step or before the next: 8.3 ms either
 * side), so a step and a patch share a turn only when the process is already late. Patches stay
 * evenly spaced, and the state each carries is on average as old as before (the latest step's;
 * 16.7 ms at these rates, the mean over a wandering phase too).
 *
 * The timeline is ideal: step `k` starts at `k × stepMs`, patch `j` is due at `offset + j × patchMs`;
 * after step `k` the patches due before step `k + 1` are scheduled, measured from when step `k`
 * began. Catch-up steps (several in one wake-up) schedule theirs too, so the patch count follows
 * the step count.
 */
export class PatchCadence {
  readonly stepMs: number;
  readonly patchMs: number;
  /** Phase of the first patch after step 0, ms. */
  readonly offsetMs: number;
  /** Scheduled patches (one or two; an array, not a Set: a long-lived Set's add/delete churn rehashes in the old generation). */
  private readonly pending: Array<ReturnType<typeof setTimeout>> = [];
  private stopped = false;

  constructor(stepHz: number, patchIntervalMs: number, private readonly patch: () => void, private readonly failed: (error: Error) => void) {
    if (!(stepHz > 0) || !(patchIntervalMs > 0)) throw new Error(`PatchCadence: rates must be positive (step ${stepHz} Hz, patch every ${patchIntervalMs} ms)`);
    this.stepMs = 1000 / stepHz;
    this.patchMs = patchIntervalMs;
    this.offsetMs = farthestPhase(this.stepMs, this.patchMs);
  }

  /**
   * Delays after the start of step `tick`, ms, of the patches due before the next step (several
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

  /** Call right after fixed step `tick` (0, 1, 2, …), with `performance.now()` as the step began. */
  afterStep(tick: number, stepStartedAtMs: number): void {
    if (this.stopped) return;
    const spent = performance.now() - stepStartedAtMs;
    for (const delay of this.delaysAfterStep(tick)) {
      // A step that overran its patch's phase: the patch still goes in a turn of its own.
      const timer: ReturnType<typeof setTimeout> = setTimeout(() => this.fire(timer), Math.max(0, delay - spent));
      this.pending.push(timer);
    }
  }

  /** No more patches (the room is disposed). */
  stop(): void {
    this.stopped = true;
    for (const timer of this.pending) clearTimeout(timer);
    this.pending.length = 0;
  }

  private fire(timer: ReturnType<typeof setTimeout>): void {
    const at = this.pending.indexOf(timer);
    if (at >= 0) {
      this.pending[at] = this.pending[this.pending.length - 1]!;
      this.pending.pop();
    }
    if (this.stopped) return;
    // Colyseus' own patch timer is not guarded either; here a throw is the room's, not the process'.
    try {
      this.patch();
    } catch (error) {
      this.failed(error instanceof Error ? error : new Error(String(error)));
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
