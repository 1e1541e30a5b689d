import './nodeWebSocket.ts';
import { Shard } from './shard.ts';
import { loadLinkFactory } from './shardHost.ts';
import type { FromWorker, ToWorker } from './types.ts';

/**
 * A bot worker process (forked by shardHost.ts): runs one shard and answers its coordinator
 * over IPC. It exits when told to stop, or when the coordinator goes away.
 */

const send = (message: FromWorker) => { if (process.connected) process.send!(message); };
let shard: Shard | undefined;
let stopping = false;

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (shard) send({ type: 'result', totals: await shard.stop() });
  // The coordinator may be gone already (that is one way to get here): disconnecting twice throws.
  if (process.connected) process.disconnect();
  process.exit(0);
}

// Ctrl-C reaches every process of the terminal's group; the coordinator decides when we stop.
process.on('SIGINT', () => undefined);
process.on('disconnect', () => { void stop(); });
process.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'start':
      loadLinkFactory(message.spec.linkModule, message.spec.target).then((factory) => {
        shard = new Shard(message.spec, factory);
        shard.start((totals) => send({ type: 'progress', totals }));
      }, (err: unknown) => {
        send({ type: 'fatal', message: String((err as Error)?.message ?? err) });
        process.exit(1);
      });
      break;
    case 'mark':
      shard?.mark();
      break;
    case 'totals':
      if (shard) send({ type: 'totals', id: message.id, totals: shard.totals(message.sinceMark) });
      break;
    case 'stop':
      void stop();
      break;
  }
});
send({ type: 'ready' });
