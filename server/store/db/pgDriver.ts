import { createRequire } from 'node:module';
import type PgModule from 'pg';

/*
 * The PostgreSQL driver, loaded the first time a process opens or creates a PostgreSQL database:
 * a process on the embedded SQLite store (the default) never loads it. It is CommonJS, so it is
 * required synchronously (opening a database is synchronous).
 */

let driver: typeof PgModule | undefined;

export function pgDriver(): typeof PgModule {
  if (driver === undefined) {
    driver = createRequire(import.meta.url)('pg') as typeof PgModule;
    // PostgreSQL's bigint (int8) comes back as a string by default; every bigint here is a
    // millisecond time or a count, far below 2^53.
    driver.types.setTypeParser(driver.types.builtins.INT8, (v) => Number(v));
  }
  return driver;
}
