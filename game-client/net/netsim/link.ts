import { nextRandom } from '../../../shared/rng.ts';

/**
 * One direction of a simulated network path, with TCP's delivery semantics: every message
 * arrives, in order. What varies is *when*:
 *
 * - `latencyMs` one-way base delay, plus a uniform `±jitterMs`;
 * - `lossRate`: a lost segment is retransmitted after `retransmitMs` (default: RFC 6298's
 *   RTO, `max(200, rtt + 4 x jitter)` with rtt taken as twice this path's latency), and since
 *   delivery is in order, everything sent after it waits too (head-of-line blocking). The
 *   retransmission itself is not lost again (a simplification: it bounds a stall at one RTO);
 * - `kbps`: a bandwidth cap; a message occupies the link for its size, later ones queue.
 *
 * Pure: the caller supplies the clock and the generator seed, so tests are exact.
 */
export interface LinkConfig {
  latencyMs: number;
  jitterMs: number;
  /** 0..1 */
  lossRate: number;
  retransmitMs?: number;
  /** Kilobits per second; 0 or absent: unlimited. */
  kbps?: number;
}

export class LinkModel {
  private rng: number;
  private lastDeliverAtMs = -Infinity;
  private linkFreeAtMs = -Infinity;
  /** Messages whose delivery was held up by a retransmission (counted once each). */
  lost = 0;
  readonly retransmitMs: number;

  constructor(readonly config: LinkConfig, seed: number) {
    this.rng = seed >>> 0;
    this.retransmitMs = config.retransmitMs ?? Math.max(200, 2 * config.latencyMs + 4 * config.jitterMs);
  }

  private random(): number {
    const r = nextRandom(this.rng);
    this.rng = r.state;
    return r.value;
  }

  /** When a message of `bytes` handed to the link at `nowMs` is delivered. */
  schedule(nowMs: number, bytes: number): number {
    const { latencyMs, jitterMs, lossRate, kbps } = this.config;
    let sentAt = nowMs;
    if (kbps !== undefined && kbps > 0) {
      const start = Math.max(nowMs, this.linkFreeAtMs);
      this.linkFreeAtMs = start + (bytes * 8) / kbps;
      sentAt = this.linkFreeAtMs;
    }
    let at = sentAt + latencyMs + (jitterMs > 0 ? (this.random() * 2 - 1) * jitterMs : 0);
    if (lossRate > 0 && this.random() < lossRate) {
      this.lost++;
      at += this.retransmitMs;
    }
    // In order: nothing overtakes what was sent before it.
    at = Math.max(at, this.lastDeliverAtMs, nowMs);
    this.lastDeliverAtMs = at;
    return at;
  }
}

/** A FIFO whose items come due at non-decreasing times, drained by one timer. */
export class DelayQueue<T> {
  private readonly items: Array<{ at: number; item: T }> = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly deliver: (item: T) => void, private readonly now: () => number = () => performance.now()) {}

  push(atMs: number, item: T): void {
    this.items.push({ at: atMs, item });
    if (this.items.length === 1) this.arm();
  }

  get size(): number {
    return this.items.length;
  }

  clear(): void {
    this.items.length = 0;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    const head = this.items[0];
    if (head === undefined) {
      this.timer = undefined;
      return;
    }
    this.timer = setTimeout(() => this.drain(), Math.max(0, head.at - this.now()));
  }

  private drain(): void {
    this.timer = undefined;
    const now = this.now();
    // Bounded by the queue length at entry: delivery callbacks may push more.
    let budget = this.items.length;
    while (budget-- > 0 && this.items.length > 0 && this.items[0]!.at <= now + 0.5) {
      const { item } = this.items.shift()!;
      this.deliver(item);
    }
    this.arm();
  }
}
