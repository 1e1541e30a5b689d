import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { DEFAULT_CHECKPOINT_INTERVAL_S, DEFAULT_STORE_QUEUE_MAX, type StoreConfig } from '../../server/store/config.ts';

/** The machine's PostgreSQL (trust auth, user postgres); .ci/run starts it when it is down. */
export const TEST_POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type EngineName = 'sqlite' | 'postgres';
export const ENGINES: readonly EngineName[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  config: StoreConfig;
  /** Remove the database (PostgreSQL) or its folder (SQLite). */
  drop(): Promise<void>;
}

/**
 * A database of its own for one test: a SQLite file in a new temp dir, or a new PostgreSQL
 * database (created here, dropped by `drop()`), so tests never share or leave state.
 */
export async function createTestDatabase(engine: EngineName, overrides: Partial<StoreConfig> = {}): Promise<TestDatabase> {
  const base = { queueMax: DEFAULT_STORE_QUEUE_MAX, checkpointIntervalS: DEFAULT_CHECKPOINT_INTERVAL_S, ...overrides };
  if (engine === 'sqlite') {
    const dir = mkdtempSync(path.join(tmpdir(), 'arena-store-'));
    return { config: { ...base, dataDir: dir, databaseUrl: null }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `arena_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(TEST_POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    config: { ...base, dataDir: '/nonexistent', databaseUrl: url.toString() },
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL is not answering at ${TEST_POSTGRES_ADMIN_URL} (start it: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start): ${(err as Error).message}`);
  }
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
