import { fileURLToPath } from 'node:url';
import { DEFAULT_MAX_PLAYERS_PER_ROOM, DEFAULT_PORT, MAX_PLAYERS_PER_ROOM_LIMIT, PATCH_HZ } from '../shared/constants.ts';
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
  /** Scale-out, heartbeats, reconnection, drain (server/cluster/config.ts); missing fields take their defaults. */
  operations?: Partial<OperationsConfig>;
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

/** Configuration from environment variables; see the README's configuration table. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): ServerConfig {
  return {
    operations: loadOperationsConfig(env),
    port: int(env, 'PORT', DEFAULT_PORT, 0, 65535),
    host: env.HOST || '127.0.0.1',
    patchHz: int(env, 'PATCH_HZ', PATCH_HZ, 1, 60),
    defaultMaxPlayers: int(env, 'MAX_PLAYERS', DEFAULT_MAX_PLAYERS_PER_ROOM, 2, MAX_PLAYERS_PER_ROOM_LIMIT),
    clientDir: env.CLIENT_DIR === 'none' ? null : env.CLIENT_DIR || DEFAULT_CLIENT_DIR,
  };
}
