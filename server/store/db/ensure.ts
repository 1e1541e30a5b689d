import { pgDriver } from './pgDriver.ts';

/** `postgres://user:***@host/db`: a database URL fit for a log line. */
export function redactDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable)';
  }
}

const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Create the PostgreSQL database `url` names when it does not exist yet (through the server's
 * `postgres` maintenance database), so a new cluster needs no manual step. Throws with the reason
 * when PostgreSQL does not answer or refuses.
 */
export async function ensureDatabase(url: string): Promise<'exists' | 'created'> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  if (!DATABASE_NAME.test(name)) throw new Error(`database name "${name}" must be lower-case letters, digits and _`);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new (pgDriver().Client)({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount !== 0) return 'exists';
    await client.query(`create database ${name}`);
    return 'created';
  } finally {
    await client.end();
  }
}
