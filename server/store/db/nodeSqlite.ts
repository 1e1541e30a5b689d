import { DatabaseSync, type SQLInputValue } from './sqliteModule.ts';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely's SqliteDialect over Node 22's built-in `node:sqlite` (no native addon to build: a
 * better-sqlite3 build would be compiled by npm against the system Node 20 while the server runs on
 * Node 22). Kysely expects better-sqlite3's shape; `DatabaseSync` differs in three ways, bridged here:
 *
 * - statements take their parameters spread, not as one array;
 * - there is no `reader` flag: a statement that returns columns (a SELECT, or anything with
 *   RETURNING) is a reader;
 * - booleans are not bindable: they are stored as 1/0, as SQLite itself does.
 *
 * Transactions open with `BEGIN IMMEDIATE`, so two processes writing one file wait on the busy
 * timeout instead of failing halfway through with SQLITE_BUSY on the upgrade to a write lock.
 * Contract-tested in test/server/store/db/nodeSqlite.test.ts.
 */
export class NodeSqliteDatabase implements SqliteDatabase {
  constructor(readonly raw: DatabaseSync) {}

  close(): void {
    if (this.raw.isOpen) this.raw.close();
  }

  prepare(sql: string): SqliteStatement {
    const statement = this.raw.prepare(/^\s*begin\s*;?\s*$/i.test(sql) ? 'begin immediate' : sql);
    const reader = statement.columns().length > 0;
    return {
      reader,
      all: (parameters) => statement.all(...bind(parameters)),
      run: (parameters) => statement.run(...bind(parameters)),
      iterate: (parameters) => statement.iterate(...bind(parameters)) as IterableIterator<unknown>,
    };
  }
}

/** How long a writer waits for another process' lock before failing (SQLITE_BUSY). */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

/** Open (creating) a SQLite file for the store: write-ahead log, foreign keys off (deletes are explicit). */
export function openSqliteFile(path: string): NodeSqliteDatabase {
  const raw = new DatabaseSync(path);
  raw.exec(`PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS};`);
  return new NodeSqliteDatabase(raw);
}

function bind(parameters: ReadonlyArray<unknown>): SQLInputValue[] {
  return parameters.map((p) => {
    if (typeof p === 'boolean') return p ? 1 : 0;
    if (p === undefined) return null;
    return p as SQLInputValue;
  });
}
