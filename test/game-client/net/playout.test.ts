import { describe, expect, it } from 'vitest';
import { INTERP_DELAY_MAX_MS, TICK_MS } from '../../../shared/limits.ts';
import { LinkModel } from '../../../game-client/net/netsim/link.ts';
import { PlayoutClock, type PlayoutOptions } from '../../../game-client/net/playout.ts';
import { nextRandom } from '../../../shared/rng.ts';

/**
 * Patches at 20 Hz carrying the newest 30 Hz tick, over a simulated path; frames at 60 Hz.
 * Returns the clock and per-frame render ticks.
 */
function run(link: LinkModel, durationMs: number, hitch?: { atMs: number; ms: number; droppedMs?: number }, extra: { clock?: Partial<PlayoutOptions>; hiccupSeed?: number } = {}) {
  const clock = new PlayoutClock(extra.clock);
  let rng = extra.hiccupSeed ?? 0;
  const random = () => {
    const r = nextRandom(rng);
    rng = r.state;
    return r.value;
  };
  let lastAt = 0;
  const arrivals: Array<{ at: number; tick: number }> = [];
  for (let sent = 0; sent < durationMs; sent += 50) {
    if (hitch && sent >= hitch.atMs && sent < hitch.atMs + hitch.ms) continue;
    // A server that stalls catches up a few ticks and drops the rest: later ticks come that much later.
    const simulated = hitch && sent >= hitch.atMs ? sent - (hitch.droppedMs ?? 0) : sent;
    let at = link.schedule(sent, 120);
    // The server's own hiccups (a GC pause, a busy machine): 1% of patches leave up to 120 ms late, in order.
    if (extra.hiccupSeed !== undefined && random() < 0.01) at += random() * 120;
    at = Math.max(at, lastAt);
    lastAt = at;
    arrivals.push({ at, tick: Math.floor(simulated / TICK_MS) });
  }
  const frames: Array<{ t: number; tick: number; delay: number; underruns: number; dry: boolean }> = [];
  let next = 0;
  for (let t = 0; t < durationMs; t += 1000 / 60) {
    while (next < arrivals.length && arrivals[next]!.at <= t) {
      clock.onSnapshot(arrivals[next]!.tick, arrivals[next]!.at);
      next++;
    }
    if (clock.newestTick < 0) continue;
    frames.push({ t, tick: clock.advance(t), delay: clock.delayMs, underruns: clock.underruns, dry: clock.extrapolating });
  }
  return { clock, frames };
}

function underrunsBetween(frames: Array<{ t: number; underruns: number }>, from: number, to: number): number {
  const inRange = frames.filter((f) => f.t >= from && f.t < to);
  return inRange.at(-1)!.underruns - inRange[0]!.underruns;
}

