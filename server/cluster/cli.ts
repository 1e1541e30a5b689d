import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_PORT } from '../../shared/limits.ts';
import { ensureDatabase, redactDatabaseUrl } from '../store/db/ensure.ts';
import { redactRedisUrl } from './config.ts';

/** Where `npm run cluster` keeps results when neither --database nor DATABASE_URL says (the machine's PostgreSQL). */
export const DEFAULT_CLUSTER_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/arena';

/**
 * `npm run cluster -- --processes N`: N game server processes on consecutive ports against one
 * Redis, for running scale-out on one machine (docs/SCALING.md). A small supervisor:
 *
 * - each process is the server (`dist/server/main.js`) with PORT, PUBLIC_ADDRESS and REDIS_URL set, its output
 *   prefixed with `[pN]`;
 * - a process that crashes is started again (at most 5 times a minute);
 * - SIGTERM drains every process (matches end by DRAIN_DEADLINE_S), Ctrl-C / SIGINT stops now;
 * - SIGHUP does a rolling restart: one process at a time is drained, restarted and waited for
 *   (/readyz) before the next, so no match that could finish is lost and the rest keep serving.
 */

/**
 * The server entry beside this file: the compiled one (`npm run cluster` runs dist/, like
 * `npm start`), or the source through tsx when this file itself runs from source.
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const SERVER_ARGS = FROM_SOURCE
  ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href, fileURLToPath(new URL('../main.ts', import.meta.url))]
  : ['--enable-source-maps', fileURLToPath(new URL('../main.js', import.meta.url))];
const USAGE = `Usage: npm run cluster -- [options]

  --processes N     number of game server processes (default 2, max 32)
  --base-port P     first port; process i listens on P+i (default ${DEFAULT_PORT})
  --host H          interface to listen on (default 127.0.0.1)
  --public-host H   host name clients use to reach the processes (default localhost)
  --redis URL       Redis URL (default $REDIS_URL or redis://127.0.0.1:6379)
  --key-prefix S    Redis key prefix (default $REDIS_KEY_PREFIX or none)
  --database URL    PostgreSQL all processes keep results in (default $DATABASE_URL or
                    ${DEFAULT_CLUSTER_DATABASE_URL}; created when missing)
  --help            show this

Signals: SIGTERM drains all processes, SIGINT (Ctrl-C) stops them now, SIGHUP rolls a restart.
Other settings (DRAIN_DEADLINE_S, MATCH_DURATION_S, ...) pass through from the environment.`;

export interface ClusterOptions {
  processes: number;
  basePort: number;
  host: string;
  publicHost: string;
  redisUrl: string;
  keyPrefix: string;
  /** The store every process shares: several processes need PostgreSQL (docs/SCALING.md). */
  databaseUrl: string;
}

