import { ServerError, type IRoomCache, type MatchMakerDriver, type SortOptions } from '@colyseus/core';
import { log } from '../observability/log.ts';
import type { RedisHealth } from './redisHealth.ts';

/** HTTP status and message prefix of a matchmaking request refused because Redis is unavailable. */
export const MATCHMAKING_UNAVAILABLE = { status: 503, prefix: 'matchmaking_unavailable' } as const;

export function matchmakingUnavailable(detail: string): ServerError {
  return new ServerError(MATCHMAKING_UNAVAILABLE.status, `${MATCHMAKING_UNAVAILABLE.prefix}: ${detail}`);
}

/** Settle with `promise`, or reject with `onTimeout()` after `ms`. */
export function withTimeout<T>(promise: PromiseLike<T>, ms: number, onTimeout: () => Error): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(onTimeout()), ms);
    Promise.resolve(promise).then(
      (v) => { clearTimeout(timer); resolve(v); },
      (e: unknown) => { clearTimeout(timer); reject(e); },
    );
  });
}

/**
 * The Redis room-listing driver, made safe for Redis faults.
 *
 * - Reads (matchmaking, the room list) fail at once with `matchmaking_unavailable` while Redis
 *   is down, and after `readTimeoutMs` if it stalls mid-request: a player gets an answer, not a spinner.
 * - Writes (a room's listing changing as players come and go, a room disposing) never throw and
 *   never make a room wait for Redis: they are queued on the connection (ioredis' offline queue,
 *   in order) and land when Redis is back. A room disposing during an outage still stops ticking.
 */
export class GuardedDriver implements MatchMakerDriver {
  constructor(
    private readonly inner: MatchMakerDriver,
    private readonly health: RedisHealth,
    private readonly readTimeoutMs: number,
  ) {}

  has(roomId: string): Promise<boolean> {
    return this.read(() => this.inner.has(roomId));
  }

  query(conditions: Partial<IRoomCache>, sortOptions?: SortOptions): Promise<IRoomCache[]> {
    return this.read(() => this.inner.query(conditions, sortOptions));
  }

  findOne(conditions: Partial<IRoomCache>, sortOptions?: SortOptions): Promise<IRoomCache> {
    return this.read(() => this.inner.findOne(conditions, sortOptions));
  }

  findByIds(roomIds: string[]): Promise<Map<string, IRoomCache>> {
    return this.read(() => this.inner.findByIds(roomIds));
  }

  update(room: IRoomCache, operations: Partial<{ $set: Partial<IRoomCache>; $inc: Partial<IRoomCache> }>): Promise<boolean> {
    return this.write('update', () => this.inner.update(room, operations));
  }

  persist(room: IRoomCache, create?: boolean): Promise<boolean> {
    return this.write('persist', () => this.inner.persist(room, create));
  }

  remove(roomId: string): Promise<boolean> {
    return this.write('remove', () => this.inner.remove(roomId));
  }

  async cleanup(processId: string): Promise<void> {
    // Reads the listing first: only meaningful (and only safe to wait for) with Redis up.
    if (!this.health.up || !this.inner.cleanup) return;
    await withTimeout(this.inner.cleanup(processId), this.readTimeoutMs, () => matchmakingUnavailable('cleanup timed out'))
      .catch((err: unknown) => log.warn({ err, processId }, 'room listing cleanup failed'));
  }

  clear(): void | Promise<void> {
    return this.inner.clear();
  }

  boot(): Promise<void> {
    return this.inner.boot?.() ?? Promise.resolve();
  }

  shutdown(): void {
    // The connection is shared with the presence, which quits it; quitting twice would wait
    // forever on a Redis that is down.
  }

  private async read<T>(op: () => PromiseLike<T> | T): Promise<T> {
    if (!this.health.up) throw matchmakingUnavailable(this.health.reason);
    return withTimeout(Promise.resolve(op()), this.readTimeoutMs, () => matchmakingUnavailable('redis did not answer in time'));
  }

  private write(what: string, op: () => PromiseLike<boolean> | boolean): Promise<boolean> {
    const queued = Promise.resolve()
      .then(op)
      .catch((err: unknown) => {
        log.warn({ err, op: what }, 'room listing write failed');
        return false;
      });
    // With Redis down (or stalled) the command waits in the connection's queue; the room does not.
    if (!this.health.up) return Promise.resolve(true);
    return withTimeout(queued, this.readTimeoutMs, () => new Error('write timed out')).catch(() => true);
  }
}
