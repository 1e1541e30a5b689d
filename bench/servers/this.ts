import { matchMaker } from '@colyseus/core';
import { startGameServer } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { startAgent } from './agent.ts';

/** This project's server, exactly as `npm start` runs it (metrics on), plus the benchmark agent. */
// The bots run on this machine: exempt them from the per-address limits meant for the internet.
const running = await startGameServer({ ...loadConfig({ PATCH_HZ: process.env.PATCH_HZ, RATE_LIMIT_EXEMPT_IPS: '127.0.0.1' }), port: 0, host: '127.0.0.1', clientDir: null });
startAgent(running.port, () => ({ ccu: matchMaker.stats.local.ccu, rooms: matchMaker.stats.local.roomCount }), () => running.close());
