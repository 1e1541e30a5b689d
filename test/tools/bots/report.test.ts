import { describe, expect, it } from 'vitest';
import { buildReport, formatReport } from '../../../tools/bots/report.ts';
import { BOT_KINDS, type KindTotals, type ShardTotals } from '../../../tools/bots/types.ts';
import { LogHistogram } from '../../../tools/bots/stats/histogram.ts';

function kind(bots: number): KindTotals {
  const rtt = new LogHistogram();
  const gaps = new LogHistogram();
  for (let i = 0; i < bots * 10; i++) { rtt.record(2 + i % 3); gaps.record(50); }
  return {
    bots, connected: bots, joined: bots, connectedMs: bots * 10_000, expectedPatches: bots * 200, bytesIn: bots * 20_000, bytesOut: bots * 2000,
    patches: bots * 198, patchBytes: bots * 18_000, framesIn: bots * 210, inputsSent: bots * 300, inputsAcked: bots * 299, frames: bots * 300, visibleSnaps: 0, renderStalls: 0, renderRewinds: 0,
    corrections: bots > 0 ? 3 : null, bufferUnderruns: bots > 0 ? 1 : null, rttMs: rtt.toJSON(), patchGapMs: gaps.toJSON(),
  };
}

function shard(full: number, light: number): ShardTotals {
  const byKind = Object.fromEntries(BOT_KINDS.map((k) => [k, kind(k === 'full' ? full : light)])) as ShardTotals['byKind'];
  return { shard: 0, byKind, target: full + light, joinsStarted: full + light, failedJoins: 0, failedJoinsByReason: {}, failedJoinExamples: {}, disconnects: 0, disconnectsByCode: {}, roomsSeen: ['A'], loopLagMsP99: 3, loopLagMsMax: 5, cpuPercent: 10, elapsedMs: 10_000 };
}

const run = { url: 'ws://x', room: 'arena', behaviour: 'wander', join: 'quick', rooms: 1, perRoom: 4, rampS: 0, durationS: 10, workers: 1, startedAt: '', endedAt: '', elapsedS: 10, endedBy: 'duration' as const };

describe('bot report table', () => {
  it('has no column for a kind of bot the run did not have, and "all" only next to two kinds', () => {
    const fullOnly = formatReport(buildReport([shard(4, 0)], run, 4)).split('\n')[1]!;
    expect(fullOnly.trim().split(/\s{2,}/)).toEqual(['full']);
    const lightOnly = formatReport(buildReport([shard(0, 4)], run, 4));
    expect(lightOnly.split('\n')[1]!.trim().split(/\s{2,}/)).toEqual(['light']);
    expect(lightOnly).not.toMatch(/0 \/ 0\b/);
    const both = formatReport(buildReport([shard(2, 2)], run, 4)).split('\n')[1]!;
    expect(both.trim().split(/\s{2,}/)).toEqual(['all', 'full', 'light']);
  });
});
