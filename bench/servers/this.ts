import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { matchMaker } from '@colyseus/core';
import { startGameServer } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { snapshotTotals } from '../../server/interest/stats.ts';
import { startAgent } from './agent.ts';

/**
 * This project's server, exactly as `npm start` runs it (metrics on), plus the benchmark agent.
 * Interest management settings come from the environment like `npm start`'s (bench:interest
 * compares them); its counters are reported over each window.
 */
// The bots run on this machine: exempt them from the per-address limits meant for the internet.
// The results store as `npm start` has it (a fresh SQLite file per run unless DATA_DIR or
// DATABASE_URL says otherwise; STORE=off for none), and timed matches with MATCH_DURATION_S.
const env = {
  PATCH_HZ: process.env.PATCH_HZ, INTEREST_MANAGEMENT: process.env.INTEREST_MANAGEMENT, DOWNSTREAM_BUDGET_KBPS: process.env.DOWNSTREAM_BUDGET_KBPS, RATE_LIMIT_EXEMPT_IPS: '127.0.0.1',
  MATCH_DURATION_S: process.env.MATCH_DURATION_S, STORE: process.env.STORE, DATABASE_URL: process.env.DATABASE_URL,
  DATA_DIR: process.env.DATA_DIR || mkdtempSync(path.join(tmpdir(), 'arena-bench-data-')),
};
const running = await startGameServer({ ...loadConfig(env), port: 0, host: '127.0.0.1', clientDir: null });
startAgent(running.port, () => ({ ccu: matchMaker.stats.local.ccu, rooms: matchMaker.stats.local.roomCount }), () => running.close(), () => ({ ...snapshotTotals() }));