/** Parse the command line (node:util parseArgs, strict: unknown flags are errors). */
export function parseClusterArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): ClusterOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      processes: { type: 'string', short: 'n', default: '2' },
      'base-port': { type: 'string', default: String(DEFAULT_PORT) },
      host: { type: 'string', default: '127.0.0.1' },
      'public-host': { type: 'string', default: 'localhost' },
      redis: { type: 'string', default: env.REDIS_URL || 'redis://127.0.0.1:6379' },
      'key-prefix': { type: 'string', default: env.REDIS_KEY_PREFIX ?? '' },
      database: { type: 'string', default: env.DATABASE_URL || DEFAULT_CLUSTER_DATABASE_URL },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const integer = (name: string, raw: string, min: number, max: number) => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name} must be an integer from ${min} to ${max} (got "${raw}")`);
    return n;
  };
  const processes = integer('processes', values.processes, 1, 32);
  const basePort = integer('base-port', values['base-port'], 1, 65535 - processes + 1);
  return {
    processes,
    basePort,
    host: values.host,
    publicHost: values['public-host'],
    redisUrl: values.redis,
    keyPrefix: values['key-prefix'],
    databaseUrl: values.database,
  };
}

interface Member {
  index: number;
  port: number;
  child: ChildProcess | undefined;
  /** Set while the supervisor itself is stopping or restarting this process. */
  expectedExit: boolean;
  crashes: number[];
}

const MAX_CRASHES_PER_MINUTE = 5;
const READY_TIMEOUT_MS = 30_000;

class Cluster {
  private readonly members: Member[];
  private stopping = false;
  private restarting = false;

  /** One secret for the whole cluster when the operator did not set AUTH_SECRET. */
  private readonly authSecret = process.env.AUTH_SECRET || randomBytes(32).toString('hex');

  /** Every origin a page of this cluster can be served from. */
  private clusterOrigins(): string {
    const hosts = new Set(['localhost', '127.0.0.1', this.options.publicHost]);
    return this.members.flatMap((m) => [...hosts].map((h) => `http://${h}:${m.port}`)).join(',');
  }

  constructor(private readonly options: ClusterOptions) {
    this.members = Array.from({ length: options.processes }, (_, index) => ({
      index, port: options.basePort + index, child: undefined, expectedExit: false, crashes: [],
    }));
  }

  start(): void {
    for (const m of this.members) this.spawn(m);
  }

  signal(signal: NodeJS.Signals): void {
    this.stopping = true;
    for (const m of this.members) {
      m.expectedExit = true;
      if (m.child?.exitCode === null) m.child.kill(signal);
    }
  }

  async rollingRestart(): Promise<void> {
    if (this.restarting || this.stopping) return;
    this.restarting = true;
    try {
      for (const m of this.members) {
        if (this.stopping) return;
        this.say(m, 'rolling restart: draining');
        await this.stopMember(m, 'SIGTERM');
        if (this.stopping) return;
        this.spawn(m);
        await this.waitReady(m);
        this.say(m, 'rolling restart: back');
      }
    } finally {
      this.restarting = false;
    }
  }

  get running(): number {
    return this.members.filter((m) => m.child?.exitCode === null).length;
  }

  private spawn(m: Member): void {
    const o = this.options;
    const child = spawn(process.execPath, SERVER_ARGS, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        PORT: String(m.port),
        HOST: o.host,
        PUBLIC_ADDRESS: `${o.publicHost}:${m.port}`,
        REDIS_URL: o.redisUrl,
        REDIS_KEY_PREFIX: o.keyPrefix,
        DATABASE_URL: o.databaseUrl,
        // A page served by one process plays in rooms on the others: each must accept its origin,
        // and a guest token from one must verify on all.
        ALLOWED_ORIGINS: process.env.ALLOWED_ORIGINS || this.clusterOrigins(),
        AUTH_SECRET: this.authSecret,
      },
    });
    m.child = child;
    m.expectedExit = false;
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        if (line.trim()) process.stdout.write(`[p${m.index + 1}] ${line}\n`);
      });
    }
    child.once('exit', (code, signal) => this.exited(m, child, code, signal));
  }

  private exited(m: Member, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (m.child !== child) return;
    this.say(m, `exited (${signal ?? code})`);
    if (m.expectedExit || this.stopping) {
      if (this.stopping && this.running === 0) process.exit(0);
      return;
    }
    const now = Date.now();
    m.crashes = m.crashes.filter((t) => now - t < 60_000).concat(now);
    if (m.crashes.length > MAX_CRASHES_PER_MINUTE) {
      this.say(m, `crashed ${m.crashes.length} times in a minute: not restarting it`);
      return;
    }
    setTimeout(() => { if (!this.stopping) this.spawn(m); }, 1000).unref();
  }

  private stopMember(m: Member, signal: NodeJS.Signals): Promise<void> {
    const child = m.child;
    if (!child || child.exitCode !== null) return Promise.resolve();
    m.expectedExit = true;
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  private async waitReady(m: Member): Promise<void> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    while (Date.now() < deadline && !this.stopping) {
      try {
        const res = await fetch(`http://127.0.0.1:${m.port}/readyz`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    this.say(m, 'did not become ready in time; continuing');
  }

  private say(m: Member, text: string): void {
    process.stdout.write(`[cluster] p${m.index + 1} (port ${m.port}): ${text}\n`);
  }
}

async function main(): Promise<void> {
  let options: ClusterOptions | 'help';
  try {
    options = parseClusterArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    process.exit(2);
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  try {
    await ensureDatabase(options.databaseUrl);
  } catch (err) {
    process.stderr.write(`[cluster] PostgreSQL at ${redactDatabaseUrl(options.databaseUrl)}: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const cluster = new Cluster(options);
  const last = options.basePort + options.processes - 1;
  process.stdout.write(`[cluster] ${options.processes} processes on ports ${options.basePort}-${last}, redis ${redactRedisUrl(options.redisUrl)}, database ${redactDatabaseUrl(options.databaseUrl)}\n`);
  process.stdout.write(`[cluster] open http://${options.publicHost}:${options.basePort}/ (any of the ports works)\n`);
  process.stdout.write(`[cluster] supervisor pid ${process.pid}: kill -TERM drains, kill -HUP rolls a restart, Ctrl-C stops\n`);
  cluster.start();
  let signals = 0;
  const stop = (signal: NodeJS.Signals) => {
    signals++;
    process.stdout.write(`[cluster] ${signal}: ${signal === 'SIGTERM' && signals === 1 ? 'draining' : 'stopping'} all processes\n`);
    cluster.signal(signals === 1 ? signal : 'SIGINT');
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => {
    process.stdout.write('[cluster] SIGHUP: rolling restart\n');
    void cluster.rollingRestart();
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main();
