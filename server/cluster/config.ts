import { DEFAULT_RECONNECT_WINDOW_S } from '../../shared/limits.ts';
import { int } from '../env.ts';

/**
 * What an operator tunes to run several processes and survive faults (docs/SCALING.md).
 * Every field has a default that keeps `npm start` a single process with no Redis.
 */
export interface OperationsConfig {
  /** Redis for scale-out (null: one process, in-memory presence and driver). */
  redisUrl: string | null;
  /** Prefix of every Redis key this cluster writes, so several clusters can share one Redis. */
  redisKeyPrefix: string;
  /** `host[:port][/path]` clients use to reach this process' WebSocket (required with Redis). */
  publicAddress: string | null;
  /** WebSocket ping interval; 0 turns heartbeats off. */
  heartbeatIntervalMs: number;
  /** Unanswered pings before a connection is terminated as dead. */
  heartbeatMaxMissed: number;
  /** Seconds a dropped player's seat, position, health and score are kept; 0: no reconnection. */
  reconnectWindowS: number;
  /** Seconds a draining process (SIGTERM) lets running matches continue before closing them. */
  drainDeadlineS: number;
  /** Match length in seconds; 0: matches run until everyone leaves. */
  matchDurationS: number;
  /** Longest a matchmaking request may take before it is answered 503. */
  matchmakeTimeoutMs: number;
  /** Where rooms created through this process go (server/cluster/placement.ts). */
  roomPlacement: RoomPlacement;
}

/**
 * `least-loaded`: the process with the fewest rooms (the default). `local`: this process (a load
 * balancer already spreads players, or a test must know where a room lives). `elsewhere`: the
 * least loaded other process (a front process that serves the site and matchmaking but no games);
 * this one only when it is alone.
 */
export const ROOM_PLACEMENTS = ['least-loaded', 'local', 'elsewhere'] as const;
export type RoomPlacement = (typeof ROOM_PLACEMENTS)[number];

export const DEFAULT_OPERATIONS: OperationsConfig = {
  redisUrl: null,
  redisKeyPrefix: '',
  publicAddress: null,
  heartbeatIntervalMs: 1500,
  heartbeatMaxMissed: 2,
  reconnectWindowS: DEFAULT_RECONNECT_WINDOW_S,
  drainDeadlineS: 25,
  matchDurationS: 0,
  matchmakeTimeoutMs: 8000,
  roomPlacement: 'least-loaded',
};

/** Fill in defaults for whatever a caller (a test, `startTestServer`) left out. */
export function resolveOperations(partial: Partial<OperationsConfig> | undefined): OperationsConfig {
  return { ...DEFAULT_OPERATIONS, ...partial };
}

/** Operations settings from environment variables (README, "Scaling and operations"). */
export function loadOperationsConfig(env: NodeJS.ProcessEnv): OperationsConfig {
  const d = DEFAULT_OPERATIONS;
  return {
    redisUrl: env.REDIS_URL || null,
    redisKeyPrefix: env.REDIS_KEY_PREFIX ?? d.redisKeyPrefix,
    publicAddress: env.PUBLIC_ADDRESS || null,
    heartbeatIntervalMs: int(env, 'HEARTBEAT_INTERVAL_MS', d.heartbeatIntervalMs, 0, 60_000),
    heartbeatMaxMissed: int(env, 'HEARTBEAT_MAX_MISSED', d.heartbeatMaxMissed, 1, 10),
    reconnectWindowS: int(env, 'RECONNECT_WINDOW_S', d.reconnectWindowS, 0, 600),
    drainDeadlineS: int(env, 'DRAIN_DEADLINE_S', d.drainDeadlineS, 0, 3600),
    matchDurationS: int(env, 'MATCH_DURATION_S', d.matchDurationS, 0, 24 * 3600),
    matchmakeTimeoutMs: int(env, 'MATCHMAKE_TIMEOUT_MS', d.matchmakeTimeoutMs, 500, 60_000),
    roomPlacement: placement(env.ROOM_PLACEMENT, d.roomPlacement),
  };
}

function placement(raw: string | undefined, fallback: RoomPlacement): RoomPlacement {
  if (raw === undefined || raw === '') return fallback;
  if ((ROOM_PLACEMENTS as readonly string[]).includes(raw)) return raw as RoomPlacement;
  throw new Error(`ROOM_PLACEMENT must be one of ${ROOM_PLACEMENTS.join(', ')} (got "${raw}")`);
}

/** The Redis URL with any password hidden, for logs and errors. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'redis://(unparsable url)';
  }
}
