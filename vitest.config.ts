import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Each test file runs in its own process: Colyseus' matchmaker is a process-wide singleton.
    pool: 'forks',
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
