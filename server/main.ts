// First: sets NODE_ENV before any library reads it.
import './productionDefault.ts';
import { loadConfig } from './config.ts';
import { startGameServer } from './app.ts';
import { resolveOperations } from './cluster/config.ts';
import { handleProcessSignals } from './lifecycle/signals.ts';
import { log } from './observability/log.ts';

/** `npm start`: one process serving the built client on the same origin (Redis only with REDIS_URL). */
async function main(): Promise<void> {
  const config = loadConfig();
  const running = await startGameServer(config);
  handleProcessSignals(running, resolveOperations(config.operations).drainDeadlineS);
  // The one line a player needs, on stdout even when logs go elsewhere.
  process.stdout.write(`\n  Arena is running: open ${running.httpUrl}/ in your browser\n\n`);
}

main().catch((err: unknown) => {
  log.fatal({ err }, 'server failed to start');
  process.exit(1);
});
