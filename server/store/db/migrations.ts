import { sql, type Kysely } from 'kysely';
import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration';

/**
 * The store's schema, one version per entry, applied in order by Kysely's Migrator (at start and by
 * `npm run db:migrate`). Entries are never edited once released: a change is a new entry. Every
 * statement is written once for both engines (SQLite and PostgreSQL): only portable types
 * (text, integer, bigint, double precision) and no engine-specific defaults.
 */
export const MIGRATIONS: Record<string, Migration> = {
  '001_profiles': {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createTable('profiles')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('banned_at', 'bigint')
        .addColumn('ban_reason', 'text')
        .execute();
      await db.schema.createTable('refresh_credentials')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull())
        .addColumn('prev_hash', 'text')
        .addColumn('rotated_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .execute();
      await db.schema.createIndex('refresh_credentials_profile').on('refresh_credentials').column('profile_id').execute();
    },
  },
  '002_matches': {
    async up(db: Kysely<any>): Promise<void> {
      // Ratings start where OpenSkill's do (mu 25, sigma 25/3, ordinal 0).
      await db.schema.alterTable('profiles').addColumn('rating_mu', 'double precision', (c) => c.notNull().defaultTo(25)).execute();
      await db.schema.alterTable('profiles').addColumn('rating_sigma', 'double precision', (c) => c.notNull().defaultTo(25 / 3)).execute();
      await db.schema.alterTable('profiles').addColumn('rating', 'double precision', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.alterTable('profiles').addColumn('matches_played', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.createIndex('profiles_rating').on('profiles').column('rating').execute();
      await db.schema.createTable('matches')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('game', 'text', (c) => c.notNull())
        .addColumn('room_kind', 'text', (c) => c.notNull())
        .addColumn('map_id', 'text', (c) => c.notNull())
        .addColumn('instance', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('end_reason', 'text')
        .addColumn('started_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addColumn('duration_ms', 'bigint', (c) => c.notNull())
        .addColumn('checkpoint_at', 'bigint', (c) => c.notNull())
        .addColumn('rated', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('matches_running').on('matches').columns(['status', 'checkpoint_at']).execute();
      await db.schema.createIndex('matches_ended').on('matches').column('ended_at').execute();
      await db.schema.createTable('match_lines')
        .addColumn('match_id', 'text', (c) => c.notNull())
        .addColumn('seat', 'integer', (c) => c.notNull())
        .addColumn('profile_id', 'text')
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('kills', 'integer', (c) => c.notNull())
        .addColumn('deaths', 'integer', (c) => c.notNull())
        .addColumn('damage', 'integer', (c) => c.notNull())
        .addColumn('time_played_ms', 'bigint', (c) => c.notNull())
        .addColumn('placing', 'integer', (c) => c.notNull())
        .addColumn('rating_before', 'double precision')
        .addColumn('rating_after', 'double precision')
        .addPrimaryKeyConstraint('match_lines_pk', ['match_id', 'seat'])
        .execute();
      await db.schema.createIndex('match_lines_profile').on('match_lines').column('profile_id').execute();
    },
  },
  '003_admin_audit': {
    async up(db: Kysely<any>): Promise<void> {
      await db.schema.createTable('admin_audit')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('ok', 'integer', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('admin_audit_at').on('admin_audit').column('at').execute();
    },
  },
  '004_game_ratings': {
    async up(db: Kysely<any>): Promise<void> {
      // A rating per profile per game, where 002 gave the profile one (the arena's).
      await db.schema.createTable('ratings')
        .addColumn('profile_id', 'text', (c) => c.notNull())
        .addColumn('game', 'text', (c) => c.notNull())
        .addColumn('mu', 'double precision', (c) => c.notNull())
        .addColumn('sigma', 'double precision', (c) => c.notNull())
        .addColumn('rating', 'double precision', (c) => c.notNull())
        .addColumn('matches_played', 'integer', (c) => c.notNull())
        .addPrimaryKeyConstraint('ratings_pk', ['profile_id', 'game'])
        .execute();
      // A game's rating board: its rows by rating.
      await db.schema.createIndex('ratings_board').on('ratings').columns(['game', 'rating']).execute();
      // The arena's ratings so far. 'arena' is written out: a released migration must not follow
      // a later edit of a constant.
      await db.insertInto('ratings')
        .columns(['profile_id', 'game', 'mu', 'sigma', 'rating', 'matches_played'])
        .expression(db.selectFrom('profiles')
          .select(['id', sql.lit('arena').as('game'), 'rating_mu', 'rating_sigma', 'rating', 'matches_played'])
          .where('matches_played', '>', 0))
        .execute();
      // The old columns and their index stay: during a rolling upgrade the previous release's
      // processes run against this schema (docs/OPERATIONS.md, "Migrations only add"), and they
      // read and write them. A later migration may drop them once no such process can run.
    },
  },
};

export const LATEST_SCHEMA_VERSION = Object.keys(MIGRATIONS).at(-1)!;

function migrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
}

/** Bring the schema to `target` (default: the latest). Throws with the failing step's error. */
export async function migrate(db: Kysely<any>, target: string = LATEST_SCHEMA_VERSION): Promise<string[]> {
  const result: MigrationResultSet = await migrator(db).migrateTo(target);
  if (result.error !== undefined) throw new Error(`schema migration failed: ${String((result.error as Error).message ?? result.error)}`, { cause: result.error });
  return (result.results ?? []).map((r) => r.migrationName);
}

/** Versions applied so far, oldest first. */
export async function appliedVersions(db: Kysely<any>): Promise<string[]> {
  return (await migrator(db).getMigrations()).filter((m) => m.executedAt !== undefined).map((m) => m.name);
}
