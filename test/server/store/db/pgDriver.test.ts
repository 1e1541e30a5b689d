import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openDatabase } from '../../../../server/store/db/open.ts';
import { pgDriver } from '../../../../server/store/db/pgDriver.ts';

/**
 * The PostgreSQL driver loads only when a PostgreSQL database is used (the store's PostgreSQL
 * tests use it for real): a process on the default SQLite store never holds it.
 */
const dir = mkdtempSync(path.join(tmpdir(), 'arena-pg-driver-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PG_DIR = `${path.sep}node_modules${path.sep}pg${path.sep}`;
const pgLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes(PG_DIR));

it('is not loaded by a store on SQLite; once asked for, it is, with PostgreSQL bigints read as numbers', async () => {
  expect(pgLoaded()).toBe(false);
  const { db, engine } = openDatabase({ dataDir: dir, databaseUrl: null });
  expect(engine).toBe('sqlite');
  await db.destroy();
  expect(pgLoaded()).toBe(false);

  const pg = pgDriver();
  expect(pgLoaded()).toBe(true);
  expect(pg.types.getTypeParser(pg.types.builtins.INT8)('9007199254740991')).toBe(9007199254740991);
  expect(pgDriver()).toBe(pg);
});
