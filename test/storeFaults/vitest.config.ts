import { defineConfig } from 'vitest/config';

// `npm run test:store-faults` (CI, .ci/run): tests that stop the machine's PostgreSQL or kill
// servers mid-match. Kept out of `npm test` (see vitest.config.ts): other tests share PostgreSQL.
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/storeFaults/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 60_000,
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
    reporters: ['default'],
    onConsoleLog: (line) => !line.startsWith('[Colyseus reconnection]'),
  },
});
