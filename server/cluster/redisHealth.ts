import type { Cluster, Redis } from 'ioredis';

type Connection = Redis | Cluster;

export interface RedisHealthOptions {
  /** How often Redis is pinged. */
  intervalMs: number;
  /** A ping unanswered this long means Redis is stalled (e.g. frozen with SIGSTOP, or a partition). */
  timeoutMs: number;
}

export const DEFAULT_REDIS_HEALTH: RedisHealthOptions = { intervalMs: 1000, timeoutMs: 1500 };

/**
 * Whether Redis answers right now. A closed connection is noticed at once (ioredis events);
 * a stalled one (socket open, no replies) by a ping that stays unanswered. Matchmaking reads
 * this to fail fast instead of queueing behind a Redis that is not there.
 */
export class RedisHealth {
  private upNow = false;
  private why = 'connecting';
  private pingStartedAt = 0;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly listeners = new Set<(up: boolean, reason: string) => void>();

  constructor(
    private readonly pinged: Connection,
    private readonly watched: readonly Connection[],
    private readonly options: RedisHealthOptions = DEFAULT_REDIS_HEALTH,
  ) {
    for (const connection of watched) {
      for (const event of ['close', 'end', 'reconnecting'] as const) connection.on(event, () => this.probe());
      connection.on('ready', () => this.probe());
    }
    this.timer = setInterval(() => this.probe(), options.intervalMs);
    this.timer.unref();
    this.probe();
  }

  get up(): boolean {
    return this.upNow;
  }

  /** Why Redis is considered down ('ok' when up). */
  get reason(): string {
    return this.why;
  }

  /** Called on every change between up and down. Returns its unsubscribe. */
  onChange(listener: (up: boolean, reason: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once Redis answers, or rejects after `timeoutMs`. */
  waitUntilUp(timeoutMs: number): Promise<void> {
    if (this.upNow) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { off(); reject(new Error(this.why)); }, timeoutMs);
      const off = this.onChange((up) => {
        if (!up) return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  stop(): void {
    clearInterval(this.timer);
    this.listeners.clear();
  }

  private probe(): void {
    const notReady = this.watched.find((c) => c.status !== 'ready');
    if (notReady) {
      this.pingStartedAt = 0;
      this.set(false, `redis connection is ${notReady.status}`);
      return;
    }
    if (this.pingStartedAt !== 0) {
      // One ping in flight at a time: a stalled Redis must not collect a queue of them.
      if (Date.now() - this.pingStartedAt > this.options.timeoutMs) this.set(false, 'redis is not answering');
      return;
    }
    const startedAt = Date.now();
    this.pingStartedAt = startedAt;
    this.pinged.ping().then(
      () => {
        if (this.pingStartedAt !== startedAt) return;
        this.pingStartedAt = 0;
        if (this.watched.every((c) => c.status === 'ready')) this.set(true, 'ok');
      },
      (err: Error) => {
        if (this.pingStartedAt === startedAt) this.pingStartedAt = 0;
        this.set(false, `redis ping failed: ${err.message}`);
      },
    );
  }

  private set(up: boolean, reason: string): void {
    this.why = reason;
    if (up === this.upNow) return;
    this.upNow = up;
    for (const listener of [...this.listeners]) listener(up, reason);
  }
}
