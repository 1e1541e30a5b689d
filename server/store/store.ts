import type { Kysely } from 'kysely';
import { log } from '../observability/log.ts';
import { AdminAudit } from './admin/audit.ts';
import type { StoreConfig } from './config.ts';
import { migrate } from './db/migrations.ts';
import { openDatabase, type Engine } from './db/open.ts';
import type { Database, MatchEndReason } from './db/schema.ts';
import { Leaderboards } from './leaderboard/leaderboard.ts';
import { MatchHistory } from './matches/history.ts';
import { MatchStore, type MatchRecord, type RatingChanges } from './matches/records.ts';
import { WriteQueue } from './matches/writeQueue.ts';
import { ProfileStore } from './profiles/profiles.ts';

/**
 * Everything that outlives a match: profiles, match records, ratings, leaderboards, the admin
 * audit, over one Kysely query layer on either engine (server/store/db/open.ts). Rooms never wait
 * on it: their writes go through `queue` (server/store/matches/writeQueue.ts).
 */
export class Store {
  readonly profiles: ProfileStore;
  readonly matches: MatchStore;
  readonly history: MatchHistory;
  readonly leaderboards: Leaderboards;
  readonly audit: AdminAudit;
  readonly queue: WriteQueue;
  /** This process, as match records name it (set once it listens). */
  instance = 'unknown';
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly writtenListeners = new Set<(record: MatchRecord) => void>();

  /** Hear every match record this process writes (caches of histories and profiles forget them). */
  onMatchWritten(listener: (record: MatchRecord) => void): void {
    this.writtenListeners.add(listener);
  }

  constructor(readonly db: Kysely<Database>, readonly engine: Engine, readonly where: string, readonly config: StoreConfig) {
    this.profiles = new ProfileStore(db);
    this.matches = new MatchStore(db, engine === 'postgres');
    this.history = new MatchHistory(db);
    this.leaderboards = new Leaderboards(db);
    this.audit = new AdminAudit(db);
    this.queue = new WriteQueue(config.queueMax);
  }

  /** Queue a running match's checkpoint (replaces one still waiting). */
  checkpoint(record: MatchRecord): void {
    this.queue.push({ key: `checkpoint:${record.id}`, matchId: record.id, kind: 'checkpoint', run: async () => { await this.matches.checkpoint(record); } });
  }

  /** Queue a match's final record; `written` hears the rating changes once it is in the database. */
  finish(record: MatchRecord, reason: MatchEndReason, written?: (changes: RatingChanges | undefined) => void): void {
    this.queue.push({
      key: `final:${record.id}`, matchId: record.id, kind: 'final',
      run: async () => {
        const changes = await this.matches.finish(record, reason);
        log.info({ matchId: record.id, reason, lines: record.lines.length, rated: changes !== undefined && changes.size > 0, duplicate: changes === undefined }, 'match recorded');
        for (const listener of this.writtenListeners) listener(record);
        written?.(changes);
      },
    });
  }

  /**
   * Close matches whose process is gone: this instance's own from before a restart, now, and
   * anyone's whose checkpoints stopped (another process of the cluster died), now and then.
   */
  async startRecovery(instance: string, nowMs = Date.now()): Promise<string[]> {
    this.instance = instance;
    const closed = await this.recover(nowMs);
    this.sweepTimer = setInterval(() => {
      this.recover(Date.now()).catch((err: unknown) => log.warn({ err: (err as Error).message }, 'closing lost matches failed'));
    }, this.staleAfterMs());
    this.sweepTimer.unref();
    return closed;
  }

  /** A running match with no checkpoint for this long has lost its process. */
  staleAfterMs(): number {
    return 3 * this.config.checkpointIntervalS * 1000;
  }

  private async recover(nowMs: number): Promise<string[]> {
    const closed = await this.matches.closeInterrupted(this.instance, nowMs, nowMs - this.staleAfterMs());
    if (closed.length > 0) log.warn({ matchIds: closed }, 'matches of a lost process closed as interrupted');
    return closed;
  }

  /** Write what waits (up to `flushMs`), then close the database. */
  async close(flushMs = 5000): Promise<void> {
    clearInterval(this.sweepTimer);
    const flushed = await this.queue.flush(flushMs);
    if (!flushed) log.error({ waiting: this.queue.length }, 'store closing with match records unwritten');
    this.queue.stop();
    await this.db.destroy();
  }
}

/** Open the configured database and bring its schema up to date. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const { db, engine, where } = openDatabase(config);
  try {
    const applied = await migrateWithRetry(db, engine);
    log.info({ engine, where, applied }, 'store ready');
  } catch (err) {
    await db.destroy().catch(() => undefined);
    throw err;
  }
  return new Store(db, engine, where, config);
}

/** Tries when several processes start on one fresh SQLite file at once (it has no migration lock across processes). */
const MIGRATION_TRIES = 3;
const MIGRATION_RETRY_MS = 300;

/**
 * PostgreSQL serialises concurrent migrations with Kysely's advisory lock. SQLite has none across
 * processes: each migration runs in one BEGIN IMMEDIATE transaction, but two processes can still
 * race on the migration tables' first rows; the one that loses tries again and finds the work done.
 */
async function migrateWithRetry(db: Kysely<Database>, engine: Engine): Promise<string[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await migrate(db);
    } catch (err) {
      if (engine !== 'sqlite' || attempt >= MIGRATION_TRIES) throw err;
      await new Promise((r) => setTimeout(r, MIGRATION_RETRY_MS * attempt));
    }
  }
}