describe('adaptive interpolation timeline', () => {
  it('settles just above the patch gap on a clean link, and never runs dry', () => {
    const { frames } = run(new LinkModel({ latencyMs: 25, jitterMs: 2, lossRate: 0 }, 3), 60_000);
    const settled = frames.filter((f) => f.t > 15_000);
    const mean = settled.reduce((s, f) => s + f.delay, 0) / settled.length;
    expect(mean).toBeGreaterThan(2 * TICK_MS);
    expect(mean).toBeLessThan(120);
    expect(underrunsBetween(frames, 15_000, 60_000)).toBe(0);
  });

  it('grows to cover TCP retransmission stalls (150 ms ± 30, 5% loss): dry less than once a minute', () => {
    const { frames } = run(new LinkModel({ latencyMs: 75, jitterMs: 15, lossRate: 0.05 }, 11), 190_000);
    expect(underrunsBetween(frames, 10_000, 190_000)).toBeLessThan(3);
    for (const f of frames) expect(f.delay).toBeLessThanOrEqual(INTERP_DELAY_MAX_MS + 1);
    // A fixed 100 ms buffer (Colyseus' default) on the same arrivals runs dry at nearly every stall.
    const fixed = new PlayoutClock({ floorMs: 100, ceilingMs: 100, initialMs: 100 });
    const link = new LinkModel({ latencyMs: 75, jitterMs: 15, lossRate: 0.05 }, 11);
    let next = 0;
    const arrivals = Array.from({ length: 1200 }, (_, i) => ({ at: link.schedule(i * 50, 120), tick: Math.floor((i * 50) / TICK_MS) }));
    for (let t = 0; t < 60_000; t += 1000 / 60) {
      while (next < arrivals.length && arrivals[next]!.at <= t) { fixed.onSnapshot(arrivals[next]!.tick, arrivals[next]!.at); next++; }
      if (fixed.newestTick >= 0) fixed.advance(t);
    }
    expect(fixed.underruns).toBeGreaterThan(20);
  });

  it('with the server\'s hiccups on top, a margin of one jitter deviation keeps it dry less than once in five minutes', () => {
    // A maximum over a sample is beaten, now and then, by about the path's spread: the fixed 10 ms
    // margin alone ran dry 0.4 times a minute here (and 2 in 1.07 minutes in the real-time test).
    const lossy = { latencyMs: 75, jitterMs: 15, lossRate: 0.05 };
    const SEEDS = 20;
    const measure = (clock: Partial<PlayoutOptions>) => {
      let dry = 0;
      let delay = 0;
      for (let seed = 1; seed <= SEEDS; seed++) {
        const { frames } = run(new LinkModel(lossy, seed), 70_000, undefined, { clock, hiccupSeed: seed * 7919 });
        dry += underrunsBetween(frames, 10_000, 70_000);
        const settled = frames.filter((f) => f.t > 10_000);
        delay += settled.reduce((s, f) => s + f.delay, 0) / settled.length / SEEDS;
      }
      return { dry, delay };
    };
    const ours = measure({});
    const fixedMargin = measure({ jitterMargin: 0 });
    expect(ours.dry).toBeLessThan(SEEDS / 5);
    expect(fixedMargin.dry).toBeGreaterThan(2 * ours.dry);
    // What it costs: tens of milliseconds of delay on this path, a few on a clean one.
    expect(ours.delay - fixedMargin.delay).toBeLessThan(60);
    const clean = (clock: Partial<PlayoutOptions>) => {
      const { frames } = run(new LinkModel({ latencyMs: 25, jitterMs: 2, lossRate: 0 }, 3), 60_000, undefined, { clock });
      const settled = frames.filter((f) => f.t > 15_000);
      return settled.reduce((s, f) => s + f.delay, 0) / settled.length;
    };
    expect(clean({}) - clean({ jitterMargin: 0 })).toBeLessThan(15);
  });

  it('eases every change: the drawn timeline never runs more than 10% off real time', () => {
    const { frames } = run(new LinkModel({ latencyMs: 75, jitterMs: 15, lossRate: 0.05 }, 5), 30_000, { atMs: 12_000, ms: 500 });
    for (let i = 1; i < frames.length; i++) {
      const dTick = frames[i]!.tick - frames[i - 1]!.tick;
      const dReal = (frames[i]!.t - frames[i - 1]!.t) / TICK_MS;
      expect(dTick).toBeGreaterThanOrEqual(dReal * 0.9 - 1e-9);
      expect(dTick).toBeLessThanOrEqual(dReal * 1.1 + 1e-9);
    }
  });

  it('follows a server stall that dropped ticks: the delay never goes negative and the world moves again within 2 s', () => {
    // The server stalls 750 ms and drops 600 ms of ticks: every later tick arrives 600 ms "late",
    // more than the 500 ms ceiling. Waiting for the old fastest path to age out held the world
    // still for 6 s and reported a negative delay (which the server refuses in `netp`).
    const stall = { atMs: 10_000, ms: 750, droppedMs: 600 };
    const { frames } = run(new LinkModel({ latencyMs: 30, jitterMs: 5, lossRate: 0 }, 3), 25_000, stall);
    for (const f of frames) expect(f.delay).toBeGreaterThanOrEqual(0);
    let dryMs = 0;
    let longest = 0;
    for (let i = 1; i < frames.length; i++) {
      dryMs = frames[i]!.dry ? dryMs + frames[i]!.t - frames[i - 1]!.t : 0;
      longest = Math.max(longest, dryMs);
    }
    // The stall itself (750 ms) plus the 500 ms it takes to be sure the timeline moved, and the patch after.
    expect(longest).toBeLessThan(2000);
  });
});
