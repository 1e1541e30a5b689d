import { matchMaker, type MatchMakerDriver, type Presence } from '@colyseus/core';
import { RedisDriver } from '@colyseus/redis-driver';
import { RedisPresence } from '@colyseus/redis-presence';
import { Redis, type RedisOptions } from 'ioredis';
import { log } from '../observability/log.ts';
import { redactRedisUrl } from './config.ts';
import { GuardedDriver } from './guardedDriver.ts';
import { RedisHealth } from './redisHealth.ts';

/** How long a process waits at startup for Redis before giving up with a clear error. */
const STARTUP_WAIT_MS = 5000;
/** How often a process looks for peers that died without saying so (kill -9, lost machine). */
export const DEAD_PROCESS_SWEEP_MS = 5000;
/** No dead-process sweep this soon after Redis comes back (peers are still re-subscribing). */
const SWEEP_PAUSE_AFTER_RECOVERY_MS = 10_000;

export interface ScaleOut {
  presence: Presence;
  driver: MatchMakerDriver;
  health: RedisHealth;
  /** Start the periodic work that needs the matchmaker (call after the server listens). */
  start(): void;
  close(): Promise<void>;
}

/**
 * ioredis settings for running through Redis faults. Commands wait for a reconnection rather
 * than fail (`maxRetriesPerRequest: null`), so listing updates made during an outage are not
 * lost; whatever must not wait (matchmaking) is gated by `RedisHealth` instead. Reconnection is
 * retried forever, at most one second apart, so recovery needs no restart.
 */
export function redisOptions(keyPrefix: string): RedisOptions {
  return {
    keyPrefix: keyPrefix || undefined,
    maxRetriesPerRequest: null,
    enableOfflineQueue: true,
    retryStrategy: (attempt: number) => Math.min(100 * attempt, 1000),
    connectTimeout: 2000,
    keepAlive: 5000,
  };
}

/** Redis presence that lets the health check watch its subscriber connection too. */
class WatchedRedisPresence extends RedisPresence {
  get connections() {
    return [this.pub, this.sub] as const;
  }
}

/**
 * Colyseus' Redis presence and driver for one process of a cluster, plus what keeps them
 * honest under faults: a health check, fail-fast matchmaking reads, re-announcing this
 * process' rooms when Redis comes back (it may have restarted empty), and a sweep that
 * removes the listings of peers that died without shutting down.
 */
export async function connectScaleOut(url: string, keyPrefix: string, matchmakeTimeoutMs: number): Promise<ScaleOut> {
  const shown = redactRedisUrl(url);
  const connection = new Redis(url, redisOptions(keyPrefix));
  const presence = new WatchedRedisPresence(connection);
  const [pub, sub] = presence.connections;
  const health = new RedisHealth(pub, [pub, sub]);
  const driver = new GuardedDriver(new RedisDriver(connection), health, matchmakeTimeoutMs);

  try {
    await health.waitUntilUp(STARTUP_WAIT_MS);
  } catch (err) {
    health.stop();
    connection.disconnect();
    sub.disconnect();
    throw new Error(`Redis at ${shown} is unreachable (${(err as Error).message}); start it or fix REDIS_URL`);
  }
  log.info({ redis: shown, keyPrefix: keyPrefix || undefined }, 'scale-out: connected to redis');

  let sweepTimer: ReturnType<typeof setInterval> | undefined;
  let sweeping = false;
  let started = false;
  let recoveredAt = 0;
  const sweep = async () => {
    // Right after an outage, live peers may not have re-subscribed yet: they would look dead.
    if (sweeping || !health.up || Date.now() - recoveredAt < SWEEP_PAUSE_AFTER_RECOVERY_MS) return;
    sweeping = true;
    try {
      await matchMaker.healthCheckAllProcesses();
    } catch (err) {
      log.warn({ err }, 'dead-process sweep failed');
    } finally {
      sweeping = false;
    }
  };

  health.onChange((up, reason) => {
    if (!up) {
      log.warn({ redis: shown, reason }, 'redis unavailable: rooms keep running, matchmaking refused until it is back');
      return;
    }
    log.info({ redis: shown }, 'redis is back');
    recoveredAt = Date.now();
    if (!started) return;
    // Redis may have restarted empty or failed over: put this process and its rooms back.
    Promise.resolve()
      .then(() => matchMaker.stats.persist(true))
      .then(() => matchMaker.restoreMissingRoomCaches())
      .then(() => log.info('room listings re-announced'))
      .catch((err: unknown) => log.warn({ err }, 're-announcing room listings failed'));
  });

  return {
    presence,
    driver,
    health,
    start() {
      started = true;
      sweepTimer = setInterval(() => void sweep(), DEAD_PROCESS_SWEEP_MS);
      sweepTimer.unref();
    },
    async close() {
      clearInterval(sweepTimer);
      health.stop();
      // Colyseus quits the connections on shutdown; make sure nothing is left if it did not.
      for (const c of [pub, sub]) if (c.status !== 'end') c.disconnect();
    },
  };
}
