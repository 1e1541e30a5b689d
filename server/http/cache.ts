/**
 * A small time-bounded cache of computed answers (leaderboards, profiles, histories): the same
 * question within `ttlMs` is answered from memory, so a page refreshed by many players costs the
 * database one query. Bounded in entries: the oldest go first.
 */
export class ShortCache<V> {
  private readonly entries = new Map<string, { at: number; value: Promise<V> }>();

  constructor(private readonly ttlMs: number, private readonly maxEntries: number) {}

  get(key: string, compute: () => Promise<V>, nowMs = Date.now()): Promise<V> {
    const hit = this.entries.get(key);
    if (hit !== undefined && nowMs - hit.at < this.ttlMs) return hit.value;
    if (hit !== undefined) this.entries.delete(key);
    const value = compute();
    this.entries.set(key, { at: nowMs, value });
    // A failure is not remembered.
    value.catch(() => { if (this.entries.get(key)?.value === value) this.entries.delete(key); });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  /** Forget one answer (one that must not be reused: a 404, a match still being written). */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Forget every answer whose key starts with `prefix`. */
  deletePrefix(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
