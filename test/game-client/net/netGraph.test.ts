import { describe, expect, it } from 'vitest';
import { summarizeCorrections } from '../../../game-client/net/corrections.ts';
import { ARENA_NET_GRAPH, NetGraphModel } from '../../../game-client/net/netGraph.ts';
import type { NetStats } from '../../../game-client/net/netStats.ts';
import type { Correction } from '../../../game-client/net/prediction.ts';

function stats(corrections: readonly Correction[], nowMs: number): NetStats {
  const c = summarizeCorrections(corrections, nowMs);
  return {
    pingMs: 40, inputsSent: 100, inputsAcked: 98, rttMs: 40, rttVarMs: 3, jitterMs: 2, clockOffsetMs: 5,
    interpDelayMs: 90, interpTargetMs: 90, interpBufferMs: 40, underruns: 0, inputSpare: 1, inputLate: 0, inputRate: 1,
    inputLatencyMs: 70, corrections: corrections.length, correctionsPerSec: c.perSec, lastCorrectionPx: c.lastPx,
    maxCorrectionPx: c.maxPx, correctionJumps: c.jumps, kbpsDown: 10, kbpsUp: 2, bytesDown: 0, bytesUp: 0, netsim: undefined,
  };
}

const correction = (atMs: number, sizePx: number, snapped = sizePx > 72): Correction => ({ atMs, sizePx, snapped, ackedSeq: 0 });

describe('net graph text', () => {
  it('never prints a last correction larger than the max: both come from the same window, respawn jumps apart', () => {
    const graph = new NetGraphModel(ARENA_NET_GRAPH);
    // A respawn a while ago, nothing since: the "last 1631.2 px, max 0.0 px".
    graph.sample(stats([correction(1000, 1631.2)], 30_000), 30_000);
    expect(graph.lines()[3]).toContain('last 0.0 px · max 0.0 px');
    // A respawn in the window is a jump, not a 1,600 px error; the small ones are the corrections.
    const recent = [correction(20_000, 2), correction(21_000, 5), correction(22_000, 1631.2), correction(23_000, 3)];
    const s = stats(recent, 24_000);
    expect(s.lastCorrectionPx).toBeLessThanOrEqual(s.maxCorrectionPx);
    graph.sample(s, 24_000);
    expect(graph.lines()[3]).toBe('corrections 0.4/s · last 3.0 px · max 5.0 px · respawn jumps 1 · total 4');
  });
});
