import { createInterface } from 'node:readline';
import { startGameServer } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { holdEventLoop } from './wait.ts';

/**
 * The game server in its own process, for tests that stall it: a line `hitch 500` on stdin
 * blocks its event loop for 500 ms (as a long GC pause or a slow tick would), then it carries on.
 */
const running = await startGameServer({ ...loadConfig(), clientDir: null });
process.stdout.write(`\n  Arena is running: open ${running.httpUrl}/ in your browser\n\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  const m = /^hitch (\d+)$/.exec(line.trim());
  if (!m) return;
  holdEventLoop(Number(m[1]));
  process.stdout.write(`hitched ${m[1]}\n`);
});
process.on('SIGTERM', () => { running.close().finally(() => process.exit(0)); });
