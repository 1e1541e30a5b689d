import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';

/** Child processes for the benchmark: optionally pinned to one core with `taskset`, talking over IPC. */

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface Pinning {
  /** `taskset -c` core list for the server, e.g. "0". */
  server: string;
  /** Core list for the bot processes, e.g. "1" or "1-3". */
  bots: string;
  /** Bot worker processes: one per bot core. */
  botWorkers: number;
}

/** Count the cores in a taskset list such as "1", "1-3" or "1,3,5-6". */
export function coreCount(list: string): number {
  let n = 0;
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number);
    if (!Number.isInteger(a) || (b !== undefined && (!Number.isInteger(b) || b < a!))) throw new Error(`bad core list "${list}"`);
    n += b === undefined ? 1 : b - a! + 1;
  }
  return n;
}

/** Where to pin the server and the bots, or null when pinning is impossible here (one core, no taskset). */
export function pinning(serverCores = '0', botCores = '1'): Pinning | null {
  if (availableParallelism() < 2) return null;
  const probe = spawnSync('taskset', ['-c', serverCores, 'true'], { stdio: 'ignore' });
  return probe.status === 0 ? { server: serverCores, bots: botCores, botWorkers: coreCount(botCores) } : null;
}

export interface Child<Req, Rep> {
  process: ChildProcess;
  send(message: Req): void;
  /** The next message matching `match`, or a rejection after `timeoutMs`. */
  next<T extends Rep>(match: (m: Rep) => m is T, timeoutMs: number, what: string): Promise<T>;
  stop(message: Req, timeoutMs?: number): Promise<void>;
}

/**
 * Start a benchmark process. With `profile`, it writes a CPU profile of each measurement window
 * (bench/windowProfiler.ts) into `profile.dir`, named after `profile.label`.
 */
export function startChild<Req, Rep extends { type: string }>(script: string, cores: string | null, env: Record<string, string> = {}, profile?: { dir: string; label: string }, flags: string[] = []): Child<Req, Rep> {
  // BENCH_NODE_ARGS: extra V8/Node flags for every bench process (e.g. `--trace-gc`, which NODE_OPTIONS refuses); `flags`: this one's.
  const extra = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
  const nodeArgs = [...extra, ...flags, '--import', TSX_LOADER, script];
  const [cmd, args] = cores === null ? [process.execPath, nodeArgs] : ['taskset', ['-c', cores, process.execPath, ...nodeArgs]];
  const profiling = profile === undefined ? {} : { BENCH_PROFILE_DIR: profile.dir, BENCH_PROFILE_LABEL: profile.label };
  const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, LOG_LEVEL: 'warn', ...env, ...profiling } });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    process: child,
    send(message) { if (child.connected) child.send(message as object); },
    next(match, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { cleanup(); reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)); }, timeoutMs);
        const onMessage = (m: Rep) => {
          if (m.type === 'fatal') { cleanup(); reject(new Error(`${script}: ${(m as unknown as { message: string }).message}`)); }
          else if (match(m)) { cleanup(); resolve(m); }
        };
        const onExit = (code: number | null) => { cleanup(); reject(new Error(`${script} exited (${code}) while waiting for ${what}`)); };
        const cleanup = () => { clearTimeout(timer); child.off('message', onMessage); child.off('exit', onExit); };
        child.on('message', onMessage);
        child.once('exit', onExit);
      });
    },
    async stop(message, timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (child.connected) child.send(message as object);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
