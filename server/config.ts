import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_PLAYERS_PER_ROOM, DEFAULT_MAX_SPECTATORS_PER_ROOM, DEFAULT_PORT, MAX_PLAYERS_PER_ROOM_LIMIT, PATCH_HZ } from '../shared/constants.ts';
import { DEFAULT_INTEREST, type InterestOptions } from './interest/config.ts';
import { loadSecurityConfig, type SecurityConfig } from './security/limits.ts';

/** Certificate and key files for serving HTTPS and WSS directly (PEM). */
export interface TlsFiles {
  certPath: string;
  keyPath: string;
}
import { loadOperationsConfig, type OperationsConfig } from './cluster/config.ts';

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
}

export const DEFAULT_CLIENT_DIR = fileURLToPath(new URL('../dist/client', import.meta.url));

export function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}

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
  return {
    operations: loadOperationsConfig(env),
    port: int(env, 'PORT', DEFAULT_PORT, 0, 65535),
    host: env.HOST || '127.0.0.1',
    patchHz: int(env, 'PATCH_HZ', PATCH_HZ, 1, 60),
    defaultMaxPlayers: int(env, 'MAX_PLAYERS', DEFAULT_MAX_PLAYERS_PER_ROOM, 2, MAX_PLAYERS_PER_ROOM_LIMIT),
    clientDir: env.CLIENT_DIR === 'none' ? null : env.CLIENT_DIR || DEFAULT_CLIENT_DIR,
    tls: loadTls(env),
    security: loadSecurityConfig(env),
    dashboardToken: secret(env, 'DASHBOARD_TOKEN'),
    metricsToken: secret(env, 'METRICS_TOKEN'),
    replayDir: env.REPLAY_DIR || null,
    replayChecksumTicks: int(env, 'REPLAY_CHECKSUM_TICKS', 30, 1, 3600),
    maxSpectators: int(env, 'MAX_SPECTATORS', DEFAULT_MAX_SPECTATORS_PER_ROOM, 0, 1000),
    interest: loadInterest(env),
  };
}

function loadInterest(env: NodeJS.ProcessEnv): InterestOptions {
  const mode = env.INTEREST_MANAGEMENT || 'on';
  if (mode !== 'on' && mode !== 'off') throw new Error(`INTEREST_MANAGEMENT must be on or off (got "${mode}")`);
  return {
    ...DEFAULT_INTEREST,
    enabled: mode === 'on',
    budgetBytesPerPatch: int(env, 'PATCH_BUDGET_BYTES', DEFAULT_INTEREST.budgetBytesPerPatch, 0, 1_000_000),
  };
}

function loadTls(env: NodeJS.ProcessEnv): TlsFiles | null {
  const certPath = env.TLS_CERT_FILE || '';
  const keyPath = env.TLS_KEY_FILE || '';
  if (certPath === '' && keyPath === '') return null;
  if (certPath === '' || keyPath === '') throw new Error('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  return { certPath, keyPath };
}
