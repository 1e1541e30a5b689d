import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICK_MS } from '../../shared/constants.ts';
import { Lobby } from '../../game-client/net/lobby.ts';
import { parseNetSim } from '../../game-client/net/netsim/config.ts';
import type { ArenaSession } from '../../game-client/net/session.ts';
import { playFor, wanderer } from '../helpers/netBots.ts';
import { startServerProcess, type ServerProcess } from '../helpers/serverProcess.ts';
import { waitFor } from '../helpers/wait.ts';

const HITCH_MS = 500;
let server: ServerProcess;
let session: ArenaSession;
const acks: Array<{ at: number; latencyMs: number }> = [];
let hitchAt = 0;

beforeAll(async () => {
  server = await startServerProcess({}, 20_000, 'test/helpers/hitchServer.ts');
  session = await new Lobby(`http://127.0.0.1:${server.port}`, { netsim: parseNetSim('rtt=60,jitter=10') }).createPrivate('runner');
  session.events.on('inputAck', ({ latencyMs }) => acks.push({ at: performance.now(), latencyMs }));
  const brain = [wanderer(3, { fire: false })];
  await playFor([session], brain, 5000);
  hitchAt = performance.now();
  server.child.stdin!.write(`hitch ${HITCH_MS}\n`);
  await waitFor('the server to stall', () => server.output().includes(`hitched ${HITCH_MS}`), { timeoutMs: 5000 });
  await playFor([session], brain, 4500);
}, 60_000);

afterAll(async () => {
  await session?.leave().catch(() => undefined);
  await server?.stop();
});

function meanLatency(from: number, to: number): number {
  const xs = acks.filter((a) => a.at >= from && a.at < to);
  expect(xs.length).toBeGreaterThan(10);
  return xs.reduce((s, a) => s + a.latencyMs, 0) / xs.length;
}

describe('after a 500 ms server hitch', () => {
  it('input latency returns to normal within 2 s (time dilation drains the piled-up inputs)', () => {
    const before = meanLatency(hitchAt - 2500, hitchAt);
    const end = hitchAt + HITCH_MS;
    const worstAfter = Math.max(...acks.filter((a) => a.at >= end && a.at < end + 1000).map((a) => a.latencyMs));
    expect(worstAfter).toBeGreaterThan(before + 250);
    expect(meanLatency(end + 2000, end + 3500)).toBeLessThan(before + TICK_MS * 1.5);
  });
});
