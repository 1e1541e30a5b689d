import type { RunOptions } from '../game-client/bots/coordinator.ts';
import type { LoadReply, LoadRequest } from './load.ts';
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
  await sleep(timing.windowS * 1000);
  const wid = requestId++;
  const [server, bots] = await Promise.all([
    collectServer(srv, 'server stats'),
    ask(gen, { type: 'window', id: wid }, (m): m is Extract<LoadReply, { type: 'window' }> => m.type === 'window' && m.id === wid, 'bot window').then((r) => r.totals),
  ]);
  return { server, bots };
}
