import { loadConfig } from './config.ts';
import { startGameServer } from './app.ts';
import { log } from './observability/log.ts';

/** `npm start`: one process, no Redis, serving the built client on the same origin. */
async function main(): Promise<void> {
  const config = loadConfig();
  const running = await startGameServer(config);
  // The one line a player needs, on stdout even when logs go elsewhere.
  process.stdout.write(`\n  Arena is running: open ${running.httpUrl}/ in your browser\n\n`);

  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    running.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  // A stray rejection (a Redis hiccup, a client gone mid-request) is logged, never fatal.
  process.on('unhandledRejection', (err) => log.error({ err }, 'unhandled rejection'));
}

main().catch((err: unknown) => {
  log.fatal({ err }, 'server failed to start');
  process.exit(1);
});
