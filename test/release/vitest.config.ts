import { defineConfig } from 'vitest/config';

// `npm run test:release` (CI, .ci/run): the release test only, which builds and installs the
// release (minutes) and so stays out of `npm test` (see vitest.config.ts).
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/release/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 11 * 60_000,
    reporters: ['default'],
  },
});
