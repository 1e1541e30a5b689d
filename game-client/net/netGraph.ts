import type { NetStats } from './netStats.ts';

/** One rolling series of the net graph. */
export interface GraphSeries {
  label: string;
  /** Colour as 0xRRGGBB (a hint for whatever draws it). */
  colour: number;
  /** Oldest first. */
  values: number[];
}

const SAMPLE_EVERY_MS = 100;
/** Between the items of a line of `lines()`. */
export const ITEM_SEPARATOR = ' · ';

/**
 * What the in-game net graph shows, as plain data (no Phaser, no DOM): text lines from the
 * session's `stats()` and rolling series sampled every 100 ms. Scenes draw it; tests and bots
 * can read it.
 */
export class NetGraphModel {
  readonly series: GraphSeries[] = [
    { label: 'RTT', colour: 0x58a6ff, values: [] },
    { label: 'interp delay', colour: 0x3fb950, values: [] },
    { label: 'snapshot buffer', colour: 0xd29922, values: [] },
    { label: 'input latency', colour: 0xbc8cff, values: [] },
  ];
  private lastSampleMs = -Infinity;
  private lastStats: NetStats | undefined;
  private lastCorrections = 0;
  /** Corrections seen per sample (bars under the graph). */
  readonly correctionMarks: number[] = [];

  constructor(readonly capacity = 150) {}

  /** Feed the latest stats (call every frame; samples at 10 Hz). */
  sample(stats: NetStats, nowMs: number): void {
    this.lastStats = stats;
    if (nowMs - this.lastSampleMs < SAMPLE_EVERY_MS) return;
    this.lastSampleMs = nowMs;
    const values = [stats.rttMs, stats.interpDelayMs, Math.max(0, stats.interpBufferMs), stats.inputLatencyMs];
    values.forEach((v, i) => push(this.series[i]!.values, v, this.capacity));
    push(this.correctionMarks, stats.corrections - this.lastCorrections, this.capacity);
    this.lastCorrections = stats.corrections;
  }

  /** Largest value any series holds, rounded up to a readable scale (ms). */
  scaleMs(): number {
    let max = 100;
    for (const s of this.series) for (const v of s.values) if (v > max) max = v;
    return Math.ceil(max / 100) * 100;
  }

  /** Text lines; items within a line are joined by ` · ` (a narrow panel wraps between them). */
  lines(): string[] {
    const s = this.lastStats;
    if (s === undefined) return ['net graph: waiting for the connection'];
    const ms = (v: number) => `${Math.round(v)} ms`;
    const spare = s.inputSpare === undefined ? '…' : String(s.inputSpare);
    return [
      [`RTT ${ms(s.rttMs)} ± ${ms(s.rttVarMs)}`, `jitter ${ms(s.jitterMs)}`, `clock offset ${ms(s.clockOffsetMs)}`].join(ITEM_SEPARATOR),
      [`interp delay ${ms(s.interpDelayMs)} → ${ms(s.interpTargetMs)}`, `buffer ${ms(s.interpBufferMs)}`, `underruns ${s.underruns}`].join(ITEM_SEPARATOR),
      [`input spare ${spare}`, `late ${s.inputLate}`, `clock ×${s.inputRate.toFixed(2)}`, `input→ack ${ms(s.inputLatencyMs)}`].join(ITEM_SEPARATOR),
      [`corrections ${s.correctionsPerSec.toFixed(1)}/s`, `last ${s.lastCorrectionPx.toFixed(1)} px`, `max ${s.maxCorrectionPx.toFixed(1)} px`,
        `respawn jumps ${s.correctionJumps}`, `total ${s.corrections}`].join(ITEM_SEPARATOR),
      [`down ${s.kbpsDown.toFixed(1)} kbps`, `up ${s.kbpsUp.toFixed(1)} kbps`, ...(s.netsim ? [`netsim: ${s.netsim}`] : [])].join(ITEM_SEPARATOR),
    ];
  }
}

function push(values: number[], v: number, capacity: number): void {
  values.push(Number.isFinite(v) ? v : 0);
  if (values.length > capacity) values.shift();
}
