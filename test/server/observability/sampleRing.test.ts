import { describe, expect, it } from 'vitest';
import { percentile, SampleRing } from '../../../server/observability/sampleRing.ts';
import { TickRecorder } from '../../../server/observability/tickRecorder.ts';

describe('SampleRing', () => {
  it('gives each reader what was written since its cursor, at most the capacity', () => {
    const ring = new SampleRing(4);
    expect(ring.latest(10)).toEqual([]);
    ring.push(1);
    ring.push(2);
    expect(ring.latest(10)).toEqual([1, 2]);
    const cursor = ring.written;
    for (let v = 3; v <= 8; v++) ring.push(v);
    expect(ring.since(cursor)).toEqual([5, 6, 7, 8]);
    expect(ring.since(ring.written)).toEqual([]);
    expect(ring.latest(2)).toEqual([7, 8]);
  });

  it('nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile([], 99)).toBe(0);
  });
});

describe('TickRecorder', () => {
  it('joins room work that ran back to back into one server tick', () => {
    const r = new TickRecorder();
    r.record(0, 1);
    r.record(1.05, 2);
    r.record(2.1, 2.5);
    r.record(10, 10.5);
    r.flush();
    const round = (xs: number[]) => xs.map((x) => Math.round(x * 1000) / 1000);
    expect(round(r.roomTicks.latest(10))).toEqual([1, 0.95, 0.4, 0.5]);
    expect(round(r.serverTicks.latest(10))).toEqual([2.5, 0.5]);
  });
});
