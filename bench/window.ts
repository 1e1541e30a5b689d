import type { RunOptions } from '../tools/bots/coordinator.ts';
import type { LoadReply, LoadRequest } from './load.ts';
import { machineBusyMs } from './machineLoad.ts';
import type { Child } from './proc.ts';
import type { AgentReply, AgentRequest, ServerWindowStats } from './servers/agent.ts';

/** How long joins may take to settle after the ramp. */
const SETTLE_TIMEOUT_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let requestId = 1;

/** Send a request to a benchmark child and wait for its matching reply. */
export async function ask<Rep extends { type: string }, T extends Rep>(child: Child<any, Rep>, message: object, match: (m: Rep) => m is T, what: string, timeoutMs = 30_000): Promise<T> {
  const reply = child.next(match, timeoutMs, what);
  child.send(message);
  return reply;
}

/** The server's counters over a window it was told to mark (idle measurements use it too). */
export async function collectServer(srv: Child<AgentRequest, AgentReply>, what: string): Promise<ServerWindowStats> {
  const id = requestId++;
  return (await ask(srv, { type: 'collect', id }, (m): m is Extract<AgentReply, { type: 'stats' }> => m.type === 'stats' && m.id === id, what)).stats;
}

export interface WindowResult {
  server: ServerWindowStats;
  bots: Extract<LoadReply, { type: 'window' }>['totals'];
  /** CPU the rest of the machine used during the window (everything but the server and the bots), as a share of one core. */
  otherLoadCores: number | undefined;
}

/**
 * The part every benchmark scenario shares: start the bots on a ready load generator, wait for
 * every join to settle, warm up, then mark one window on both sides at once and read both.
 */
export async function measureWindow(
  srv: Child<AgentRequest, AgentReply>,
  gen: Child<LoadRequest, LoadReply>,
  options: RunOptions,
  timing: { warmupS: number; windowS: number },
  label: string,
  /** Runs while the window is measured (e.g. a native profiler attached to the server); awaited before the window is read. */
  during?: (windowMs: number) => Promise<void>,
): Promise<WindowResult> {
  await ask(gen, { type: 'start', options }, (m): m is Extract<LoadReply, { type: 'started' }> => m.type === 'started', 'bots to start');
  const deadline = Date.now() + options.rampS * 1000 + SETTLE_TIMEOUT_MS;
  for (;;) {
    const id = requestId++;
    const { status } = await ask(gen, { type: 'status', id }, (m): m is Extract<LoadReply, { type: 'status' }> => m.type === 'status' && m.id === id, 'bot status');
    if (status.settled) break;
    if (Date.now() > deadline) throw new Error(`${label}: joins did not settle (${status.joined} joined, ${status.failedJoins} failed)`);
    await sleep(500);
  }
  await sleep(timing.warmupS * 1000);
  srv.send({ type: 'mark' });
  gen.send({ type: 'mark' });
  const busyAtMark = machineBusyMs();
  const t0 = performance.now();
  await Promise.all([sleep(timing.windowS * 1000), during?.(timing.windowS * 1000)]);
  const busyAtEnd = machineBusyMs();
  const wallMs = performance.now() - t0;
  const wid = requestId++;
  const [server, bots] = await Promise.all([
    collectServer(srv, 'server stats'),
    ask(gen, { type: 'window', id: wid }, (m): m is Extract<LoadReply, { type: 'window' }> => m.type === 'window' && m.id === wid, 'bot window').then((r) => r.totals),
  ]);
  const ours = server.cpuMs + bots.reduce((n, shard) => n + (shard.cpuPercent / 100) * shard.elapsedMs, 0);
  const otherLoadCores = busyAtMark === undefined || busyAtEnd === undefined ? undefined : Math.max(0, (busyAtEnd - busyAtMark - ours) / wallMs);
  return { server, bots, otherLoadCores };
}
