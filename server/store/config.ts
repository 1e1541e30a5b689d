import path from 'node:path';
import { int } from '../env.ts';

/** Where and how results are stored (README, "Configuration"; docs/OPERATIONS.md). */
export interface StoreConfig {
  /** Folder of the embedded SQLite file (`arena.sqlite`), created when missing. */
  dataDir: string;
  /** `postgres://…`: use PostgreSQL instead of the embedded file (required by a cluster). */
  databaseUrl: string | null;
  /** Match records and checkpoints waiting for the database, at most; past it the oldest are refused. */
  queueMax: number;
  /** Running matches save their lines this often, so a lost process loses at most this much. */
  checkpointIntervalS: number;
}

export const DEFAULT_DATA_DIR = './data';
export const SQLITE_FILE_NAME = 'arena.sqlite';
export const DEFAULT_STORE_QUEUE_MAX = 1000;
/** The bound: a process that dies mid-match loses at most the last 10 s. */
export const DEFAULT_CHECKPOINT_INTERVAL_S = 10;

export function loadStoreConfig(env: NodeJS.ProcessEnv): StoreConfig {
  const url = env.DATABASE_URL || null;
  if (url !== null && !/^postgres(ql)?:\/\//.test(url)) throw new Error('DATABASE_URL must be a postgres:// URL (unset: the embedded SQLite file under DATA_DIR)');
  return {
    dataDir: path.resolve(env.DATA_DIR || DEFAULT_DATA_DIR),
    databaseUrl: url,
    queueMax: int(env, 'STORE_QUEUE_MAX', DEFAULT_STORE_QUEUE_MAX, 1, 1_000_000),
    checkpointIntervalS: int(env, 'MATCH_CHECKPOINT_INTERVAL_S', DEFAULT_CHECKPOINT_INTERVAL_S, 1, 10),
  };
}
