import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { TICK_MS } from '../../shared/limits.ts';
import type { JoinRoute } from '../../game-client/net/lobby.ts';
import { roleFor } from './behaviour.ts';
import { joinFailureReason, NoRoomError, withTimeout } from './failures.ts';
import { LogHistogram } from './stats/histogram.ts';
import { BOT_KINDS, type BotKind, type BotLink, type KindTotals, type LinkFactory, type LinkSnapshot, type Recorder, type ShardSpec, type ShardTotals } from './types.ts';

/** How often the shard wakes to start due joins and send due inputs. */
export const DRIVER_INTERVAL_MS = 5;
/**
 * Each wake updates one of this many groups of bots, so each bot is looked at about once per
 * tick (7 × 5 ms ≈ 35 ms) rather than 200 times a second, and sends are spread over the tick.
 */
const DRIVER_GROUPS = Math.max(1, Math.floor(TICK_MS / DRIVER_INTERVAL_MS));
/** How often each bot's latest ping is sampled into the RTT histogram (sessions ping every 2 s). */
export const RTT_SAMPLE_INTERVAL_MS = 2000;
/** Longest a stop waits for bots to leave and in-flight joins to settle. */
export const STOP_GRACE_MS = 5000;
/** Creators tried per room before its followers give up. */
const MAX_CREATORS_PER_ROOM = 3;

interface Bot {
  index: number;
  roomIndex: number;
  kind: BotKind;
  joinAtMs: number;
  state: 'pending' | 'joining' | 'live' | 'failed' | 'closed';
  link?: BotLink;
  joinedAtMs?: number;
  closedAtMs?: number;
  /** Counters frozen when the bot's connection ended. */
  final?: LinkSnapshot;
  /** Counters when the benchmark window was marked. */
  baseline?: LinkSnapshot;
  /** 0 for the bots the run started with; n for a bot's n-th return after its matches ended. */
  generation: number;
}

/** A bot whose match ended (timed matches, MATCH_DURATION_S) joins a new room after this pause. */
const REJOIN_DELAY_MS = 250;

interface RoomSlot {
  code?: string;
  creating?: Promise<string | undefined>;
  creators: number;
}

/** Two histograms fed together: the whole run, and the window since `mark()`. */
class RunAndWindow implements Recorder {
  readonly run = new LogHistogram();
  readonly window = new LogHistogram();
  record(value: number): void {
    this.run.record(value);
    this.window.record(value);
  }
}

const ZERO: LinkSnapshot = {
  traffic: { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0, patches: 0, patchBytes: 0 },
  inputsSent: 0, inputsAcked: 0, pingMs: undefined, patchIntervalMs: undefined,
};

/**
 * A set of bots run by one event loop: joins them on schedule (bounded concurrency, bounded
 * time), drives their inputs, samples what they experience and, on stop, freezes the counters
 * and has every bot leave. The coordinator runs one in-process or one per worker process.
 */
export class Shard {
  private readonly bots: Bot[];
  private readonly slots = new Map<number, RoomSlot>();
  private readonly rtt: Record<BotKind, RunAndWindow> = { full: new RunAndWindow(), light: new RunAndWindow() };
  private readonly patchGaps: Record<BotKind, RunAndWindow> = { full: new RunAndWindow(), light: new RunAndWindow() };
  private readonly failures = new Map<string, number>();
  private readonly failureExamples = new Map<string, string>();
  private readonly disconnectCodes = new Map<string, number>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private driver: ReturnType<typeof setInterval> | undefined;
  private progressTimer: ReturnType<typeof setInterval> | undefined;
  private startedAtMs = 0;
  private markAtMs = 0;
  private lastRttSampleMs = 0;
  private joinsStarted = 0;
  private driverRound = 0;
  private nextPending = 0;
  private stopping = false;
  private runLag: IntervalHistogram | undefined;
  /** From when every join has settled: joins are bursts of HTTP and handshakes, not the steady load. */
  private steadyLag: IntervalHistogram | undefined;
  private windowLag: IntervalHistogram | undefined;
  private cpuAtStart = process.cpuUsage();
  private cpuAtMark = process.cpuUsage();

  /** Room indexes the run started with: a returning bot's room index is shifted by this per generation. */
  private readonly roomStride: number;
  private nextIndex: number;

