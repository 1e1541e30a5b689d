import { availableParallelism } from 'node:os';
import { DEFAULT_PATCH_HZ } from '../../shared/limits.ts';
import type { BehaviourName } from './behaviour.ts';
import { buildReport, mergeTotals, type BotReport } from './report.ts';
import { ForkedShardHost, LocalShardHost, type ShardHost } from './shardHost.ts';
import type { BotKind, JoinMode, ShardSpec, ShardTotals } from './types.ts';

export interface RunOptions {
  /** Server base URL (ws:// or http://). */
  url: string;
  /** Room type name. */
  room: string;
  rooms: number;
  perRoom: number;
  /** Bots in all (default rooms × perRoom); rooms fill to perRoom in turn, the last one may be partial. */
  total?: number;
  durationS: number;
  /** Joins are spread evenly over this many seconds from the start. */
  rampS: number;
  behaviour: BehaviourName;
  /** `code`: one bot per room creates it (private, sized perRoom) and the rest join by code. `quick`: everyone quick-plays. */
  join: JoinMode;
  /** How many of the bots are full (the rest are light). */
  full: number;
  /** Worker processes; 1 runs the bots in this process. */
  workers: number | 'auto';
  seed: number;
  joinTimeoutMs: number;
  maxConcurrentJoins: number;
  /** Link module for servers other than the arena (benchmarks). */
  linkModule?: string;
  linkExtra?: Record<string, unknown>;
  /** Patches per second to expect when the server does not announce its rate. */
  patchHz?: number;
}

export const RUN_DEFAULTS = {
  room: 'arena',
  rooms: 10,
  perRoom: 16,
  durationS: 60,
  rampS: 0,
  behaviour: 'wander',
  join: 'code',
  workers: 'auto',
  seed: 1,
  joinTimeoutMs: 15_000,
  maxConcurrentJoins: 32,
} as const satisfies Partial<RunOptions>;

/** One worker handles about this much: a full bot costs 1, a light bot 0.1 (one decodes state, the other counts bytes). */
const WORKER_CAPACITY_UNITS = 150;
const LIGHT_BOT_UNITS = 0.1;

export function autoWorkers(full: number, light: number, cores = availableParallelism()): number {
  const units = full + light * LIGHT_BOT_UNITS;
  return Math.max(1, Math.min(cores, Math.ceil(units / WORKER_CAPACITY_UNITS)));
}

/** Which bots are full: spread evenly through the run (and so through the rooms). */
export function kindOf(index: number, total: number, full: number): BotKind {
  return Math.floor(((index + 1) * full) / total) > Math.floor((index * full) / total) ? 'full' : 'light';
}

/** Split the run into shards: whole rooms per shard, so room creators and joiners share a process. */
export function planShards(o: RunOptions): ShardSpec[] {
  const total = Math.min(o.total ?? o.rooms * o.perRoom, o.rooms * o.perRoom);
  const rooms = Math.ceil(total / o.perRoom);
  const full = Math.max(0, Math.min(total, o.full));
  const workers = o.workers === 'auto' ? autoWorkers(full, total - full) : Math.max(1, Math.min(o.workers, total));
  const specs: ShardSpec[] = Array.from({ length: workers }, (_, shard) => ({
    shard,
    target: { url: o.url, roomName: o.room, extra: o.linkExtra },
    linkModule: o.linkModule,
    behaviour: o.behaviour,
    join: o.join,
    perRoom: o.perRoom,
    seed: o.seed,
    bots: [],
    maxConcurrentJoins: Math.max(1, Math.ceil(o.maxConcurrentJoins / workers)),
    joinTimeoutMs: o.joinTimeoutMs,
    defaultPatchHz: o.patchHz ?? DEFAULT_PATCH_HZ,
  }));
  for (let index = 0; index < total; index++) {
    const roomIndex = Math.floor(index / o.perRoom);
    // Joins go round-robin over the rooms, so every room grows during a ramp, not one after another.
    const order = (index % o.perRoom) * rooms + roomIndex;
    const shard = o.join === 'code' ? roomIndex % workers : index % workers;
    // Full bots are spread evenly through the rooms.
    specs[shard]!.bots.push({ index, roomIndex, kind: kindOf(index, total, full), joinAtMs: total > 1 ? (o.rampS * 1000 * order) / total : 0 });
  }
  return specs.filter((spec) => spec.bots.length > 0);
}

/** What the progress line shows. */
export interface Progress {
  elapsedS: number;
  connected: number;
  target: number;
  joinsPerSec: number;
  errors: number;
  downKbps: number;
  upKbps: number;
  rttMsP50: number;
  generatorLagMsP99: number;
}

