import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The machine's shared Redis; tests use it only under their own key prefix, and clean up. */
export const SHARED_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test or cluster on the machine uses. */
export function uniqueKeyPrefix(label: string): string {
  return `arena-test:${label}:${randomBytes(4).toString('hex')}:`;
}

/** Keys under `prefix` (SCAN, bounded). */
export async function keysWithPrefix(url: string, prefix: string): Promise<string[]> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined); // surfaced by the commands below
  try {
    await redis.connect();
    const keys: string[] = [];
    let cursor = '0';
    for (let i = 0; i < 10_000; i++) {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      keys.push(...batch);
      cursor = next;
      if (cursor === '0') break;
    }
    return keys;
  } finally {
    redis.disconnect();
  }
}

/** Delete every key under `prefix`. */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<void> {
  const keys = await keysWithPrefix(url, prefix);
  if (keys.length === 0) return;
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
}