  constructor(private readonly spec: ShardSpec, private readonly factory: LinkFactory) {
    this.bots = spec.bots
      .map((b) => ({ ...b, state: 'pending' as const, generation: 0 }))
      .sort((a, b) => a.joinAtMs - b.joinAtMs || a.index - b.index);
    this.roomStride = Math.max(1, ...spec.bots.map((b) => b.roomIndex + 1));
    this.nextIndex = Math.max(0, ...spec.bots.map((b) => b.index + 1));
  }

  /** Begin joining; `onProgress` gets cumulative totals every `progressMs`. */
  start(onProgress?: (totals: ShardTotals) => void, progressMs = 1000): void {
    this.startedAtMs = performance.now();
    this.markAtMs = this.startedAtMs;
    this.lastRttSampleMs = this.startedAtMs;
    this.cpuAtStart = process.cpuUsage();
    this.cpuAtMark = this.cpuAtStart;
    this.runLag = monitorEventLoopDelay({ resolution: 10 });
    this.windowLag = monitorEventLoopDelay({ resolution: 10 });
    this.runLag.enable();
    this.windowLag.enable();
    this.driver = setInterval(() => this.drive(), DRIVER_INTERVAL_MS);
    if (onProgress) this.progressTimer = setInterval(() => onProgress(this.totals(false)), progressMs);
  }

  /** Start a measurement window: `totals(true)` then counts only what happens from now on. */
  mark(): void {
    this.markAtMs = performance.now();
    this.cpuAtMark = process.cpuUsage();
    this.windowLag?.reset();
    for (const kind of BOT_KINDS) {
      this.rtt[kind].window.reset();
      this.patchGaps[kind].window.reset();
    }
    for (const bot of this.bots) if (bot.state === 'live' && bot.link) bot.baseline = bot.link.snapshot();
  }

  /** Stop sending, freeze the counters, have every bot leave (bounded), and return the totals. */
  async stop(): Promise<ShardTotals> {
    if (this.stopping) return this.totals(false);
    this.stopping = true;
    clearInterval(this.driver);
    clearInterval(this.progressTimer);
    const now = performance.now();
    for (const bot of this.bots) {
      if (bot.state !== 'live' || !bot.link) continue;
      bot.final = bot.link.snapshot();
      bot.closedAtMs = now;
    }
    const result = this.totals(false, now);
    const leaving = this.bots.filter((b) => b.state === 'live' && b.link).map((b) => b.link!.leave().catch(() => undefined));
    await settleWithin([...leaving, ...this.inFlight], STOP_GRACE_MS);
    this.runLag?.disable();
    this.steadyLag?.disable();
    this.windowLag?.disable();
    return result;
  }

