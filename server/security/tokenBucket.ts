import type { BucketLimit } from './limits.ts';

export type BucketVerdict = 'ok' | 'dropped' | 'abusive';

/**
 * A token bucket with an overflow meter. Tokens refill at `ratePerS` up to `burst`; a take with
 * no token left is dropped. Drops fill a second meter that drains at the same rate: a client
 * that went over once is just dropped, one that keeps going over for `burst` more messages than
 * the bucket forgives is `abusive` (the caller closes it). Time is passed in (milliseconds,
 * monotonic), so the same bucket serves tests and production.
 */
export class TokenBucket {
  private tokens: number;
  private overflow = 0;
  private lastMs: number;

  constructor(private readonly limit: BucketLimit, nowMs: number) {
    this.tokens = limit.burst;
    this.lastMs = nowMs;
  }

  take(nowMs: number): BucketVerdict {
    this.refill(nowMs);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 'ok';
    }
    this.overflow += 1;
    return this.overflow > this.limit.burst ? 'abusive' : 'dropped';
  }

  /**
   * Spend `tokens` whatever is left (the balance may go below zero: a debt the refill pays back
   * before the next take can succeed), or give them back with a negative count (never above the burst).
   */
  charge(nowMs: number, tokens: number): void {
    this.refill(nowMs);
    this.tokens = Math.min(this.limit.burst, this.tokens - tokens);
  }

  /** How long until `take` would succeed again (0: now). The true wait, for `Retry-After`. */
  waitMs(nowMs: number): number {
    this.refill(nowMs);
    const owed = this.overflow + 1 - this.tokens;
    return owed <= 0 ? 0 : (owed / this.limit.ratePerS) * 1000;
  }

  /** Whole tokens left right now (for tests and diagnostics). */
  available(nowMs: number): number {
    this.refill(nowMs);
    return Math.floor(this.tokens);
  }

  /** True once the bucket is full again and nothing is owed: safe to forget. */
  idle(nowMs: number): boolean {
    this.refill(nowMs);
    return this.tokens >= this.limit.burst && this.overflow === 0;
  }

  private refill(nowMs: number): void {
    const elapsedS = Math.max(0, nowMs - this.lastMs) / 1000;
    this.lastMs = Math.max(this.lastMs, nowMs);
    const gained = elapsedS * this.limit.ratePerS;
    // Refill pays off the overflow meter first: it drains at the sustained rate.
    const paid = Math.min(this.overflow, gained);
    this.overflow -= paid;
    this.tokens = Math.min(this.limit.burst, this.tokens + gained - paid);
  }
}

/**
 * One bucket per key (a client address), with bounded memory: full, idle buckets are swept, and
 * past `maxKeys` the least recently used key is forgotten (a forgotten key starts with a full
 * bucket again, which is the safe direction only for keys nobody has used for a while).
 */
export class KeyedBuckets {
  private readonly buckets = new Map<string, TokenBucket>();
  private lastSweepMs = 0;

  constructor(private readonly limit: BucketLimit, private readonly maxKeys: number) {}

  take(key: string, nowMs: number): BucketVerdict {
    return this.bucket(key, nowMs).take(nowMs);
  }

  /** The bucket of `key` (a full one if the key is new), marked as the most recently used. */
  bucket(key: string, nowMs: number): TokenBucket {
    this.sweep(nowMs);
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.limit, nowMs);
      if (this.buckets.size >= this.maxKeys) this.evictOldest();
    } else {
      // Re-insert so Map order is least- to most-recently used.
      this.buckets.delete(key);
    }
    this.buckets.set(key, bucket);
    return bucket;
  }

  get size(): number {
    return this.buckets.size;
  }

  /** Forget every bucket that is full again (runs at most once a second from `take`). */
  sweep(nowMs: number, force = false): void {
    if (!force && nowMs - this.lastSweepMs < 1000) return;
    this.lastSweepMs = nowMs;
    for (const [key, bucket] of this.buckets) if (bucket.idle(nowMs)) this.buckets.delete(key);
  }

  private evictOldest(): void {
    const oldest = this.buckets.keys().next();
    if (!oldest.done) this.buckets.delete(oldest.value);
  }
}

/** Sustained per-minute rate as a bucket whose burst is half a minute's worth (at least 5). */
export function perMinute(count: number): BucketLimit {
  return { ratePerS: count / 60, burst: Math.max(5, Math.ceil(count / 2)) };
}

/** A wait in milliseconds as a `Retry-After` value: whole seconds, rounded up, at least 1. */
export function retryAfterSeconds(waitMs: number): string {
  return String(Math.max(1, Math.ceil(waitMs / 1000)));
}
