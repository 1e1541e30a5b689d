import { Counter, Gauge } from 'prom-client';
import { log } from '../../observability/log.ts';
import { registry } from '../../observability/metrics.ts';

/**
 * Writes that must not run on a room's tick: the room hands them over and goes on. One write runs
 * at a time, in order; a failed write (the database is down) is retried with backoff, keeping its
 * place, so finished matches wait here while the database is away and are written when it returns.
 * The queue is bounded: past `max` the oldest waiting write is refused, with an error log line and
 * `game_store_writes_refused_total`, never silently. A checkpoint replaces its match's waiting
 * checkpoint, and a match's final write replaces both (nothing a later write supersedes is kept).
 */
export interface QueuedWrite {
  /** `final:<matchId>` or `checkpoint:<matchId>`: the key that supersedes. */
  key: string;
  matchId: string;
  kind: 'final' | 'checkpoint';
  run(): Promise<void>;
}

const RETRY_FIRST_MS = 250;
const RETRY_MAX_MS = 5000;

let queuesNow: () => number = () => 0;
const queueLength = new Gauge({
  name: 'game_store_queue_length',
  help: 'Match records and checkpoints waiting to be written to the database',
  registers: [registry],
  collect() { this.set(queuesNow()); },
});
void queueLength;
export const storeWritesTotal = new Counter({
  name: 'game_store_writes_total',
  help: 'Writes of match records and checkpoints, by kind and outcome (ok, retried, refused)',
  labelNames: ['kind', 'outcome'] as const,
  registers: [registry],
});

export class WriteQueue {
  private readonly waiting: QueuedWrite[] = [];
  private running: Promise<void> | undefined;
  private retryMs = RETRY_FIRST_MS;
  private failing = false;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(private readonly max: number) {
    queuesNow = () => this.waiting.length;
  }

  get length(): number {
    return this.waiting.length;
  }

  push(write: QueuedWrite): void {
    if (this.stopped) {
      log.error({ matchId: write.matchId, kind: write.kind }, 'store closed: match record refused');
      storeWritesTotal.inc({ kind: write.kind, outcome: 'refused' });
      return;
    }
    // The write at the head may be under way: it is neither superseded nor refused.
    const first = this.running !== undefined ? 1 : 0;
    for (let i = this.waiting.length - 1; i >= first; i--) {
      const w = this.waiting[i]!;
      if (w.matchId === write.matchId && w.kind === 'checkpoint') this.waiting.splice(i, 1);
    }
    this.waiting.push(write);
    while (this.waiting.length - first > this.max) {
      const [refused] = this.waiting.splice(first, 1);
      storeWritesTotal.inc({ kind: refused!.kind, outcome: 'refused' });
      log.error({ matchId: refused!.matchId, kind: refused!.kind, queueMax: this.max }, 'store write queue full: oldest match record refused');
    }
    this.pump();
  }

  /** Resolves once every waiting write is done, or after `timeoutMs` (then false). */
  async flush(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline && (this.waiting.length > 0 || this.running !== undefined)) {
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.waiting.length === 0 && this.running === undefined;
  }

  /** Stop taking writes; what still waits is logged as lost. */
  stop(): void {
    this.stopped = true;
    this.wake?.();
    for (const w of this.waiting.splice(0)) {
      storeWritesTotal.inc({ kind: w.kind, outcome: 'refused' });
      log.error({ matchId: w.matchId, kind: w.kind }, 'store closed before this match record was written');
    }
  }

  private pump(): void {
    if (this.running !== undefined || this.waiting.length === 0 || this.stopped) return;
    this.running = this.drain().finally(() => {
      this.running = undefined;
      this.pump();
    });
  }

  private async drain(): Promise<void> {
    while (this.waiting.length > 0 && !this.stopped) {
      const write = this.waiting[0]!;
      try {
        await write.run();
        if (this.waiting[0] === write) this.waiting.shift();
        storeWritesTotal.inc({ kind: write.kind, outcome: 'ok' });
        if (this.failing) log.info({ waiting: this.waiting.length }, 'store writes resumed');
        this.failing = false;
        this.retryMs = RETRY_FIRST_MS;
      } catch (err) {
        storeWritesTotal.inc({ kind: write.kind, outcome: 'retried' });
        if (!this.failing) log.warn({ err: (err as Error).message, matchId: write.matchId, waiting: this.waiting.length }, 'store write failed: retrying');
        this.failing = true;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.retryMs);
          this.wake = () => { clearTimeout(timer); resolve(); };
        });
        this.wake = undefined;
        this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
      }
    }
  }
}
