import type { JoinRoute } from '../../game-client/net/lobby.ts';
import type { BehaviourName, Role } from './behaviour.ts';
import type { HistogramData } from './stats/histogram.ts';

/** Full bots decode state and run the client netcode; light bots only count bytes. */
export type BotKind = 'full' | 'light';
export const BOT_KINDS: readonly BotKind[] = ['full', 'light'];

/** Everything one bot needs to join. */
export interface JoinPlan {
  index: number;
  name: string;
  kind: BotKind;
  role: Role;
  route: JoinRoute;
  seed: number;
}

/** One bot's cumulative counters, read at any time. */
export interface LinkSnapshot {
  traffic: TrafficCounters;
  inputsSent: number;
  inputsAcked: number;
  /** Latest ping round trip, ms. */
  pingMs: number | undefined;
  /** Patch interval the server announced (ms), when it did. */
  patchIntervalMs: number | undefined;
  /** Prediction corrections and interpolation-buffer underruns, when the session reports them. */
  corrections?: number;
  bufferUnderruns?: number;
  /** Full bots: frames rendered, and the snaps, stalls and rewinds seen in them (experience.ts). */
  frames?: number;
  visibleSnaps?: number;
  renderStalls?: number;
  renderRewinds?: number;
}

/** A connected bot, whatever it talks to. */
export interface BotLink {
  readonly code: string;
  /** Resolves with the close code when the connection ends, for whatever reason. */
  readonly closed: Promise<number>;
  /** Send every input due at `nowMs` (the link asks its brain for each). */
  update(nowMs: number): void;
  snapshot(): LinkSnapshot;
  leave(): Promise<void>;
}

export interface LinkMeters {
  /** Gaps between patches, ms. */
  patchGaps: Recorder;
}

export interface Recorder {
  record(value: number): void;
}

/** Joins bots to one kind of server. The arena's lives in arenaLinks.ts; benchmarks add baselines. */
export interface LinkFactory {
  join(plan: JoinPlan, meters: LinkMeters): Promise<BotLink>;
}

/**
 * A module that can build a LinkFactory in any process (worker processes import it by path):
 * `export function createLinkFactory(target: LinkTarget): LinkFactory`.
 */
export interface LinkTarget {
  /** Base URL (http:// or ws://) of the server. */
  url: string;
  /** Room type name. */
  roomName: string;
  /** Extra settings for non-arena link modules. */
  extra?: Record<string, unknown>;
}

export type JoinMode = 'code' | 'quick';

/** What the coordinator hands each shard (serialisable: it may cross a process boundary). */
export interface ShardSpec {
  shard: number;
  target: LinkTarget;
  /** Absolute path of the link module (default: arenaLinks.ts). */
  linkModule?: string;
  behaviour: BehaviourName;
  join: JoinMode;
  perRoom: number;
  seed: number;
  bots: Array<{ index: number; roomIndex: number; kind: BotKind; joinAtMs: number }>;
  maxConcurrentJoins: number;
  joinTimeoutMs: number;
  /** Expected patches per second when the server does not announce its rate. */
  defaultPatchHz: number;
}

/** Per kind of bot, summed over bots. */
export interface KindTotals {
  bots: number;
  connected: number;
  joined: number;
  /** Sum over bots of time connected, ms. */
  connectedMs: number;
  /** Patches the bots should have received at the announced rate over connectedMs. */
  expectedPatches: number;
  bytesIn: number;
  bytesOut: number;
  patches: number;
  /** Payload bytes of the patches, and every frame received (patches, messages, pongs). */
  patchBytes: number;
  framesIn: number;
  inputsSent: number;
  inputsAcked: number;
  corrections: number | null;
  bufferUnderruns: number | null;
  frames: number;
  visibleSnaps: number;
  renderStalls: number;
  renderRewinds: number;
  rttMs: HistogramData;
  patchGapMs: HistogramData;
}

/** A shard's cumulative state (progress lines, final result, benchmark windows). */
export interface ShardTotals {
  shard: number;
  target: number;
  joinsStarted: number;
  failedJoins: number;
  failedJoinsByReason: Record<string, number>;
  failedJoinExamples: Record<string, string>;
  disconnects: number;
  disconnectsByCode: Record<string, number>;
  roomsSeen: string[];
  byKind: Record<BotKind, KindTotals>;
  /**
   * Generator health: this shard's event-loop delay (since the mark; else from when all joins
   * had settled; else the whole run) and CPU.
   */
  loopLagMsP99: number;
  loopLagMsMax: number;
  cpuPercent: number;
  elapsedMs: number;
}

/** Messages between coordinator and worker processes. */
export type ToWorker =
  | { type: 'start'; spec: ShardSpec }
  | { type: 'mark' }
  | { type: 'totals'; id: number; sinceMark: boolean }
  | { type: 'stop' };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'progress'; totals: ShardTotals }
  | { type: 'totals'; id: number; totals: ShardTotals }
  | { type: 'result'; totals: ShardTotals }
  | { type: 'fatal'; message: string };

/** Traffic one bot's connection saw, from the moment it opened. */
export interface TrafficCounters {
  bytesIn: number;
  bytesOut: number;
  framesIn: number;
  framesOut: number;
  /** State patches received (full state excluded), and their payload bytes. */
  patches: number;
  patchBytes: number;
}
