import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The release test installs a release (minutes): CI runs it with `npm run test:release`. The store's
    // fault tests stop the machine's PostgreSQL: CI runs them alone with `npm run test:store-faults`.
    exclude: [...configDefaults.exclude, 'test/release/**', 'test/storeFaults/**'],
    // Each test file runs in its own process: Colyseus' matchmaker is a process-wide singleton.
    pool: 'forks',
    // Two files at a time on this 2-core machine. Most files wait on sockets and timers, and three
    // workers shorten the suite (~255 s → ~210 s), but then the real-time tests share the cores with
    // two other files: 1 run in 4 went red that way (netcodeConditions' playout ran dry twice, the
    // cluster e2e host missed a browser join for 5 s), and 4 workers broke them every time.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/helpers/globalSetup.ts'],
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
    reporters: ['default'],
    // The SDK narrates every reconnection attempt on console.info; the tests assert them instead.
    onConsoleLog: (line) => !line.startsWith('[Colyseus reconnection]'),
  },
});
