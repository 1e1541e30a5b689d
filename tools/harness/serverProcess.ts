import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLIENT_FLAVOURS } from '../../game-client/flavours.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/**
 * The client the browser tests are served: the debug build (test/helpers/globalSetup.ts builds
 * it), the release client plus the window.__arena hook the tests read the game through.
 */
export const DEBUG_CLIENT_DIR = path.join(ROOT, CLIENT_FLAVOURS.debug);

export interface ServerProcess {
  child: ChildProcess;
  /** The URL the server printed for players. */
  url: string;
  port: number;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves with the exit code (null when killed by a signal) once the process has exited. */
  exited: Promise<number | null>;
}

/** A port that was free a moment ago (for servers that must know their port before listening). */
export async function freePort(): Promise<number> {
  return (await freePorts(1))[0]!;
}

/** Most probes `freePorts` opens for `count` ports (the ones it must skip included). */
const FREE_PORT_PROBES_MAX = 64;

/**
 * `count` distinct ports that were free a moment ago, none of them in `avoid` (ports handed out
 * earlier and not bound yet). The probes stay open until all are found: the kernel may hand out a
 * port it just got back, so ports asked for one after the other can repeat (two listeners of the
 * nginx test once got the same one, and nginx refused its configuration).
 */
export async function freePorts(count: number, avoid: readonly number[] = []): Promise<number[]> {
  const probes: Server[] = [];
  const ports: number[] = [];
  try {
    while (ports.length < count) {
      if (probes.length >= FREE_PORT_PROBES_MAX) throw new Error(`no ${count} free ports outside ${avoid.join(', ')} in ${FREE_PORT_PROBES_MAX} tries`);
      const probe = createServer();
      probes.push(probe);
      const port = await new Promise<number>((resolve, reject) => {
        probe.once('error', reject);
        probe.listen(0, '127.0.0.1', () => resolve((probe.address() as { port: number }).port));
      });
      if (!avoid.includes(port)) ports.push(port);
    }
    return ports;
  } finally {
    await Promise.all(probes.map((probe) => new Promise<void>((resolve) => { if (probe.listening) probe.close(() => resolve()); else resolve(); })));
  }
}

/**
 * Run the server the way `npm start` does (server/main.ts, serving the built client) as a child
 * process, on an ephemeral port, and wait for the URL it prints. `script` runs another entry
 * that prints the same line (e.g. test/helpers/hitchServer.ts); its stdin is a pipe. One process,
 * no wrapper: the tsx loader runs inside it, so signals (SIGTERM, SIGKILL) reach the server itself.
 */
export async function startServerProcess(env: Record<string, string> = {}, timeoutMs = 20_000, script = 'server/main.ts'): Promise<ServerProcess> {
  // A results store of its own under the run's DATA_DIR (the test run sets one), unless the caller
  // names one: processes of unrelated tests sharing one SQLite file waited on each other's write
  // locks (node:sqlite blocks the event loop, up to its 5 s busy timeout) on a loaded machine.
  const dataDir = env.DATA_DIR ?? (process.env.DATA_DIR === undefined ? undefined : mkdtempSync(path.join(process.env.DATA_DIR, 'process-')));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', CLIENT_DIR: DEBUG_CLIENT_DIR, ...env, ...(dataDir === undefined ? {} : { DATA_DIR: dataDir }) },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  // Never outlive the test process, even when a hook times out before stop() runs.
  const reap = () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); };
  process.once('exit', reap);
  child.once('exit', () => process.off('exit', reap));
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // A server that fails (exit code other than 0) leaves what it printed where a failed run can be read.
  void exited.then((code) => {
    if (code === null || code === 0) return;
    const dir = path.join(ROOT, 'test/artifacts');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `server-${child.pid}-exit-${code}.log`), out);
  });

  const url = await new Promise<string>((resolve, reject) => {
    // A server that never came up is stopped at once, not left running until the test process exits.
    const timer = setTimeout(() => { reap(); reject(new Error(`server did not print its URL within ${timeoutMs} ms:\n${out}`)); }, timeoutMs);
    const onData = () => {
      const m = out.match(/open (http:\/\/\S+\/) in your browser/);
      if (m) { clearTimeout(timer); child.stdout!.off('data', onData); resolve(m[1]!); }
    };
    child.stdout!.on('data', onData);
    exited.then((code) => { clearTimeout(timer); reject(new Error(`server exited (${code}) before listening:\n${out}`)); });
  });
  return {
    child,
    url: url.replace('localhost', '127.0.0.1'),
    port: Number(new URL(url).port),
    output: () => out,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