  totals(sinceMark: boolean, nowMs = performance.now()): ShardTotals {
    const from = sinceMark ? this.markAtMs : this.startedAtMs;
    const byKind = { full: emptyKind(), light: emptyKind() } as Record<BotKind, KindTotals>;
    const rooms = new Set<string>();
    for (const bot of this.bots) {
      const k = byKind[bot.kind];
      // A bot that came back after its match ended is the same bot: counted once, its traffic added.
      if (bot.generation === 0) k.bots++;
      if (bot.state === 'live') k.connected++;
      if (bot.joinedAtMs === undefined || !bot.link) continue;
      if (bot.generation === 0) k.joined++;
      rooms.add(bot.link.code);
      const now = bot.state === 'live' && !this.stopping ? bot.link.snapshot() : bot.final ?? bot.link.snapshot();
      const base = sinceMark ? bot.baseline ?? ZERO : ZERO;
      const end = bot.closedAtMs ?? nowMs;
      const connectedMs = Math.max(0, end - Math.max(bot.joinedAtMs, from));
      if (sinceMark && bot.baseline === undefined && bot.joinedAtMs < from) continue; // left before the mark
      k.connectedMs += connectedMs;
      const intervalMs = now.patchIntervalMs ?? 1000 / this.spec.defaultPatchHz;
      k.expectedPatches += connectedMs / intervalMs;
      k.bytesIn += now.traffic.bytesIn - base.traffic.bytesIn;
      k.bytesOut += now.traffic.bytesOut - base.traffic.bytesOut;
      k.patches += now.traffic.patches - base.traffic.patches;
      k.patchBytes += now.traffic.patchBytes - base.traffic.patchBytes;
      k.framesIn += now.traffic.framesIn - base.traffic.framesIn;
      k.inputsSent += now.inputsSent - base.inputsSent;
      k.inputsAcked += now.inputsAcked - base.inputsAcked;
      if (now.corrections !== undefined) k.corrections = (k.corrections ?? 0) + now.corrections - (base.corrections ?? 0);
      if (now.bufferUnderruns !== undefined) k.bufferUnderruns = (k.bufferUnderruns ?? 0) + now.bufferUnderruns - (base.bufferUnderruns ?? 0);
      k.frames += (now.frames ?? 0) - (base.frames ?? 0);
      k.visibleSnaps += (now.visibleSnaps ?? 0) - (base.visibleSnaps ?? 0);
      k.renderStalls += (now.renderStalls ?? 0) - (base.renderStalls ?? 0);
      k.renderRewinds += (now.renderRewinds ?? 0) - (base.renderRewinds ?? 0);
    }
    for (const kind of BOT_KINDS) {
      const pick = sinceMark ? 'window' : 'run';
      byKind[kind].rttMs = this.rtt[kind][pick].toJSON();
      byKind[kind].patchGapMs = this.patchGaps[kind][pick].toJSON();
    }
    const steady = this.steadyLag !== undefined && this.steadyLag.count > 0 ? this.steadyLag : undefined;
    const lag = sinceMark ? this.windowLag : steady ?? this.runLag;
    const cpu = process.cpuUsage(sinceMark ? this.cpuAtMark : this.cpuAtStart);
    const elapsedMs = Math.max(1, nowMs - from);
    return {
      shard: this.spec.shard,
      target: this.spec.bots.length,
      joinsStarted: this.joinsStarted,
      failedJoins: [...this.failures.values()].reduce((a, b) => a + b, 0),
      failedJoinsByReason: Object.fromEntries(this.failures),
      failedJoinExamples: Object.fromEntries(this.failureExamples),
      disconnects: [...this.disconnectCodes.values()].reduce((a, b) => a + b, 0),
      disconnectsByCode: Object.fromEntries(this.disconnectCodes),
      roomsSeen: [...rooms],
      byKind,
      loopLagMsP99: lag && lag.count > 0 ? lag.percentile(99) / 1e6 : 0,
      loopLagMsMax: lag && lag.count > 0 ? lag.max / 1e6 : 0,
      cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsedMs) * 100,
      elapsedMs,
    };
  }

  private drive(): void {
    const now = performance.now();
    const elapsed = now - this.startedAtMs;
    if (this.steadyLag === undefined && this.nextPending === this.bots.length && this.inFlight.size === 0) {
      this.steadyLag = monitorEventLoopDelay({ resolution: 10 });
      this.steadyLag.enable();
    }
    while (this.nextPending < this.bots.length && this.inFlight.size < this.spec.maxConcurrentJoins) {
      const bot = this.bots[this.nextPending]!;
      if (bot.joinAtMs > elapsed) break;
      this.nextPending++;
      this.launch(bot);
    }
    const group = this.driverRound++ % DRIVER_GROUPS;
    for (let i = group; i < this.bots.length; i += DRIVER_GROUPS) {
      const bot = this.bots[i]!;
      if (bot.state === 'live') bot.link!.update(now);
    }
    if (now - this.lastRttSampleMs >= RTT_SAMPLE_INTERVAL_MS) {
      this.lastRttSampleMs = now;
      for (const bot of this.bots) {
        const ping = bot.state === 'live' ? bot.link!.snapshot().pingMs : undefined;
        if (ping !== undefined) this.rtt[bot.kind].record(ping);
      }
    }
  }

  private launch(bot: Bot): void {
    bot.state = 'joining';
    this.joinsStarted++;
    const joining = this.join(bot).finally(() => this.inFlight.delete(joining));
    this.inFlight.add(joining);
  }

  private async join(bot: Bot): Promise<void> {
    const name = `bot${bot.index}`;
    const plan = { index: bot.index, name, kind: bot.kind, role: roleFor(this.spec.behaviour, bot.index), seed: this.spec.seed ^ Math.imul(bot.index + 1, 0x9e3779b1) };
    const meters = { patchGaps: this.patchGaps[bot.kind] };
    let slot: RoomSlot | undefined;
    let creating: ((code: string | undefined) => void) | undefined;
    try {
      let route: JoinRoute = { via: 'quick' };
      if (this.spec.join === 'code') {
        slot = this.slotFor(bot.roomIndex);
        const turn = await this.codeFor(slot, bot.roomIndex);
        if (typeof turn === 'string') {
          route = { via: 'code', code: turn };
        } else {
          route = { via: 'create', maxPlayers: this.spec.perRoom };
          creating = turn;
        }
      }
      const link = await withTimeout(this.factory.join({ ...plan, route }, meters), this.spec.joinTimeoutMs, (late) => { void late.leave(); });
      if (slot && creating) slot.code = link.code;
      creating?.(link.code);
      if (this.stopping) {
        await link.leave().catch(() => undefined);
        bot.state = 'closed';
        return;
      }
      bot.link = link;
      bot.joinedAtMs = performance.now();
      bot.state = 'live';
      void link.closed.then((code) => this.onClosed(bot, code));
    } catch (err) {
      if (slot && creating) slot.creating = undefined;
      creating?.(undefined);
      bot.state = 'failed';
      const reason = joinFailureReason(err);
      this.failures.set(reason, (this.failures.get(reason) ?? 0) + 1);
      if (!this.failureExamples.has(reason)) this.failureExamples.set(reason, String((err as Error)?.message ?? err).slice(0, 200));
    }
  }

  private slotFor(roomIndex: number): RoomSlot {
    let slot = this.slots.get(roomIndex);
    if (slot === undefined) {
      slot = { creators: 0 };
      this.slots.set(roomIndex, slot);
    }
    return slot;
  }

  /**
   * The room's code once its creator is in, or, when nobody is creating it, a resolver: the
   * caller creates the room and reports its code (or `undefined` on failure) through it. The
   * decision and the claim happen in one synchronous step, so two bots never both create.
   */
  private async codeFor(slot: RoomSlot, roomIndex: number): Promise<string | ((code: string | undefined) => void)> {
    for (let attempt = 0; attempt <= MAX_CREATORS_PER_ROOM; attempt++) {
      if (slot.code !== undefined) return slot.code;
      if (slot.creating === undefined) {
        if (slot.creators >= MAX_CREATORS_PER_ROOM) break;
        slot.creators++;
        let resolve!: (code: string | undefined) => void;
        slot.creating = new Promise((r) => { resolve = r; });
        return resolve;
      }
      const code = await slot.creating;
      if (code !== undefined) return code;
    }
    throw new NoRoomError(roomIndex);
  }

  private onClosed(bot: Bot, code: number): void {
    if (bot.state !== 'live') return;
    bot.final = bot.link!.snapshot();
    bot.closedAtMs = performance.now();
    bot.state = 'closed';
    if (this.stopping) return;
    // Its timed match ended (MATCH_DURATION_S): a player goes on to the next one, and so does the bot,
    // into a room of the next generation (the ended one is closed).
    if (code === CLOSE_CODES.MATCH_ENDED) {
      this.bots.push({
        index: this.nextIndex++, roomIndex: (bot.roomIndex % this.roomStride) + (bot.generation + 1) * this.roomStride, kind: bot.kind,
        joinAtMs: performance.now() - this.startedAtMs + REJOIN_DELAY_MS, state: 'pending', generation: bot.generation + 1,
      });
      return;
    }
    const key = String(code);
    this.disconnectCodes.set(key, (this.disconnectCodes.get(key) ?? 0) + 1);
  }
}

function emptyKind(): KindTotals {
  const empty = new LogHistogram().toJSON();
  return {
    bots: 0, connected: 0, joined: 0, connectedMs: 0, expectedPatches: 0, bytesIn: 0, bytesOut: 0, patches: 0, patchBytes: 0, framesIn: 0,
    inputsSent: 0, inputsAcked: 0, corrections: null, bufferUnderruns: null, frames: 0, visibleSnaps: 0, renderStalls: 0, renderRewinds: 0,
    rttMs: empty, patchGapMs: empty,
  };
}

/** Wait for all promises to settle, but never longer than `ms`. */
async function settleWithin(promises: Array<Promise<unknown>>, ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    Promise.allSettled(promises),
    new Promise<void>((resolve) => { timer = setTimeout(resolve, ms); }),
  ]);
  clearTimeout(timer);
}
