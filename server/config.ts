import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_PLAYERS_PER_ROOM, DEFAULT_MAX_SPECTATORS_PER_ROOM, DEFAULT_PORT, MAX_PLAYERS_PER_ROOM_LIMIT, DEFAULT_PATCH_HZ } from '../shared/limits.ts';
import type { PatchSliceLimits } from './netcode/patchSlices.ts';
import { budgetBytesPerPatch, DEFAULT_DOWNSTREAM_BUDGET_KBPS, DEFAULT_INTEREST, reservedBytesPerPatch, type InterestOptions } from './interest/config.ts';
import { loadSecurityConfig, type SecurityConfig } from './security/limits.ts';
import type { TlsFiles } from './security/setup.ts';
import { loadOperationsConfig, type OperationsConfig } from './cluster/config.ts';
import { int } from './env.ts';
import { loadStoreConfig, type StoreConfig } from './store/config.ts';
import type { GameDefinition } from '../shared/game/definition.ts';

export type { TlsFiles };

export interface ServerConfig {
  port: number;
  host: string;
  /** State patches per second. */
  patchHz: number;
  /** Room size when the creator does not choose one. */
  defaultMaxPlayers: number;
  /** Built client to serve on `/` (null: serve no client). */
  clientDir: string | null;
  /** Serve HTTPS/WSS with these files; null: plain HTTP (e.g. behind a TLS-terminating proxy). */
  tls: TlsFiles | null;
  /** Origins, proxies, guest tokens, rate and connection limits (server/security/limits.ts). */
  security: SecurityConfig;
  /** Token that unlocks `/dashboard` (null: the dashboard is off). */
  dashboardToken?: string | null;
  /** Bearer token `/metrics` requires (null: open, like most Prometheus endpoints). */
  metricsToken?: string | null;
  /** Record every room's replay into this folder (null: do not record). */
  replayDir: string | null;
  /** Replays carry a world checksum every this many ticks. */
  replayChecksumTicks: number;
  /** Scale-out, heartbeats, reconnection, drain (server/cluster/config.ts); missing fields take their defaults. */
  operations?: Partial<OperationsConfig>;
  /** Spectator seats per room, besides the players (default DEFAULT_MAX_SPECTATORS_PER_ROOM). */
  maxSpectators?: number;
  /** Interest management: areas, budget (server/interest/config.ts; default DEFAULT_INTEREST). */
  interest?: InterestOptions;
  /** How a large room's patch is split over turns of the event loop (server/netcode/patchSlices.ts; default DEFAULT_PATCH_SLICES). */
  patchSlices?: PatchSliceLimits;
  /** Token of the admin API (X-Admin-Token header); null: the admin API is off. Needs the store. */
  adminToken?: string | null;
  /** Profiles, match records, ratings (server/store/config.ts); null or absent: keep nothing. */
  store?: StoreConfig | null;
  /**
   * The games this server hosts (absent: shared/games/catalog.ts' GAMES). An embedder or a test adds
   * a game here: each game but the arena is served by the generic room under its room name.
   */
  games?: readonly GameDefinition<any, any>[];
}

/**
 * The built client: dist/client. From the compiled server (dist/server/config.js) that is
 * `../client`; from the sources (server/config.ts, run by tsx in tests) `../dist/client`.
 */
export const DEFAULT_CLIENT_DIR = fileURLToPath(new URL(import.meta.url.endsWith('.ts') ? '../dist/client' : '../client', import.meta.url));

/** Shortest secret accepted for the dashboard and metrics tokens. */
export const MIN_SECRET_CHARS = 16;

function secret(env: NodeJS.ProcessEnv, name: string): string | null {
  const raw = env[name];
  if (raw === undefined || raw === '') return null;
  if (raw.length < MIN_SECRET_CHARS) throw new Error(`${name} must be at least ${MIN_SECRET_CHARS} characters`);
  return raw;
}

/** Configuration from environment variables; see the README's configuration table. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  const patchHz = int(env, 'PATCH_HZ', DEFAULT_PATCH_HZ, 1, 60);
  return {
    operations: loadOperationsConfig(env),
    port: int(env, 'PORT', DEFAULT_PORT, 0, 65535),
    host: env.HOST || '127.0.0.1',
    patchHz,
    defaultMaxPlayers: int(env, 'MAX_PLAYERS', DEFAULT_MAX_PLAYERS_PER_ROOM, 2, MAX_PLAYERS_PER_ROOM_LIMIT),
    clientDir: env.CLIENT_DIR === 'none' ? null : env.CLIENT_DIR || DEFAULT_CLIENT_DIR,
    tls: loadTls(env),
    security: loadSecurityConfig(env),
    dashboardToken: secret(env, 'DASHBOARD_TOKEN'),
    metricsToken: secret(env, 'METRICS_TOKEN'),
    adminToken: secret(env, 'ADMIN_TOKEN'),
    replayDir: env.REPLAY_DIR || null,
    replayChecksumTicks: int(env, 'REPLAY_CHECKSUM_TICKS', 30, 1, 3600),
    maxSpectators: int(env, 'MAX_SPECTATORS', DEFAULT_MAX_SPECTATORS_PER_ROOM, 0, 1000),
    interest: loadInterest(env, patchHz),
    store: loadStoreSetting(env),
  };
}

/** STORE=off keeps nothing (no profiles, no results: the server as it was before it had a store). */
function loadStoreSetting(env: NodeJS.ProcessEnv): StoreConfig | null {
  const mode = env.STORE || 'on';
  if (mode !== 'on' && mode !== 'off') throw new Error(`STORE must be on or off (got "${mode}")`);
  return mode === 'off' ? null : loadStoreConfig(env);
}

function loadInterest(env: NodeJS.ProcessEnv, patchHz: number): InterestOptions {
  const mode = env.INTEREST_MANAGEMENT || 'on';
  if (mode !== 'on' && mode !== 'off') throw new Error(`INTEREST_MANAGEMENT must be on or off (got "${mode}")`);
  const kbps = int(env, 'DOWNSTREAM_BUDGET_KBPS', DEFAULT_DOWNSTREAM_BUDGET_KBPS, 0, 100_000);
  return {
    ...DEFAULT_INTEREST,
    enabled: mode === 'on',
    budgetBytesPerPatch: budgetBytesPerPatch(kbps, patchHz),
    reservedBytesPerPatch: reservedBytesPerPatch(patchHz),
  };
}

function loadTls(env: NodeJS.ProcessEnv): TlsFiles | null {
  const certPath = env.TLS_CERT_FILE || '';
  const keyPath = env.TLS_KEY_FILE || '';
  if (certPath === '' && keyPath === '') return null;
  if (certPath === '' || keyPath === '') throw new Error('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  return { certPath, keyPath };
}
