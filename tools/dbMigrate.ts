import { loadStoreConfig } from '../server/store/config.ts';
import { appliedVersions, LATEST_SCHEMA_VERSION, migrate } from '../server/store/db/migrations.ts';
import { openDatabase } from '../server/store/db/open.ts';

/**
 * `npm run db:migrate`: bring the configured database (DATABASE_URL, else the SQLite file under
 * DATA_DIR) to the latest schema version, the same step the server takes at start, and say what it did.
 * `npm run db:migrate -- --status` only lists the applied versions.
 */
async function main(): Promise<void> {
  const config = loadStoreConfig(process.env);
  const { db, engine, where } = openDatabase(config);
  try {
    if (!process.argv.includes('--status')) {
      const applied = await migrate(db);
      process.stdout.write(applied.length === 0 ? `${engine} ${where}: already at ${LATEST_SCHEMA_VERSION}\n` : `${engine} ${where}: applied ${applied.join(', ')}\n`);
    }
    process.stdout.write(`schema versions applied: ${(await appliedVersions(db)).join(', ') || '(none)'}\n`);
  } finally {
    await db.destroy();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`db:migrate failed: ${(err as Error).message}\n`);
  process.exit(1);
});
