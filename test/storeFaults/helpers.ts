import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { TEST_POSTGRES_ADMIN_URL } from '../helpers/stores.ts';
import { sleep } from '../helpers/wait.ts';

/** The machine's PostgreSQL cluster (`ls /etc/postgresql`: one version), by pg_ctlcluster. */
function cluster(action: 'start' | 'stop'): void {
  const version = readdirSync('/etc/postgresql')[0]!;
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', action], { stdio: 'ignore', timeout: 60_000 });
}

export async function postgresAnswers(): Promise<boolean> {
  const c = new pg.Client({ connectionString: TEST_POSTGRES_ADMIN_URL, connectionTimeoutMillis: 1000 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

export function stopPostgres(): void {
  cluster('stop');
}

/** Start PostgreSQL (if it is not answering) and wait until it does (bounded). */
export async function startPostgres(timeoutMs = 30_000): Promise<void> {
  if (await postgresAnswers()) return;
  try {
    cluster('start');
  } catch {
    // already starting, or started meanwhile: the wait below decides
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await postgresAnswers()) return;
    await sleep(250);
  }
  throw new Error('PostgreSQL did not come back');
}
