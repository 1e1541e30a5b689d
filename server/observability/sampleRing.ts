/**
 * A fixed-size ring of recent numeric samples. Writers never allocate; each reader keeps its
 * own cursor, so the dashboard and a benchmark agent can both read every sample without
 * stealing them from each other. Samples older than the capacity are lost (readers that fall
 * that far behind get the newest `capacity` samples).
 */
export class SampleRing {
  private readonly values: Float64Array;
  private writtenCount = 0;

  constructor(readonly capacity: number) {
    this.values = new Float64Array(capacity);
  }

  push(value: number): void {
    this.values[this.writtenCount % this.capacity] = value;
    this.writtenCount++;
  }

  /** Total samples ever written: a reader's cursor. */
  get written(): number {
    return this.writtenCount;
  }

  /** Samples written since `cursor` (at most `capacity` of them, oldest first). */
  since(cursor: number): number[] {
    const from = Math.max(0, cursor, this.writtenCount - this.capacity);
    const out: number[] = [];
    for (let i = from; i < this.writtenCount; i++) out.push(this.values[i % this.capacity]!);
    return out;
  }

  /** The newest `n` samples (fewer if fewer were written). */
  latest(n: number): number[] {
    return this.since(this.writtenCount - Math.min(n, this.capacity));
  }
}

/** Nearest-rank percentile of unsorted samples (0 for none). `p` in 0..100. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return 0;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}
