import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { BucketHistogram } from '../../../server/observability/bucketHistogram.ts';

/*
 * Contract with prom-client (which formats and serves BucketHistogram through its registry): fed
 * the same values, the two serve the same text. An upgrade that changes what a registry expects
 * of a metric, or how a histogram is exposed, fails here.
 */

const BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];
// Below, between, on and above the bounds, and values whose sums are not exact in binary.
const VALUES = [0, 0.00001, 0.00005, 0.00007, 0.0001, 0.0003, 0.0012, 0.0049, 0.005, 0.0101, 0.07, 0.1, 0.3, 2, 0.1 + 0.2];

async function pair(labelNames: readonly string[]) {
  const ours = new Registry();
  const theirs = new Registry();
  const bucket = new BucketHistogram({ name: 'x_seconds', help: 'Some work', buckets: BUCKETS, labelNames, registers: [ours] });
  const reference = new Histogram({ name: 'x_seconds', help: 'Some work', buckets: BUCKETS, labelNames: [...labelNames], registers: [theirs] });
  return { ours, theirs, bucket, reference };
}

describe('BucketHistogram', () => {
  it('serves what prom-client serves for a labelled histogram, series by series', async () => {
    const { ours, theirs, bucket, reference } = await pair(['phase']);
    expect(await ours.metrics()).toBe(await theirs.metrics());
    const sim = bucket.labels({ phase: 'simulation' });
    const send = bucket.labels({ phase: 'send' });
    VALUES.forEach((v, i) => {
      (i % 3 === 0 ? send : sim).observe(v);
      reference.observe({ phase: i % 3 === 0 ? 'send' : 'simulation' }, v);
    });
    const text = await ours.metrics();
    expect(text).toBe(await theirs.metrics());
    expect(text).toContain('x_seconds_bucket{le="0.005",phase="simulation"}');
    // A label set bound but never observed is not listed (prom-client lists it once observed).
    bucket.labels({ phase: 'encode' });
    expect(await ours.metrics()).toBe(text);
    // The same series whichever order the labels come in.
    expect(bucket.labels({ phase: 'send' })).toBe(send);
    expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
  });

  it('serves what prom-client serves for an unlabelled histogram, listed before any value', async () => {
    const { ours, theirs, bucket, reference } = await pair([]);
    expect(await ours.metrics()).toBe(await theirs.metrics());
    const series = bucket.labels();
    for (const v of VALUES) {
      series.observe(v);
      reference.observe(v);
    }
    expect(await ours.metrics()).toBe(await theirs.metrics());
  });

  it('refuses labels it was not declared with, and buckets out of order', async () => {
    const { bucket } = await pair(['phase']);
    expect(() => bucket.labels({ kind: 'x' })).toThrow(/labels kind are not phase/);
    expect(() => bucket.labels()).toThrow(/are not phase/);
    expect(() => new BucketHistogram({ name: 'y', help: 'y', buckets: [0.1, 0.01], registers: [] })).toThrow(/ascend/);
  });
});
