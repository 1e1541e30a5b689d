import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { SHARED_REDIS_URL, startOwnRedis, type OwnRedis } from './redis.ts';
import { DEBUG_CLIENT_DIR } from './serverProcess.ts';

/** Whether a Redis server answers at `url` (bounded: one connection attempt, one PING). */
async function redisAnswers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
  probe.on('error', () => undefined); // the answer is the boolean
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** Whether PostgreSQL accepts connections on 127.0.0.1:5432 (pg_isready: bounded, no password). */
function postgresAnswers(): boolean {
  try {
    execFileSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432', '-q', '-t', '3'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * The store's tests need the machine's PostgreSQL (machines of this kind have it, trust auth). When
 * it is installed but stopped, start it (as .ci/run does) and say so; when it cannot be started,
 * the store tests say what to run.
 */
function ensurePostgres(): void {
  if (process.env.TEST_POSTGRES_URL !== undefined || postgresAnswers()) return;
  const versions = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  if (versions.length === 0) return;
  try {
    execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', versions[0]!, 'main', 'start'], { stdio: 'ignore' });
    for (let i = 0; i < 30 && !postgresAnswers(); i++) execFileSync('sleep', ['1']);
    process.stdout.write(`npm test: PostgreSQL was stopped; started it (pg_ctlcluster ${versions[0]} main start)\n`);
  } catch {
    // Not root, or no cluster: the store tests fail with the command to run.
  }
}

/**
 * Once per test run, before any test file:
 * - build the browser client's debug flavour (dist/client-debug: the release client plus the
 *   window.__arena hook the end-to-end tests read) with the build `npm start` uses, when its
 *   sources changed since the last build; skipped with SKIP_CLIENT_BUILD=1 when a bundle exists;
 * - give servers started as processes a temporary DATA_DIR (their embedded store), removed at the end;
 * - start the machine's PostgreSQL when it is installed but stopped (the store's tests use it);
 * - make sure the scale-out tests have a Redis: the machine's (127.0.0.1:6379, each test under
 *   its own key prefix) or, when none answers, one started here on an ephemeral port, handed to
 *   every test process through TEST_REDIS_URL and stopped at the end.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  mkdirSync(`${root}/test/artifacts`, { recursive: true });
  if (!(process.env.SKIP_CLIENT_BUILD === '1' && existsSync(`${DEBUG_CLIENT_DIR}/index.html`))) {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    execFileSync(process.execPath, ['--import', tsx, 'tools/build.ts', '--debug', '--if-stale'], { cwd: root, stdio: 'inherit' });
  }
  ensurePostgres();
  let own: OwnRedis | undefined;
  if (!(await redisAnswers(SHARED_REDIS_URL))) {
    own = await startOwnRedis();
    process.env.TEST_REDIS_URL = own.url;
    process.stdout.write(`npm test: no Redis answered at ${SHARED_REDIS_URL}; started one for this run at ${own.url}\n`);
  }
  // Servers the tests start as processes keep their embedded store here, not in ./data.
  const dataDir = process.env.DATA_DIR === undefined ? mkdtempSync(path.join(tmpdir(), 'arena-test-data-')) : undefined;
  if (dataDir !== undefined) process.env.DATA_DIR = dataDir;
  return async () => {
    await own?.kill();
    if (dataDir !== undefined) rmSync(dataDir, { recursive: true, force: true });
  };
}
