import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Lobby } from '../game-client/net/lobby.ts';
import { parseNetSim } from '../game-client/net/netsim/config.ts';
import type { RenderFrame } from '../game-client/net/renderModel.ts';
import type { ArenaSession } from '../game-client/net/session.ts';
import { wanderer } from '../tools/bots/wanderer.ts';
import { startServerProcess } from '../tools/harness/serverProcess.ts';
import { sleep } from '../tools/harness/wait.ts';
import { NaiveClient, OursClient, PredictDefaultsClient, type BenchClient } from './netcode/clients.ts';
import { summarize, type ClientSummary } from './netcode/metrics.ts';

/**
 * `npm run bench:netcode [-- --seconds 20 --bots 2 --json FILE]`
 *
 * For each network condition, one room with three measured clients side by side — ours
 * (game-client/net), Colyseus 0.18 `Predict` with its defaults, and a naive client drawing the
 * latest state — plus a few of our bots as moving targets. Everyone wanders and shoots; every
 * client's connection runs through its own simulated path (both directions). The server runs
 * in its own process, as `npm start` runs it.
 */
const CONDITIONS = [
  { name: '0 ms', netsim: 'rtt=0' },
  { name: '50 ms', netsim: 'rtt=50' },
  { name: '150 ms ± 30 ms, 5% loss', netsim: 'rtt=150,jitter=30,loss=5' },
  { name: '300 ms', netsim: 'rtt=300' },
];
const WARMUP_MS = 4000;
const FRAME_MS = 1000 / 60;

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '20' },
    bots: { type: 'string', default: '2' },
    json: { type: 'string' },
    only: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const botCount = Number(values.bots);
if (!(seconds > 0 && seconds <= 600) || !(botCount >= 0 && botCount <= 12)) throw new Error('--seconds 1..600, --bots 0..12');

interface ConditionResult { condition: string; netsim: string; seconds: number; clients: ClientSummary[] }

async function runCondition(endpoint: string, condition: (typeof CONDITIONS)[number], index: number): Promise<ConditionResult> {
  const net = (seed: number) => parseNetSim(`${condition.netsim},seed=${index * 100 + seed}`);
  const host = await new Lobby(endpoint, { netsim: net(1) }).createPrivate('bot0');
  const bots: ArenaSession[] = [host];
  for (let i = 1; i < botCount; i++) bots.push(await new Lobby(endpoint, { netsim: net(10 + i) }).joinByCode(host.code, `bot${i}`));
  const clients: BenchClient[] = [
    await OursClient.join(endpoint, host.code, net(2)),
    await PredictDefaultsClient.join(endpoint, host.code, net(3)),
    await NaiveClient.join(endpoint, host.code, net(4)),
  ];
  const botBrains = bots.map((_, i) => wanderer(1000 + i));
  const brains = clients.map((_, i) => wanderer(i + 1));
  const botFrames: Array<RenderFrame | undefined> = bots.map(() => undefined);
  const frames: Array<RenderFrame | undefined> = clients.map(() => undefined);

  const run = async (ms: number) => {
    const end = performance.now() + ms;
    let next = performance.now();
    while (performance.now() < end) {
      const now = performance.now();
      bots.forEach((b, i) => {
        b.update(now, () => botBrains[i]!(botFrames[i]));
        botFrames[i] = b.frame(now);
      });
      clients.forEach((c, i) => {
        c.update(now, () => brains[i]!(frames[i]));
        frames[i] = c.frame(now);
      });
      next += FRAME_MS;
      await sleep(Math.max(0, next - performance.now()));
    }
  };
  await run(WARMUP_MS);
  for (const c of clients) {
    c.metrics.ackLatencies.length = 0;
    c.metrics.corrections.length = 0;
    c.metrics.respawnJumps = 0;
    c.metrics.jerks.length = 0;
    c.metrics.interpSum = 0;
    c.metrics.interpFrames = 0;
    c.metrics.underruns = 0;
    (c as unknown as { reset(): void }).reset();
  }
  await run(seconds * 1000);
  const minutes = seconds / 60;
  const summaries = [
    summarize('ours', clients[0]!.metrics, minutes, { predicts: true, buffers: true, kbpsDown: clients[0]!.kbpsDown() }),
    summarize('colyseus Predict defaults', clients[1]!.metrics, minutes, { predicts: true, buffers: true, kbpsDown: clients[1]!.kbpsDown() }),
    summarize('naive latest-state', clients[2]!.metrics, minutes, { predicts: false, buffers: false, kbpsDown: clients[2]!.kbpsDown() }),
  ];
  await Promise.all([...clients.map((c) => c.leave()), ...bots.map((b) => b.leave())].map((p) => p.catch(() => undefined)));
  return { condition: condition.name, netsim: condition.netsim, seconds, clients: summaries };
}

function table(results: ConditionResult[]): string {
  const f = (v: number | null, digits = 0) => (v === null ? '—' : v.toFixed(digits));
  const rows = ['| condition | client | input→ack p50 / p99 (ms) | corrections /min ¹ | correction p99 (px) ¹ | interp delay (ms) | underruns /min | remote jerk p99 (px/frame) | down (kbps) |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |'];
  for (const r of results) {
    for (const c of r.clients) {
      rows.push(`| ${r.condition} | ${c.client} | ${f(c.ackP50Ms)} / ${f(c.ackP99Ms)} | ${f(c.correctionsPerMin, 1)} | ${f(c.correctionP99Px, 1)} | ${f(c.interpDelayMs)} | ${f(c.underrunsPerMin, 1)} | ${f(c.jerkP99Px, 1)} | ${f(c.kbpsDown, 1)} |`);
    }
  }
  rows.push('', '¹ own player, respawn teleports (> 200 px) excluded. Interp delay: how far behind the newest data remote players are drawn.');
  return rows.join('\n');
}

const server = await startServerProcess({ LOG_LEVEL: 'error' });
const endpoint = `http://127.0.0.1:${server.port}`;
const results: ConditionResult[] = [];
try {
  for (const [i, c] of CONDITIONS.entries()) {
    if (values.only !== undefined && !values.only.split(',').includes(String(i))) continue;
    process.stderr.write(`bench:netcode: ${c.name} (${seconds} s, ${botCount} bots + 3 measured clients)\n`);
    results.push(await runCondition(endpoint, c, i));
  }
} finally {
  await server.stop();
}
process.stdout.write(`\n${table(results)}\n\n`);
if (values.json) {
  writeFileSync(values.json, `${JSON.stringify({ date: new Date().toISOString(), seconds, bots: botCount, results }, null, 2)}\n`);
  process.stderr.write(`bench:netcode: wrote ${values.json}\n`);
}
process.exit(0);
