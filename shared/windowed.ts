/**
 * Sliding-window extremum over timestamped samples (monotonic deque: O(1) amortized per
 * sample, no allocation in steady state beyond the deque's own growth).
 */
export class WindowedExtremum {
  private readonly t: number[] = [];
  private readonly v: number[] = [];

  constructor(private readonly windowMs: number, private readonly kind: 'min' | 'max') {}

  push(atMs: number, value: number): void {
    const better = this.kind === 'min' ? (a: number, b: number) => a <= b : (a: number, b: number) => a >= b;
    while (this.v.length > 0 && better(value, this.v[this.v.length - 1]!)) {
      this.v.pop();
      this.t.pop();
    }
    this.v.push(value);
    this.t.push(atMs);
    this.expire(atMs);
  }

  /** The extremum of samples no older than the window at `nowMs`, or undefined if none. */
  value(nowMs?: number): number | undefined {
    if (nowMs !== undefined) this.expire(nowMs);
    return this.v[0];
  }

  clear(): void {
    this.t.length = 0;
    this.v.length = 0;
  }

  private expire(nowMs: number): void {
    // Keep the newest sample even when it is older than the window: a stalled stream still
    // has a best estimate.
    while (this.t.length > 1 && this.t[0]! < nowMs - this.windowMs) {
      this.t.shift();
      this.v.shift();
    }
  }
}
