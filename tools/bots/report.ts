import { LogHistogram } from './stats/histogram.ts';
import { BOT_KINDS, type BotKind, type KindTotals, type ShardTotals } from './types.ts';

/** A shard is called saturated above this event-loop delay p99: its timers, sends and reads run late. */
export const GENERATOR_LAG_LIMIT_MS = 50;
/** ...or above this share of one core. */
export const GENERATOR_CPU_LIMIT_PERCENT = 90;

export interface KindReport {
  bots: number;
  connected: number;
  joined: number;
  downBytesPerClientPerSec: number;
  upBytesPerClientPerSec: number;
  patchesPerClientPerSec: number;
  /** Patches received / patches the announced patch rate promises over the time connected. */
  patchDeliveryRatio: number;
  patchGapMsP99: number;
  rttMsP50: number;
  rttMsP99: number;
  inputsSent: number;
  inputsAcked: number;
  /** Full bots only, when the session reports them (null: not reported by this client version). */
  corrections: number | null;
  bufferUnderruns: number | null;
  /** Full bots only, seen in their rendered frames (experience.ts), per bot per minute. */
  visibleSnapsPerMin: number;
  renderStallsPerMin: number;
  renderRewindsPerMin: number;
}

/** The report of one run. The first block of fields is the stable interface for scripts. */
export interface BotReport {
  connected: number;
  target: number;
  failedJoins: number;
  downBytesPerClientPerSec: number;
  upBytesPerClientPerSec: number;
  rttMsP50: number;
  rttMsP99: number;
  generatorLagMsP99: number;

  failedJoinsByReason: Record<string, number>;
  failedJoinExamples: Record<string, string>;
  peakConnected: number;
  disconnects: number;
  disconnectsByCode: Record<string, number>;
  roomsSeen: number;
  patchesPerClientPerSec: number;
  patchDeliveryRatio: number;
  patchGapMsP99: number;
  generatorCpuPercent: number;
  generatorSaturated: boolean;
  full: KindReport;
  light: KindReport;
  run: {
    url: string;
    room: string;
    behaviour: string;
    join: string;
    rooms: number;
    perRoom: number;
    rampS: number;
    durationS: number;
    workers: number;
    startedAt: string;
    endedAt: string;
    elapsedS: number;
    endedBy: 'duration' | 'interrupted' | 'aborted';
  };
  warnings: string[];
}

const round = (v: number, digits = 2) => (Number.isFinite(v) ? Number(v.toFixed(digits)) : 0);

function mergeKind(parts: KindTotals[]): KindTotals & { rtt: LogHistogram; gaps: LogHistogram } {
  const rtt = new LogHistogram();
  const gaps = new LogHistogram();
  const sumNullable = (values: Array<number | null>) => values.every((v) => v === null) ? null : values.reduce<number>((a, v) => a + (v ?? 0), 0);
  const total = {
    bots: 0, connected: 0, joined: 0, connectedMs: 0, expectedPatches: 0, bytesIn: 0, bytesOut: 0, patches: 0, patchBytes: 0, framesIn: 0, inputsSent: 0, inputsAcked: 0,
    frames: 0, visibleSnaps: 0, renderStalls: 0, renderRewinds: 0,
    corrections: sumNullable(parts.map((p) => p.corrections)),
    bufferUnderruns: sumNullable(parts.map((p) => p.bufferUnderruns)),
    rttMs: rtt.toJSON(), patchGapMs: gaps.toJSON(), rtt, gaps,
  };
  for (const p of parts) {
    for (const key of ['bots', 'connected', 'joined', 'connectedMs', 'expectedPatches', 'bytesIn', 'bytesOut', 'patches', 'patchBytes', 'framesIn', 'inputsSent', 'inputsAcked', 'frames', 'visibleSnaps', 'renderStalls', 'renderRewinds'] as const) total[key] += p[key];
    rtt.merge(p.rttMs);
    gaps.merge(p.patchGapMs);
  }
  total.rttMs = rtt.toJSON();
  total.patchGapMs = gaps.toJSON();
  return total;
}

