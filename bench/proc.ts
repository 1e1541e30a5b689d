import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';

/** Child processes for the benchmark: optionally pinned to one core with `taskset`, talking over IPC. */

const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Cores to pin the server and the bots to, or null when pinning is impossible here. */
export function pinning(): { server: number; bots: number } | null {
  if (availableParallelism() < 2) return null;
  const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  return probe.status === 0 ? { server: 0, bots: 1 } : null;
}

export interface Child<Req, Rep> {
  process: ChildProcess;
  send(message: Req): void;
  /** The next message matching `match`, or a rejection after `timeoutMs`. */
  next<T extends Rep>(match: (m: Rep) => m is T, timeoutMs: number, what: string): Promise<T>;
  stop(message: Req, timeoutMs?: number): Promise<void>;
}

export function startChild<Req, Rep extends { type: string }>(script: string, core: number | null, env: Record<string, string> = {}): Child<Req, Rep> {
  const nodeArgs = ['--import', TSX_LOADER, script];
  const [cmd, args] = core === null ? [process.execPath, nodeArgs] : ['taskset', ['-c', String(core), process.execPath, ...nodeArgs]];
  const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, LOG_LEVEL: 'warn', ...env } });
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
