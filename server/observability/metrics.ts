import { matchMaker } from '@colyseus/core';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { BucketHistogram } from './bucketHistogram.ts';

/**
 * The process' Prometheus registry. Every counter the server keeps lives here, so `/metrics`
 * exposes all of them and tests can read them without scraping.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

/** Messages dropped because they failed validation or broke a rule, by kind. */
export const violationsTotal = new Counter({
  name: 'game_violations_total',
  help: 'Client messages rejected, by kind of violation',
  labelNames: ['kind'] as const,
  registers: [registry],
});

/** Exceptions thrown out of room code and contained by the room, by room method. */
export const roomErrorsTotal = new Counter({
  name: 'game_room_errors_total',
  help: 'Exceptions contained inside rooms, by room method',
  labelNames: ['method'] as const,
  registers: [registry],
});

/** Joins refused before a seat was given, by reason. */
export const joinRejectionsTotal = new Counter({
  name: 'game_join_rejections_total',
  help: 'Join or create requests refused, by reason',
  labelNames: ['reason'] as const,
  registers: [registry],
});

/**
 * Everything a security rule refused, by where it was caught (`stage`: tcp, http, upgrade,
 * auth, message, connection) and why (`reason`, a fixed vocabulary: see SECURITY.md).
 */
export const securityRejectionsTotal = new Counter({
  name: 'game_security_rejections_total',
  help: 'Sockets, requests, upgrades, joins and messages refused by a security rule, by stage and reason',
  labelNames: ['stage', 'reason'] as const,
  registers: [registry],
});

/**
 * Every time a client presented a secret (a room code, a reconnection, guest, dashboard or metrics
 * token), by kind (`secret`) and `outcome`: `ok`, `failed` (a wrong guess), or `refused` (over the
 * address' or the process' guessing budget; the secret was not even checked).
 */
export const secretAttemptsTotal = new Counter({
  name: 'game_secret_attempts_total',
  help: 'Secrets presented by clients (room codes, reconnection, guest, dashboard and metrics tokens), by kind and outcome',
  labelNames: ['secret', 'outcome'] as const,
  registers: [registry],
});

/** Read one labelled counter's current value (tests, health output). */
export async function counterValue(counter: Counter<string>, labels: Record<string, string>): Promise<number> {
  const data = await counter.get();
  const hit = data.values.find((v) => Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return hit?.value ?? 0;
}

// --- Load, traffic and tick timing (issue 4). Names follow Prometheus conventions: base units,
// `_total` for counters. Event-loop delay, heap and RSS come from `collectDefaultMetrics` above
// (`nodejs_eventloop_lag_p99_seconds`, `nodejs_heap_size_used_bytes`, `process_resident_memory_bytes`).

/** Players connected to rooms of this process, read from Colyseus' matchmaker when scraped. */
export const connectedClients = new Gauge({
  name: 'game_connected_clients',
  help: 'Clients connected to rooms of this process',
  registers: [registry],
  collect() { this.set(matchMaker.stats.local.ccu); },
});

/** Rooms hosted by this process. */
export const roomsGauge = new Gauge({
  name: 'game_rooms',
  help: 'Rooms hosted by this process',
  registers: [registry],
  collect() { this.set(matchMaker.stats.local.roomCount); },
});

/** Players who took a seat in a room. */
export const joinsTotal = new Counter({
  name: 'game_joins_total',
  help: 'Players who joined a room',
  registers: [registry],
});

/** Players who left a room, by why (see observability/leaveReason.ts). */
export const leavesTotal = new Counter({
  name: 'game_leaves_total',
  help: 'Players who left a room, by reason',
  labelNames: ['reason'] as const,
  registers: [registry],
});

/**
 * Messages counted on the hot path as plain numbers (a labelled `inc()` hashes its labels on
 * every call, and this runs for every WebSocket message); moved into the counter when read.
 */
export const pendingMessagesIn = new Map<string, number>();
/** Input frames delivered straight to rooms (ConnectionGuard.takeInput), which the per-message listener never sees. */
export const inputFrames = { count: 0 };

/** WebSocket messages received, by kind (input, chat, ping, ...; see observability/transportMetrics.ts). */
export const messagesInTotal = new Counter({
  name: 'game_messages_in_total',
  help: 'WebSocket messages received from clients, by type',
  labelNames: ['type'] as const,
  registers: [registry],
  collect() {
    for (const [type, n] of pendingMessagesIn) this.inc({ type }, n);
    pendingMessagesIn.clear();
    if (inputFrames.count > 0) this.inc({ type: 'input' }, inputFrames.count);
    inputFrames.count = 0;
  },
});

/** Bytes written to / read from client sockets (HTTP and WebSocket, framing included). */
export const bytesOutTotal = new Counter({
  name: 'game_bytes_out_total',
  help: 'Bytes written to client sockets',
  registers: [registry],
});
export const bytesInTotal = new Counter({
  name: 'game_bytes_in_total',
  help: 'Bytes read from client sockets',
  registers: [registry],
});

/** Sub-millisecond buckets: a room's step is tens of microseconds; 10 ms is already a problem. */
const TICK_BUCKETS_S = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1];

/**
 * Time one room spends per unit of work, by phase: `simulation` (one fixed step: inputs, shared
 * simulation, state sync), `encode` (schema delta encoding inside `broadcastPatch`) and `send`
 * (the rest of `broadcastPatch`: per-client framing and socket writes).
 */
export const tickDuration = new BucketHistogram({
  name: 'game_tick_duration_seconds',
  help: 'Room work per step or patch, by phase (simulation, encode, send)',
  labelNames: ['phase'] as const,
  buckets: TICK_BUCKETS_S,
  registers: [registry],
});

/** How late a fixed step's timer fired compared with its nominal interval. */
export const tickLateness = new BucketHistogram({
  name: 'game_tick_lateness_seconds',
  help: 'Delay of fixed-step timers beyond their nominal interval',
  buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25],
  registers: [registry],
});

// --- Process state for alerting (tools/deploy/monitoring/alerts.yml). Read when scraped.

let drainingNow: () => boolean = () => false;
let redisUpNow: (() => boolean) | undefined;

/** 1 while this process drains (SIGTERM): out of rotation on purpose, not down. */
export const drainingGauge = new Gauge({
  name: 'game_draining',
  help: 'Whether this process is draining after SIGTERM (1) or serving (0)',
  registers: [registry],
  collect() { this.set(drainingNow() ? 1 : 0); },
});

/** Where the draining state is read from (server/app.ts). */
export function watchDraining(draining: () => boolean): void {
  drainingNow = draining;
}

/**
 * `game_redis_up`: 1 while this process reaches its Redis (scale-out), 0 while it does not.
 * Registered only when a process uses Redis, so a single process reports no Redis to be down.
 */
export function watchRedis(up: () => boolean): void {
  redisUpNow = up;
  if (registry.getSingleMetric('game_redis_up')) return;
  new Gauge({
    name: 'game_redis_up',
    help: 'Whether this process reaches its Redis (1) or not (0); absent without Redis',
    registers: [registry],
    collect() { this.set(redisUpNow?.() ? 1 : 0); },
  });
}
