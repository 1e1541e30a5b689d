/**
 * A mergeable histogram with logarithmic buckets (about 2% wide), for latencies from 10 µs to
 * minutes. Bots in different worker processes each keep one and the coordinator merges them,
 * which exact-sample percentiles could not do without shipping every sample.
 */

const MIN_VALUE = 0.01;
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = 1000; // 0.01 * 1.02^1000 ≈ 4e6: beyond any latency we measure in ms

export interface HistogramData {
  counts: Record<number, number>;
  count: number;
  max: number;
  sum: number;
}

export class LogHistogram {
  private readonly counts = new Float64Array(BUCKETS + 1);
  count = 0;
  max = 0;
  sum = 0;

  record(value: number): void {
    if (!Number.isFinite(value) || value < 0) return;
    const bucket = value <= MIN_VALUE ? 0 : Math.min(BUCKETS, 1 + Math.floor(Math.log(value / MIN_VALUE) / LOG_GROWTH));
    this.counts[bucket]! += 1;
    this.count++;
    this.sum += value;
    if (value > this.max) this.max = value;
  }

  /** Value at percentile `p` (0..100): the upper edge of its bucket, capped at the maximum seen. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let b = 0; b <= BUCKETS; b++) {
      seen += this.counts[b]!;
      if (seen >= rank) return Math.min(this.max, b === 0 ? MIN_VALUE : MIN_VALUE * GROWTH ** b);
    }
    return this.max;
  }

  mean(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  merge(other: LogHistogram | HistogramData): this {
    const data = other instanceof LogHistogram ? other.toJSON() : other;
    for (const [bucket, n] of Object.entries(data.counts)) this.counts[Number(bucket)]! += n;
    this.count += data.count;
    this.sum += data.sum;
    if (data.max > this.max) this.max = data.max;
    return this;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.max = 0;
    this.sum = 0;
  }

  /** Sparse form, small enough to send between processes every second. */
  toJSON(): HistogramData {
    const counts: Record<number, number> = {};
    for (let b = 0; b <= BUCKETS; b++) if (this.counts[b]! > 0) counts[b] = this.counts[b]!;
    return { counts, count: this.count, max: this.max, sum: this.sum };
  }

  static from(data: HistogramData): LogHistogram {
    return new LogHistogram().merge(data);
  }
}
