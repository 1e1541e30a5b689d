import { ClientState, type Client } from '@colyseus/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PATCH_HZ, TICK_MS } from '../../../shared/limits.ts';

const PATCH_MS = 1000 / DEFAULT_PATCH_HZ;
import type { NetReport } from '../../../shared/messages.ts';
import { nextRandom } from '../../../shared/rng.ts';
import { InputPacer } from '../../../game-client/net/pacer.ts';
import { RoomNetcode } from '../../../server/netcode/roomNetcode.ts';

/**
 * A client and a server in simulated time: the client's frames run the pacer and send inputs
 * over a jittery one-way path; the server ticks every TICK_MS (one input per tick, Colyseus'
 * catch-up rule after a hitch: at most 5 steps, the rest dropped), reports through the real
 * RoomNetcode after its patches, and the report travels back. Returns how long each input waited in the buffer.
 */
function simulate(opts: { durationMs: number; oneWayMs: number; jitterMs: number; hitchAtMs?: number; hitchMs?: number; withPacer: boolean }) {
  let now = 0;
  let rng = 12345;
  const rand = () => { const r = nextRandom(rng); rng = r.state; return r.value; };
  const pacer = new InputPacer();
  const server = new RoomNetcode(() => now);
  server.join('c');
  const inFlight: Array<{ at: number; sentAt: number }> = [];
  const buffer: Array<{ arrivedAt: number; sentAt: number }> = [];
  const reports: Array<{ at: number; report: NetReport }> = [];
  const client = { sessionId: 'c', state: ClientState.JOINED, send: (_type: string, report: NetReport) => reports.push({ at: now + opts.oneWayMs, report }) } as unknown as Client;
  const waits: Array<{ at: number; waitMs: number }> = [];
  let lastUp = 0;
  let nextFrame = 0;
  let acc = 0;
  let lastTickClock = 0;
  let nextPatch = 0;
  for (now = 0; now <= opts.durationMs; now += 1) {
    if (now >= nextFrame) {
      nextFrame += 1000 / 60;
      const steps = opts.withPacer ? pacer.advance(now) : Math.floor((now - lastUp) / TICK_MS);
      if (!opts.withPacer) lastUp += steps * TICK_MS;
      for (let i = 0; i < steps; i++) {
        const at = Math.max(now + opts.oneWayMs + (rand() * 2 - 1) * opts.jitterMs, inFlight.at(-1)?.at ?? 0);
        inFlight.push({ at, sentAt: now });
      }
    }
    while (inFlight.length > 0 && inFlight[0]!.at <= now) buffer.push({ arrivedAt: now, sentAt: inFlight.shift()!.sentAt });
    while (reports.length > 0 && reports[0]!.at <= now) {
      const { report } = reports.shift()!;
      pacer.onReport(report[2], report[3], now);
    }
    const hitching = opts.hitchAtMs !== undefined && now >= opts.hitchAtMs && now < opts.hitchAtMs + (opts.hitchMs ?? 0);
    if (hitching) continue;
    acc += now - lastTickClock;
    lastTickClock = now;
    let ran = 0;
    while (acc >= TICK_MS && ran < 5) {
      acc -= TICK_MS;
      ran++;
      server.observeDepth('c', buffer.length);
      const input = buffer.shift();
      if (input) waits.push({ at: now, waitMs: now - input.arrivedAt });
    }
    if (ran === 5) acc = 0;
    if (ran > 0 && now >= nextPatch) {
      nextPatch = now + PATCH_MS;
      server.afterPatch([client]);
    }
  }
  const meanWait = (from: number, to: number) => {
    const w = waits.filter((x) => x.at >= from && x.at < to);
    return w.reduce((s, x) => s + x.waitMs, 0) / Math.max(1, w.length);
  };
  return { meanWait, pacer };
}

describe('input pacing with time dilation', () => {
  it('keeps the server input buffer shallow on a jittery path', () => {
    const { meanWait } = simulate({ durationMs: 20_000, oneWayMs: 60, jitterMs: 15, withPacer: true });
    // Target: one or two spare inputs, i.e. waiting one to two ticks.
    expect(meanWait(5000, 20_000)).toBeLessThan(3 * TICK_MS);
  });

  it('recovers input latency within 2 s after a 500 ms server hitch; a fixed-rate client never does', () => {
    const hitch = { durationMs: 14_000, oneWayMs: 60, jitterMs: 15, hitchAtMs: 8000, hitchMs: 500 };
    const ours = simulate({ ...hitch, withPacer: true });
    const fixed = simulate({ ...hitch, withPacer: false });
    const before = ours.meanWait(4000, 8000);
    const end = hitch.hitchAtMs + hitch.hitchMs;
    // Right after the hitch everyone's inputs have piled up...
    expect(ours.meanWait(end, end + 300)).toBeGreaterThan(before + 5 * TICK_MS);
    // ...ours drain back to normal within two seconds...
    expect(ours.meanWait(end + 2000, end + 5000)).toBeLessThan(before + TICK_MS);
    // ...while a client that sends at exactly the tick rate keeps the extra latency for good.
    expect(fixed.meanWait(end + 2000, end + 5000)).toBeGreaterThan(fixed.meanWait(4000, 8000) + 5 * TICK_MS);
  });

  it('holds inputs back once more are unacknowledged than a round trip plus what the server can buffer', () => {
    const pacer = new InputPacer();
    // 100 ms round trip: 3 inputs in flight, plus 14.
    expect(pacer.tooFarAhead(16, 100)).toBe(false);
    expect(pacer.tooFarAhead(17, 100)).toBe(true);
    expect(new InputPacer({ maxAheadInputs: Infinity }).tooFarAhead(1000, 100)).toBe(false);
  });
});