export interface RunHooks {
  /** Aborting ends the run early, with a report (Ctrl-C in the CLI). */
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
}

/**
 * A bot run you can steer: start, mark a measurement window, read totals, stop. `runBots` is
 * the plain start-wait-stop; benchmarks use the steps.
 */
export class BotRun {
  readonly specs: ShardSpec[];
  private readonly hosts: ShardHost[];
  private readonly latest = new Map<number, ShardTotals>();
  private startedAt = new Date();
  private startedAtMs = 0;
  private peakConnected = 0;
  private previous: { atMs: number; joined: number; bytesIn: number; bytesOut: number } | undefined;

  constructor(readonly options: RunOptions, private readonly onProgress?: (p: Progress) => void) {
    this.specs = planShards(options);
    this.hosts = this.specs.map((spec) => (this.specs.length === 1 ? new LocalShardHost(spec) : new ForkedShardHost(spec)));
  }

  get workers(): number {
    return this.specs.length;
  }

  async start(): Promise<void> {
    this.startedAt = new Date();
    this.startedAtMs = performance.now();
    await Promise.all(this.hosts.map((host) => host.start((t) => this.progress(t))));
  }

  mark(): void {
    for (const host of this.hosts) host.mark();
  }

  async totals(sinceMark: boolean): Promise<ShardTotals[]> {
    return Promise.all(this.hosts.map((host) => host.totals(sinceMark)));
  }

  async stop(endedBy: BotReport['run']['endedBy']): Promise<BotReport> {
    const results = await Promise.all(this.hosts.map((host) => host.stop()));
    const o = this.options;
    const merged = mergeTotals(results);
    this.peakConnected = Math.max(this.peakConnected, merged.all.connected);
    return buildReport(results, {
      url: o.url, room: o.room, behaviour: o.behaviour, join: o.join, rooms: o.rooms, perRoom: o.perRoom,
      rampS: o.rampS, durationS: o.durationS, workers: this.workers,
      startedAt: this.startedAt.toISOString(), endedAt: new Date().toISOString(),
      elapsedS: Number(((performance.now() - this.startedAtMs) / 1000).toFixed(1)), endedBy,
    }, this.peakConnected);
  }

  private progress(totals: ShardTotals): void {
    this.latest.set(totals.shard, totals);
    // One line per round: emit when the first shard reports (the others' latest are at most a second old).
    if (totals.shard !== this.specs[0]!.shard) return;
    const m = mergeTotals([...this.latest.values()]);
    this.peakConnected = Math.max(this.peakConnected, m.all.connected);
    const now = performance.now();
    const prev = this.previous;
    this.previous = { atMs: now, joined: m.all.joined, bytesIn: m.all.bytesIn, bytesOut: m.all.bytesOut };
    if (!this.onProgress) return;
    const dt = prev ? (now - prev.atMs) / 1000 : (now - this.startedAtMs) / 1000;
    const rate = (v: number, before = 0) => (dt > 0 ? Math.max(0, v - before) / dt : 0);
    this.onProgress({
      elapsedS: (now - this.startedAtMs) / 1000,
      connected: m.all.connected,
      target: this.specs.reduce((n, spec) => n + spec.bots.length, 0),
      joinsPerSec: rate(m.all.joined, prev?.joined),
      errors: m.failedJoins + m.disconnects,
      downKbps: (rate(m.all.bytesIn, prev?.bytesIn) * 8) / 1000,
      upKbps: (rate(m.all.bytesOut, prev?.bytesOut) * 8) / 1000,
      rttMsP50: m.all.rtt.percentile(50),
      generatorLagMsP99: m.loopLagMsP99,
    });
  }
}

/** Run bots for `durationS` (or until aborted) and return the report. */
export async function runBots(options: RunOptions, hooks: RunHooks = {}): Promise<BotReport> {
  const run = new BotRun(options, hooks.onProgress);
  await run.start();
  const endedBy = await new Promise<'duration' | 'aborted'>((resolve) => {
    const timer = setTimeout(() => { hooks.signal?.removeEventListener('abort', onAbort); resolve('duration'); }, options.durationS * 1000);
    const onAbort = () => { clearTimeout(timer); resolve('aborted'); };
    if (hooks.signal?.aborted) onAbort();
    else hooks.signal?.addEventListener('abort', onAbort, { once: true });
  });
  return run.stop(endedBy === 'aborted' && hooks.signal?.reason === 'SIGINT' ? 'interrupted' : endedBy);
}