function kindReport(t: ReturnType<typeof mergeKind>): KindReport {
  const clientSeconds = t.connectedMs / 1000;
  const perClientSec = (v: number) => (clientSeconds > 0 ? v / clientSeconds : 0);
  return {
    bots: t.bots,
    connected: t.connected,
    joined: t.joined,
    downBytesPerClientPerSec: round(perClientSec(t.bytesIn), 1),
    upBytesPerClientPerSec: round(perClientSec(t.bytesOut), 1),
    patchesPerClientPerSec: round(perClientSec(t.patches)),
    patchDeliveryRatio: round(t.expectedPatches > 0 ? t.patches / t.expectedPatches : 0, 3),
    patchGapMsP99: round(t.gaps.percentile(99), 1),
    rttMsP50: round(t.rtt.percentile(50), 1),
    rttMsP99: round(t.rtt.percentile(99), 1),
    inputsSent: t.inputsSent,
    inputsAcked: t.inputsAcked,
    corrections: t.corrections,
    bufferUnderruns: t.bufferUnderruns,
    visibleSnapsPerMin: round(t.frames > 0 ? (t.visibleSnaps / clientSeconds) * 60 : 0),
    renderStallsPerMin: round(t.frames > 0 ? (t.renderStalls / clientSeconds) * 60 : 0),
    renderRewindsPerMin: round(t.frames > 0 ? (t.renderRewinds / clientSeconds) * 60 : 0),
  };
}

/** Merge shard totals into one view (also used live, for the progress line). */
export function mergeTotals(shards: readonly ShardTotals[]) {
  const byKind = Object.fromEntries(BOT_KINDS.map((k) => [k, mergeKind(shards.map((s) => s.byKind[k]))])) as Record<BotKind, ReturnType<typeof mergeKind>>;
  const all = mergeKind(BOT_KINDS.map((k) => byKind[k]));
  const add = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
    return into;
  };
  return {
    byKind,
    all,
    target: shards.reduce((a, s) => a + s.target, 0),
    joinsStarted: shards.reduce((a, s) => a + s.joinsStarted, 0),
    failedJoins: shards.reduce((a, s) => a + s.failedJoins, 0),
    failedJoinsByReason: shards.reduce((a, s) => add(a, s.failedJoinsByReason), {} as Record<string, number>),
    failedJoinExamples: Object.assign({}, ...shards.map((s) => s.failedJoinExamples)) as Record<string, string>,
    disconnects: shards.reduce((a, s) => a + s.disconnects, 0),
    disconnectsByCode: shards.reduce((a, s) => add(a, s.disconnectsByCode), {} as Record<string, number>),
    roomsSeen: new Set(shards.flatMap((s) => s.roomsSeen)).size,
    loopLagMsP99: Math.max(0, ...shards.map((s) => s.loopLagMsP99)),
    cpuPercent: Math.max(0, ...shards.map((s) => s.cpuPercent)),
  };
}

