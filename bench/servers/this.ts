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
const env = { PATCH_HZ: process.env.PATCH_HZ, INTEREST_MANAGEMENT: process.env.INTEREST_MANAGEMENT, PATCH_BUDGET_BYTES: process.env.PATCH_BUDGET_BYTES, RATE_LIMIT_EXEMPT_IPS: '127.0.0.1' };
const running = await startGameServer({ ...loadConfig(env), port: 0, host: '127.0.0.1', clientDir: null });
startAgent(running.port, () => ({ ccu: matchMaker.stats.local.ccu, rooms: matchMaker.stats.local.roomCount }), () => running.close(), () => ({ ...snapshotTotals() }));
