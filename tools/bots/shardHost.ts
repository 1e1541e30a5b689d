import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Shard } from './shard.ts';
import type { FromWorker, LinkFactory, LinkTarget, ShardSpec, ShardTotals, ToWorker } from './types.ts';

/** The arena's link module, used when a spec names none. */
export const ARENA_LINK_MODULE = fileURLToPath(new URL('./arenaLinks.ts', import.meta.url));
/** Link modules of the other games' rooms, used when a spec names none (`--room ball`). */
const GAME_LINK_MODULES: Readonly<Record<string, string>> = { ball: fileURLToPath(new URL('./ballLinks.ts', import.meta.url)) };
const WORKER_ENTRY = fileURLToPath(new URL('./worker.ts', import.meta.url));
/** How long a worker may take to answer a request before it is treated as dead. */
const WORKER_REPLY_TIMEOUT_MS = 15_000;
/** A worker's stop covers its bots' leave grace (shard.ts) plus process start-up slack. */
const WORKER_STOP_TIMEOUT_MS = 20_000;

/** A shard wherever it runs: in this process, or in a worker process. */
export interface ShardHost {
  start(onProgress: (totals: ShardTotals) => void): Promise<void>;
  mark(): void;
  totals(sinceMark: boolean): Promise<ShardTotals>;
  stop(): Promise<ShardTotals>;
}

export async function loadLinkFactory(modulePath: string | undefined, target: LinkTarget): Promise<LinkFactory> {
  const mod = (await import(pathToFileURL(modulePath ?? GAME_LINK_MODULES[target.roomName] ?? ARENA_LINK_MODULE).href)) as { createLinkFactory?: (t: LinkTarget) => LinkFactory };
  if (typeof mod.createLinkFactory !== 'function') throw new Error(`${modulePath} does not export createLinkFactory(target)`);
  return mod.createLinkFactory(target);
}

export class LocalShardHost implements ShardHost {
  private shard: Shard | undefined;

  constructor(private readonly spec: ShardSpec) {}

  async start(onProgress: (totals: ShardTotals) => void): Promise<void> {
    this.shard = new Shard(this.spec, await loadLinkFactory(this.spec.linkModule, this.spec.target));
    this.shard.start(onProgress);
  }

  mark(): void {
    this.shard?.mark();
  }

  async totals(sinceMark: boolean): Promise<ShardTotals> {
    return this.shard!.totals(sinceMark);
  }

  stop(): Promise<ShardTotals> {
    return this.shard!.stop();
  }
}

/** tsx's loader, so a worker runs TypeScript whether we were started by tsx, npm or vitest. */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

/**
 * A shard in its own process (a whole event loop and heap for its bots). Workers ignore Ctrl-C
 * (the terminal sends it to the whole process group): the coordinator stops them, so each one
 * still reports what its bots saw.
 */
export class ForkedShardHost implements ShardHost {
  private child: ChildProcess | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, (totals: ShardTotals) => void>();
  private result: Promise<ShardTotals> | undefined;
  private lastTotals: ShardTotals | undefined;
  private exited: Promise<void> | undefined;
  private failure: string | undefined;

  constructor(private readonly spec: ShardSpec) {}

  start(onProgress: (totals: ShardTotals) => void): Promise<void> {
    const child = fork(WORKER_ENTRY, [], { execArgv: ['--import', tsxLoader()], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child = child;
    let resolveResult!: (t: ShardTotals) => void;
    this.result = new Promise((resolve) => { resolveResult = resolve; });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    void this.exited.then(() => {
      // A worker that dies still yields its last progress, so the report never hangs on it.
      if (this.lastTotals) resolveResult(this.lastTotals);
      for (const [, reply] of this.waiting) if (this.lastTotals) reply(this.lastTotals);
      this.waiting.clear();
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bot worker ${this.spec.shard} did not start`)), WORKER_REPLY_TIMEOUT_MS);
      child.on('message', (msg: FromWorker) => {
        switch (msg.type) {
          case 'ready':
            this.send({ type: 'start', spec: this.spec });
            clearTimeout(timer);
            resolve();
            break;
          case 'progress':
            this.lastTotals = msg.totals;
            onProgress(msg.totals);
            break;
          case 'totals':
            this.lastTotals ??= msg.totals;
            this.waiting.get(msg.id)?.(msg.totals);
            this.waiting.delete(msg.id);
            break;
          case 'result':
            this.lastTotals = msg.totals;
            resolveResult(msg.totals);
            break;
          case 'fatal':
            this.failure = msg.message;
            clearTimeout(timer);
            reject(new Error(`bot worker ${this.spec.shard}: ${msg.message}`));
            break;
        }
      });
      void this.exited!.then(() => { clearTimeout(timer); reject(new Error(`bot worker ${this.spec.shard} exited${this.failure ? `: ${this.failure}` : ''}`)); });
    });
  }

  mark(): void {
    this.send({ type: 'mark' });
  }

  totals(sinceMark: boolean): Promise<ShardTotals> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiting.delete(id); reject(new Error(`bot worker ${this.spec.shard} did not answer`)); }, WORKER_REPLY_TIMEOUT_MS);
      this.waiting.set(id, (t) => { clearTimeout(timer); resolve(t); });
      this.send({ type: 'totals', id, sinceMark });
    });
  }

  async stop(): Promise<ShardTotals> {
    this.send({ type: 'stop' });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<undefined>((resolve) => { timer = setTimeout(() => resolve(undefined), WORKER_STOP_TIMEOUT_MS); });
    const totals = await Promise.race([this.result!, timedOut]);
    clearTimeout(timer);
    if (this.child && this.child.exitCode === null) {
      const killer = setTimeout(() => this.child?.kill('SIGKILL'), 3000);
      await this.exited;
      clearTimeout(killer);
    }
    if (totals === undefined) {
      if (this.lastTotals) return this.lastTotals;
      throw new Error(`bot worker ${this.spec.shard} reported nothing`);
    }
    return totals;
  }

  private send(message: ToWorker): void {
    if (this.child?.connected) this.child.send(message);
  }
}
