import { matchMaker } from '@colyseus/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PATCH_INTERVAL_MS, TICK_HZ, TICK_MS } from '../../../shared/limits.ts';
import { farthestPhase, PatchCadence } from '../../../server/netcode/patchCadence.ts';
import type { SlicedPatch } from '../../../server/netcode/patchSlices.ts';
import { createArena } from '../../helpers/clients.ts';
import { metricValue, scrape } from '../../helpers/metrics.ts';
import { suiteServer } from '../../helpers/suiteServer.ts';
import { holdEventLoop, waitFor } from '../../helpers/wait.ts';

const noop = () => {};

/** Every patch time of the ideal timeline over `steps` steps, and its distance to the nearest step. */
function timeline(cadence: PatchCadence, steps: number): { dueMs: number[]; leastGapMs: number } {
  const dueMs: number[] = [];
  let leastGapMs = Infinity;
  for (let k = 0; k < steps; k++) {
    for (const d of cadence.delaysAfterStep(k)) {
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(cadence.stepMs);
      dueMs.push(k * cadence.stepMs + d);
      leastGapMs = Math.min(leastGapMs, d, cadence.stepMs - d);
    }
  }
  return { dueMs, leastGapMs };
}

describe('the patch cadence', () => {
  it('at the default rates: a patch a quarter step after step 0, three quarters after step 1, none after step 2', () => {
    const cadence = new PatchCadence(TICK_HZ, DEFAULT_PATCH_INTERVAL_MS, noop, noop);
    expect(TICK_HZ).toBe(30);
    expect(DEFAULT_PATCH_INTERVAL_MS).toBe(50);
    expect(cadence.delaysAfterStep(0).map((d) => d.toFixed(3))).toEqual([(TICK_MS / 4).toFixed(3)]);
    expect(cadence.delaysAfterStep(1).map((d) => d.toFixed(3))).toEqual([((3 * TICK_MS) / 4).toFixed(3)]);
    expect(cadence.delaysAfterStep(2)).toEqual([]);
    expect(cadence.delaysAfterStep(3_000_000).map((d) => d.toFixed(3))).toEqual([(TICK_MS / 4).toFixed(3)]);
  });

  it('keeps the patch rate exactly, evenly spaced, and every patch at least a quarter step from any step', () => {
    const cadence = new PatchCadence(TICK_HZ, DEFAULT_PATCH_INTERVAL_MS, noop, noop);
    const { dueMs, leastGapMs } = timeline(cadence, 30 * 60);
    expect(dueMs).toHaveLength(20 * 60);
    for (let i = 1; i < dueMs.length; i++) expect(dueMs[i]! - dueMs[i - 1]!).toBeCloseTo(DEFAULT_PATCH_INTERVAL_MS, 6);
    expect(leastGapMs).toBeCloseTo(TICK_MS / 4, 6);
  });

  it('any patch rate the server takes (PATCH_HZ 1 to 60): the rate kept, patches as far from steps as the rates allow', () => {
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
    for (let patchHz = 1; patchHz <= 60; patchHz++) {
      const cadence = new PatchCadence(TICK_HZ, 1000 / patchHz, noop, noop);
      const { dueMs, leastGapMs } = timeline(cadence, TICK_HZ * 10);
      expect(dueMs.length, `PATCH_HZ ${patchHz}`).toBe(patchHz * 10);
      // Patches fall on this many distinct phases of a step, evenly spaced: the best is half a space.
      const phases = patchHz / gcd(TICK_HZ, patchHz);
      expect(leastGapMs, `PATCH_HZ ${patchHz}`).toBeCloseTo(TICK_MS / (2 * phases), 6);
    }
  });

  it('picks the phase farthest from the steps: half a step when the rates are equal', () => {
    expect(farthestPhase(TICK_MS, TICK_MS)).toBeCloseTo(TICK_MS / 2, 6);
    expect(farthestPhase(TICK_MS, 50)).toBeCloseTo(TICK_MS / 4, 6);
  });

  it('refuses rates that are not positive', () => {
    expect(() => new PatchCadence(0, 50, noop, noop)).toThrow(/positive/);
    expect(() => new PatchCadence(30, Number.NaN, noop, noop)).toThrow(/positive/);
  });

  it('steps and patches on real timers: steps in order, two patches for three steps, never inside a step, throws go to the room, stop ends both', async () => {
    const events: string[] = [];
    const errors: string[] = [];
    let inStep = false;
    let patchInsideStep = false;
    const failStep = 3;
    const failPatch = 2;
    const cadence = new PatchCadence(TICK_HZ, DEFAULT_PATCH_INTERVAL_MS, () => {
      if (inStep) patchInsideStep = true;
      events.push('patch');
      if (events.filter((e) => e === 'patch').length === failPatch) throw new Error('patch boom');
    }, (e) => errors.push(e.message));
    cadence.start((tick) => {
      inStep = true;
      // The step's own turn ends with it: a patch can only run in a later one.
      queueMicrotask(() => { inStep = false; });
      events.push(`step ${tick}`);
      if (tick === failStep) throw new Error('step boom');
    }, (e) => errors.push(e.message), 5);
    // Nothing runs inside start(): a room calls it from onCreate, before its other parts exist.
    expect(events).toEqual([]);
    await new Promise((r) => setTimeout(r, 20 * TICK_MS));
    cadence.stop();
    const steps = events.filter((e) => e.startsWith('step')).length;
    const patches = events.filter((e) => e === 'patch').length;
    await new Promise((r) => setTimeout(r, 3 * TICK_MS));
    expect(events.filter((e) => e.startsWith('step')).length, 'no step after stop').toBe(steps);
    expect(events.filter((e) => e === 'patch').length, 'no patch after stop').toBe(patches);
    // Steps in order from 0; the first patch after step 0, and two patches for every three steps
    // (overdue patches merged after a stall are counted: a loaded machine may cause one).
    expect(events.filter((e) => e.startsWith('step'))).toEqual(Array.from({ length: steps }, (_, k) => `step ${k}`));
    expect(events[0]).toBe('step 0');
    expect(steps).toBeGreaterThan(4);
    expect(Math.abs(patches + cadence.mergedLatePatches - (steps * 2) / 3)).toBeLessThanOrEqual(1.5);
    expect(patchInsideStep).toBe(false);
    expect(errors).toEqual(expect.arrayContaining(['step boom', 'patch boom']));
  });

  it('after a stall longer than the catch-up limit: that many steps in one wake-up, the rest dropped (no burst after), the timeline restarted at that wake-up', async () => {
    const maxCatchUp = 5;
    const stallSteps = 12;
    const stallAt = 2;
    const after = 6;
    const ranAt: number[] = [];
    // Which wake-up ran each step: steps of one wake-up run in one callback, before its microtasks.
    const wakeOf: number[] = [];
    let wake = 0;
    let inWake = false;
    const cadence = new PatchCadence(TICK_HZ, DEFAULT_PATCH_INTERVAL_MS, noop, noop);
    cadence.start((tick) => {
      if (!inWake) {
        wake++;
        inWake = true;
        queueMicrotask(() => { inWake = false; });
      }
      wakeOf[tick] = wake;
      ranAt[tick] = performance.now();
      // The process held up for a dozen steps.
      if (tick === stallAt) holdEventLoop(stallSteps * TICK_MS);
    }, noop, maxCatchUp);
    // The wake-up after the stall's (a late first wake-up may have run a few steps after the stall's in the stall's own).
    const catchUpStart = () => wakeOf.findIndex((w, k) => k > stallAt && w !== wakeOf[stallAt]);
    try {
      await waitFor('the steps after the stall', () => catchUpStart() > 0 && ranAt.length > catchUpStart() + maxCatchUp + after, { timeoutMs: 5000 });
    } finally {
      cadence.stop();
    }
    const first = catchUpStart();
    const last = first + maxCatchUp - 1;
    // It runs the limit, no more (its backlog is over twice that)…
    expect(wakeOf.filter((w) => w === wakeOf[first]), 'the catch-up steps in one wake-up').toHaveLength(maxCatchUp);
    expect(wakeOf[last + 1], 'the step after them').toBeGreaterThan(wakeOf[last]!);
    // …and drops the rest: from then on one step a step (the one due at that wake-up's time, then
    // the next a step later, and so on; a timer never fires early), never a burst of the backlog.
    expect(ranAt[last + after]! - ranAt[first]!, `ms from the catch-up to the ${after}th step after it`).toBeGreaterThanOrEqual((after - 1) * TICK_MS * 0.9);
  });
});

