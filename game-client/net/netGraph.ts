import { TICK_MS } from '../../shared/limits.ts';
import type { ConnectionStats } from './connectionStats.ts';
import type { NetStats } from './netStats.ts';
import type { ReplicaStats } from './replicaSession.ts';

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

/** What a net graph shows of one session's stats: the rolling series, the corrections count and the text. */
export interface NetGraphSource<S> {
  readonly series: ReadonlyArray<{ label: string; colour: number; read(stats: S): number }>;
  /** Corrections so far (each sample's bar counts the new ones). */
  corrections(stats: S): number;
  /** Text lines; items within a line are joined by ITEM_SEPARATOR. */
  lines(stats: S): string[];
}

const ms = (v: number) => `${Math.round(v)} ms`;
const RTT_SERIES = { label: 'RTT', colour: 0x58a6ff, read: (s: ConnectionStats) => s.rttMs };
const INPUT_LATENCY_SERIES = { label: 'input latency', colour: 0xbc8cff, read: (s: ConnectionStats) => s.inputLatencyMs };

/** The lines every session has: the round trip and clock, the input clock, the bandwidth. */
function roundTripLine(s: ConnectionStats): string {
  return [`RTT ${ms(s.rttMs)} ± ${ms(s.rttVarMs)}`, `jitter ${ms(s.jitterMs)}`, `clock offset ${ms(s.clockOffsetMs)}`].join(ITEM_SEPARATOR);
}
function inputItems(s: ConnectionStats): string[] {
  const spare = s.inputSpare === undefined ? '…' : String(s.inputSpare);
  return [`input spare ${spare}`, `late ${s.inputLate}`, `clock ×${s.inputRate.toFixed(2)}`, `input→ack ${ms(s.inputLatencyMs)}`];
}
function bandwidthLine(s: ConnectionStats): string {
  return [`down ${s.kbpsDown.toFixed(1)} kbps`, `up ${s.kbpsUp.toFixed(1)} kbps`, ...(s.netsim ? [`netsim: ${s.netsim}`] : [])].join(ITEM_SEPARATOR);
}

/** The arena session (`ArenaSession.stats()`): remote players drawn from a playout buffer. */
export const ARENA_NET_GRAPH: NetGraphSource<NetStats> = {
  series: [
    RTT_SERIES,
    { label: 'interp delay', colour: 0x3fb950, read: (s) => s.interpDelayMs },
    { label: 'snapshot buffer', colour: 0xd29922, read: (s) => Math.max(0, s.interpBufferMs) },
    INPUT_LATENCY_SERIES,
  ],
  corrections: (s) => s.corrections,
  lines: (s) => [
    roundTripLine(s),
    [`interp delay ${ms(s.interpDelayMs)} → ${ms(s.interpTargetMs)}`, `buffer ${ms(s.interpBufferMs)}`, `underruns ${s.underruns}`].join(ITEM_SEPARATOR),
    inputItems(s).join(ITEM_SEPARATOR),
    [`corrections ${s.correctionsPerSec.toFixed(1)}/s`, `last ${s.lastCorrectionPx.toFixed(1)} px`, `max ${s.maxCorrectionPx.toFixed(1)} px`,
      `respawn jumps ${s.correctionJumps}`, `total ${s.corrections}`].join(ITEM_SEPARATOR),
    bandwidthLine(s),
  ],
};

/** A replica session (`ReplicaSession.stats()`, any game definition): everything predicted, nothing buffered. */
export const REPLICA_NET_GRAPH: NetGraphSource<ReplicaStats> = {
  series: [
    RTT_SERIES,
    { label: 'predicted ahead', colour: 0x3fb950, read: (s) => s.unacknowledged * TICK_MS },
    { label: 'jitter', colour: 0xd29922, read: (s) => s.jitterMs },
    INPUT_LATENCY_SERIES,
  ],
  corrections: (s) => s.ownCorrections,
  lines: (s) => [
    roundTripLine(s),
    [...inputItems(s), `predicted ahead ${s.unacknowledged} inputs`].join(ITEM_SEPARATOR),
    [`corrections ${s.ownCorrections}`, `last ${s.lastOwnCorrectionPx.toFixed(1)} px`, `max ${s.maxCorrectionPx.toFixed(1)} px`].join(ITEM_SEPARATOR),
    bandwidthLine(s),
  ],
};

/**
 * What the in-game net graph shows, as plain data (no Phaser, no DOM): text lines from a
 * session's `stats()` and rolling series sampled every 100 ms, as its source says (the arena
 * session's or any replica session's). Scenes draw it; tests and bots can read it.
 */
export class NetGraphModel<S> {
  readonly series: GraphSeries[];
  private lastSampleMs = -Infinity;
  private lastStats: S | undefined;
  private lastCorrections = 0;
  /** Corrections seen per sample (bars under the graph). */
  readonly correctionMarks: number[] = [];

  constructor(private readonly source: NetGraphSource<S>, readonly capacity = 150) {
    this.series = source.series.map((s) => ({ label: s.label, colour: s.colour, values: [] }));
  }

  /** Feed the latest stats (call every frame; samples at 10 Hz). */
  sample(stats: S, nowMs: number): void {
    this.lastStats = stats;
    if (nowMs - this.lastSampleMs < SAMPLE_EVERY_MS) return;
    this.lastSampleMs = nowMs;
    this.source.series.forEach((s, i) => push(this.series[i]!.values, s.read(stats), this.capacity));
    const corrections = this.source.corrections(stats);
    push(this.correctionMarks, corrections - this.lastCorrections, this.capacity);
    this.lastCorrections = corrections;
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
    return this.source.lines(s);
  }
}

function push(values: number[], v: number, capacity: number): void {
  values.push(Number.isFinite(v) ? v : 0);
  if (values.length > capacity) values.shift();
}