export function buildReport(shards: readonly ShardTotals[], run: BotReport['run'], peakConnected: number): BotReport {
  const m = mergeTotals(shards);
  const all = kindReport(m.all);
  const warnings: string[] = [];
  const saturated = m.loopLagMsP99 > GENERATOR_LAG_LIMIT_MS || m.cpuPercent > GENERATOR_CPU_LIMIT_PERCENT;
  if (saturated) {
    warnings.push(`The bot generator itself was the bottleneck (event-loop delay p99 ${round(m.loopLagMsP99, 1)} ms, CPU ${round(m.cpuPercent, 0)}% of a core): ` +
      'latencies and delivery ratios include its own delay. Use more --workers, fewer full bots (--full), or another machine.');
  }
  if (m.failedJoins > 0) warnings.push(`${m.failedJoins} of ${m.target} joins failed (${Object.entries(m.failedJoinsByReason).map(([k, v]) => `${k}: ${v}`).join(', ')}).`);
  const full = kindReport(m.byKind.full);
  return {
    connected: m.all.connected,
    target: m.target,
    failedJoins: m.failedJoins,
    downBytesPerClientPerSec: all.downBytesPerClientPerSec,
    upBytesPerClientPerSec: all.upBytesPerClientPerSec,
    rttMsP50: all.rttMsP50,
    rttMsP99: all.rttMsP99,
    generatorLagMsP99: round(m.loopLagMsP99, 1),
    failedJoinsByReason: m.failedJoinsByReason,
    failedJoinExamples: m.failedJoinExamples,
    peakConnected,
    disconnects: m.disconnects,
    disconnectsByCode: m.disconnectsByCode,
    roomsSeen: m.roomsSeen,
    patchesPerClientPerSec: all.patchesPerClientPerSec,
    patchDeliveryRatio: all.patchDeliveryRatio,
    patchGapMsP99: all.patchGapMsP99,
    generatorCpuPercent: round(m.cpuPercent, 0),
    generatorSaturated: saturated,
    full,
    light: kindReport(m.byKind.light),
    run,
    warnings,
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB/s`;
const orDash = (v: number | null) => (v === null ? 'n/a' : String(v));

/**
 * The report as a small text table for people. A kind of bot the run did not have gets no
 * column (a column of zeros for light bots when there were none reads as light bots that got
 * nothing), and "all" is shown only next to two kinds.
 */
export function formatReport(r: BotReport): string {
  const table: string[][] = [
    ['', 'all', 'full', 'light'],
    ['bots (connected / target)', `${r.connected} / ${r.target}`, `${r.full.connected} / ${r.full.bots}`, `${r.light.connected} / ${r.light.bots}`],
    ['down per client', kb(r.downBytesPerClientPerSec), kb(r.full.downBytesPerClientPerSec), kb(r.light.downBytesPerClientPerSec)],
    ['up per client', kb(r.upBytesPerClientPerSec), kb(r.full.upBytesPerClientPerSec), kb(r.light.upBytesPerClientPerSec)],
    ['RTT p50 / p99', `${r.rttMsP50} / ${r.rttMsP99} ms`, `${r.full.rttMsP50} / ${r.full.rttMsP99} ms`, `${r.light.rttMsP50} / ${r.light.rttMsP99} ms`],
    ['patches per client per s', String(r.patchesPerClientPerSec), String(r.full.patchesPerClientPerSec), String(r.light.patchesPerClientPerSec)],
    ['patch delivery', String(r.patchDeliveryRatio), String(r.full.patchDeliveryRatio), String(r.light.patchDeliveryRatio)],
    ['patch gap p99', `${r.patchGapMsP99} ms`, `${r.full.patchGapMsP99} ms`, `${r.light.patchGapMsP99} ms`],
    ['corrections / underruns', '', `${orDash(r.full.corrections)} / ${orDash(r.full.bufferUnderruns)}`, '(no state)'],
    ['snaps / stalls / rewinds per min', '', `${r.full.visibleSnapsPerMin} / ${r.full.renderStallsPerMin} / ${r.full.renderRewindsPerMin}`, '(no state)'],
  ];
  const full = r.full.bots > 0;
  const light = r.light.bots > 0;
  // The label, then "all" only when both kinds ran (otherwise it repeats the one kind's column).
  const columns = full && light ? [0, 1, 2, 3] : full ? [0, 2] : light ? [0, 3] : [0, 1];
  const rows = table.map((row) => columns.map((c) => row[c]!));
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: readonly string[]) => row.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  const out = [
    `Bots: ${r.run.url} room "${r.run.room}", ${r.run.behaviour}, ${r.run.rooms} × ${r.run.perRoom}, ${r.run.elapsedS} s (${r.run.endedBy}), ${r.run.workers} worker(s)`,
    ...rows.map(line),
    `failed joins: ${r.failedJoins}${r.failedJoins ? ` (${Object.entries(r.failedJoinsByReason).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}` +
      `   disconnects: ${r.disconnects}${r.disconnects ? ` (${Object.entries(r.disconnectsByCode).map(([k, v]) => `code ${k}: ${v}`).join(', ')})` : ''}` +
      `   rooms: ${r.roomsSeen}   peak connected: ${r.peakConnected}`,
    `generator: event-loop delay p99 ${r.generatorLagMsP99} ms, CPU ${r.generatorCpuPercent}% of a core${r.generatorSaturated ? '  << SATURATED' : ''}`,
    ...r.warnings.map((w) => `warning: ${w}`),
  ];
  return out.join('\n');
}
