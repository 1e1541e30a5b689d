import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import { log } from '../../observability/log.ts';
import { SQLITE_FILE_NAME, type StoreConfig } from '../config.ts';
import { redactDatabaseUrl } from './ensure.ts';
import { openSqliteFile } from './nodeSqlite.ts';
import { pgDriver } from './pgDriver.ts';
import type { Database } from './schema.ts';

export type Engine = 'sqlite' | 'postgres';

export interface OpenDatabase {
  db: Kysely<Database>;
  engine: Engine;
  /** Where it is, without credentials (for logs). */
  where: string;
}

/** Connections per process to PostgreSQL: writes are queued one at a time, reads are few and cached. */
const PG_POOL_MAX = 5;
/** A query that cannot get a connection in this time fails (the write queue retries it). */
const PG_CONNECT_TIMEOUT_MS = 3000;

/** Open the configured database (nothing is created in it yet: see migrations.ts). */
export function openDatabase(config: Pick<StoreConfig, 'dataDir' | 'databaseUrl'>): OpenDatabase {
  if (config.databaseUrl !== null) {
    const pool = new (pgDriver().Pool)({ connectionString: config.databaseUrl, max: PG_POOL_MAX, connectionTimeoutMillis: PG_CONNECT_TIMEOUT_MS });
    // An idle connection that dies (the server restarted) must not take the process with it.
    pool.on('error', (err) => log.warn({ err: err.message }, 'postgresql connection lost'));
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), engine: 'postgres', where: redactDatabaseUrl(config.databaseUrl) };
  }
  mkdirSync(config.dataDir, { recursive: true });
  const file = path.join(config.dataDir, SQLITE_FILE_NAME);
  return { db: new Kysely<Database>({ dialect: new SqliteDialect({ database: openSqliteFile(file) }) }), engine: 'sqlite', where: file };
}

