import type { Registry } from 'prom-client';

/*
 * A Prometheus histogram for values observed thousands of times a second (every room's every
 * step and patch). prom-client's `Histogram.observe` builds a label hash string, validates the
 * labels and finds the bucket through an object keyed by the bound's string on every call: in
 * the server at 500 players it was 1.5 % of the main thread (a CPU profile, docs/BENCHMARKS.md).
 * Here a series is bound to its labels once and an observation is a loop over a few bounds and
 * three additions. prom-client still formats and serves it: a registry takes any metric whose
 * `get()` returns its metric object, and test/server/observability/bucketHistogram.test.ts
 * checks that the text it serves is exactly that of a prom-client `Histogram` fed the same values.
 */

/** One label set's counts. */
export class HistogramSeries {
  /** Observations at or below each bound (not cumulative: summed when collected). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(private readonly bounds: Float64Array, readonly labels: Readonly<Record<string, string>>, private readonly firstObserved: (s: HistogramSeries) => void) {
    this.counts = new Float64Array(bounds.length);
  }

  /** Count one value (a value that is not finite is not counted). */
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    if (this.count === 0) this.firstObserved(this);
    const bounds = this.bounds;
    for (let i = 0; i < bounds.length; i++) {
      if (value <= bounds[i]!) {
        this.counts[i]!++;
        break;
      }
    }
    this.sum += value;
    this.count++;
  }
}

interface MetricValue {
  labels: Record<string, string | number>;
  sharedLabels: Record<string, string>;
  value: number;
  metricName: string;
  exemplar: null | undefined;
}

interface MetricObject<V> { name: string; help: string; type: string; values: V[]; aggregator: string }

export interface BucketHistogramOptions {
  name: string;
  help: string;
  /** Upper bounds, ascending, in the metric's unit (`+Inf` is implied). */
  buckets: readonly number[];
  /** Label names; none: one series, listed from the start (as prom-client lists it). */
  labelNames?: readonly string[];
  registers: Registry[];
}

export class BucketHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  private readonly bounds: Float64Array;
  private readonly series = new Map<string, HistogramSeries>();
  /** Series in the order they are exposed: as prom-client does, in the order first observed. */
  private readonly listed: HistogramSeries[] = [];
  private readonly list = (s: HistogramSeries): void => {
    if (!this.listed.includes(s)) this.listed.push(s);
  };
  private readonly labelNames: readonly string[];

  constructor(options: BucketHistogramOptions) {
    this.name = options.name;
    this.help = options.help;
    this.bounds = Float64Array.from(options.buckets);
    this.labelNames = options.labelNames ?? [];
    for (let i = 1; i < this.bounds.length; i++) {
      if (!(this.bounds[i]! > this.bounds[i - 1]!)) throw new Error(`${this.name}: buckets must ascend`);
    }
    // A prom-client registry takes any object with a name and get(); typed for its own classes.
    for (const registry of options.registers) registry.registerMetric(this as never);
    // prom-client lists an unlabelled histogram from the start.
    if (this.labelNames.length === 0) this.list(this.labels());
  }

  /** The series of one label set, made on first use; keep it and observe into it. */
  labels(labels: Readonly<Record<string, string>> = {}): HistogramSeries {
    const names = Object.keys(labels);
    if (names.length !== this.labelNames.length || names.some((n) => !this.labelNames.includes(n))) {
      throw new Error(`${this.name}: labels ${names.join(', ') || '(none)'} are not ${this.labelNames.join(', ') || '(none)'}`);
    }
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    let series = this.series.get(key);
    if (series === undefined) {
      series = new HistogramSeries(this.bounds, { ...labels }, this.list);
      this.series.set(key, series);
    }
    return series;
  }

  /** What prom-client's registry formats into text (the shape its own Histogram returns). */
  async getForPromString(): Promise<MetricObject<MetricValue>> {
    const values: MetricValue[] = [];
    const bucketName = `${this.name}_bucket`;
    for (const s of this.listed) {
      let cumulative = 0;
      for (let i = 0; i < this.bounds.length; i++) {
        cumulative += s.counts[i]!;
        values.push({ labels: { le: this.bounds[i]! }, sharedLabels: { ...s.labels }, value: cumulative, metricName: bucketName, exemplar: null });
      }
      values.push(
        { labels: { le: '+Inf' }, sharedLabels: { ...s.labels }, value: s.count, metricName: bucketName, exemplar: null },
        { labels: {}, sharedLabels: { ...s.labels }, value: s.sum, metricName: `${this.name}_sum`, exemplar: undefined },
        { labels: {}, sharedLabels: { ...s.labels }, value: s.count, metricName: `${this.name}_count`, exemplar: undefined },
      );
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  /** The same with each value's labels in one object (what `registry.getMetricsAsJSON()` returns). */
  async get(): Promise<MetricObject<Omit<MetricValue, 'sharedLabels'>>> {
    const metric = await this.getForPromString();
    return { ...metric, values: metric.values.map(({ sharedLabels, labels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } })) };
  }
}
