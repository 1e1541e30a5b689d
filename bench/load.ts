import '../tools/bots/nodeWebSocket.ts';
import { BotRun, type RunOptions } from '../tools/bots/coordinator.ts';
import { mergeTotals } from '../tools/bots/report.ts';
import { WindowProfiler } from './windowProfiler.ts';

/**
 * The benchmark's load generator: the bot runner of `npm run bots`, steered over IPC by
 * bench/run.ts (start, mark the window, read totals, stop). Runs pinned to its own core.
 */

export type LoadRequest =
  | { type: 'start'; options: RunOptions }
  | { type: 'status'; id: number }
  | { type: 'mark' }
  | { type: 'window'; id: number }
  | { type: 'stop' };

export interface LoadStatus { connected: number; joined: number; failedJoins: number; settled: boolean }

export type LoadReply =
  | { type: 'ready' }
  | { type: 'started' }
  | { type: 'status'; id: number; status: LoadStatus }
  | { type: 'window'; id: number; totals: Awaited<ReturnType<BotRun['totals']>> }
  | { type: 'stopped' }
  | { type: 'fatal'; message: string };

const reply = (m: LoadReply) => { if (process.connected) process.send!(m); };
let run: BotRun | undefined;
const profiler = new WindowProfiler();

process.on('SIGINT', () => undefined);
process.on('disconnect', () => { void (run?.stop('aborted') ?? Promise.resolve()).finally(() => process.exit(0)); });
process.on('message', (msg: LoadRequest) => {
  const fail = (err: unknown) => reply({ type: 'fatal', message: String((err as Error)?.stack ?? err) });
  switch (msg.type) {
    case 'start':
      run = new BotRun(msg.options);
      run.start().then(() => reply({ type: 'started' }), fail);
      break;
    case 'status':
      run!.totals(false).then((shards) => {
        const m = mergeTotals(shards);
        const target = shards.reduce((n, s) => n + s.target, 0);
        reply({ type: 'status', id: msg.id, status: { connected: m.all.connected, joined: m.all.joined, failedJoins: m.failedJoins, settled: m.joinsStarted === target && m.all.joined + m.failedJoins >= target } });
      }, fail);
      break;
    case 'mark':
      run?.mark();
      void profiler.start();
      break;
    case 'window':
      void profiler.stop();
      run!.totals(true).then((totals) => reply({ type: 'window', id: msg.id, totals }), fail);
      break;
    case 'stop':
      (run?.stop('duration') ?? Promise.resolve()).then(() => { reply({ type: 'stopped' }); process.exit(0); }, fail);
      break;
  }
});
reply({ type: 'ready' });