/** A patch served in `slices` turns (a stand-in for the interest serializer's PatchSlices), logging each part. */
function slicedPatch(log: string[], slices: number): SlicedPatch & { start(): void } {
  let left = 0;
  let patch = 0;
  return {
    get inProgress() { return left > 0; },
    start() {
      patch++;
      left = slices - 1;
      log.push(`patch ${patch}`);
      // Anything the event loop runs between two slices.
      const p = patch;
      setImmediate(() => log.push(`turn ${p}`));
    },
    continue() {
      left--;
      log.push(`slice ${patch}`);
      const p = patch;
      setImmediate(() => log.push(`turn ${p}`));
      return left > 0;
    },
    finishNow() {
      if (left > 0) log.push(`finish ${patch}`);
      left = 0;
    },
  };
}

describe('the patch cadence with patches served over several turns', () => {
  it('serves one slice a turn, holds the room\'s steps until the patch is complete, then runs what waited for it', async () => {
    const log: string[] = [];
    const errors: string[] = [];
    const sliced = slicedPatch(log, 4);
    let patches = 0;
    const cadence = new PatchCadence(TICK_HZ, DEFAULT_PATCH_INTERVAL_MS, () => {
      sliced.start();
      // A leave while the second patch is being served: it waits for the patch's last slice.
      if (++patches === 2) setImmediate(() => cadence.whenPatchDone(() => log.push('waited')));
    }, (e) => errors.push(e.message), sliced);
    cadence.start((tick) => {
      log.push(`step ${tick}`);
      // Between patches it runs at once.
      if (tick === 1) cadence.whenPatchDone(() => log.push('now'));
    }, (e) => errors.push(e.message), 5);
    await new Promise((r) => setTimeout(r, 12 * TICK_MS));
    cadence.stop();
    expect(errors).toEqual([]);
    expect(patches).toBeGreaterThan(3);
    for (let p = 1; p < patches; p++) {
      // A patch's four parts in order, each in a turn of its own (something else ran between), no step in between.
      const own = log.filter((e) => e.endsWith(` ${p}`) && !e.startsWith('step'));
      expect(own, `patch ${p}`).toEqual([`patch ${p}`, `turn ${p}`, `slice ${p}`, `turn ${p}`, `slice ${p}`, `turn ${p}`, `slice ${p}`, `turn ${p}`]);
      const during = log.slice(log.indexOf(`patch ${p}`), log.lastIndexOf(`slice ${p}`));
      expect(during.filter((e) => e.startsWith('step')), `patch ${p}`).toEqual([]);
    }
    expect(log.indexOf('now')).toBe(log.indexOf('step 1') + 1);
    const waited = log.indexOf('waited');
    expect(waited).toBeGreaterThan(log.indexOf('patch 2'));
    expect(log[waited - 1]).toBe('slice 2');
  });

  it('a patch still being served when the next is due is completed first; steps wait; stop completes the last', async () => {
    const log: string[] = [];
    // Never done on its own: only the next patch, or stop, completes it. Patches faster than steps
    // (every 10 ms), so one step has several patches scheduled.
    const sliced = slicedPatch(log, Number.POSITIVE_INFINITY);
    const cadence = new PatchCadence(TICK_HZ, 10, () => sliced.start(), noop, sliced);
    const steps: number[] = [];
    cadence.start((tick) => steps.push(tick), noop, 5);
    await waitFor('a second patch', () => log.includes('patch 2'), { timeoutMs: 2000 });
    expect(log.indexOf('finish 1')).toBe(log.indexOf('patch 2') - 1);
    // Step 1 was due 33 ms after step 0; every patch since was still being served.
    await new Promise((r) => setTimeout(r, 2 * TICK_MS));
    expect(steps).toEqual([0]);
    cadence.whenPatchDone(() => log.push('waited'));
    const last = log.filter((e) => e.startsWith('patch')).length;
    cadence.stop();
    expect(log.slice(-2)).toEqual([`finish ${last}`, 'waited']);
    expect(sliced.inProgress).toBe(false);
    expect(steps).toEqual([0]);
  });
});

describe('a room\'s patches, over a real connection', () => {
  const server = suiteServer();
  const rooms = server.rooms;

  it('a patch that throws is the room\'s contained error: counted, and the next patches reach the client', async () => {
    const client = await createArena(server.endpoint, { name: 'watcher' });
    rooms.push(client);
    const room = matchMaker.getLocalRoomById(client.roomId) as unknown as { sendPatch(): boolean };
    const before = await scrape(server.endpoint);
    const sendPatch = room.sendPatch.bind(room);
    let thrown = 0;
    room.sendPatch = () => {
      if (thrown === 0) {
        thrown++;
        throw new Error('patch failed on purpose');
      }
      return sendPatch();
    };
    await waitFor('the room\'s next patch', () => thrown === 1);
    const tickAfterThrow = client.state.tick;
    await waitFor('patches after the failed one', () => client.state.tick > tickAfterThrow + 3);
    const after = await scrape(server.endpoint);
    expect(metricValue(after, 'game_room_errors_total', { method: 'setTimeout' }) - metricValue(before, 'game_room_errors_total', { method: 'setTimeout' })).toBe(1);
    expect(client.connection.isOpen).toBe(true);
  });
});
