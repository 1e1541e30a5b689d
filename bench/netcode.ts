import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Lobby } from '../game-client/net/lobby.ts';
import { parseNetSim } from '../game-client/net/netsim/config.ts';
import type { RenderFrame } from '../game-client/net/renderModel.ts';
import type { ArenaSession } from '../game-client/net/session.ts';
import { wanderer } from '../tools/bots/wanderer.ts';
import { startServerProcess } from '../tools/harness/serverProcess.ts';
import { sleep } from '../tools/harness/wait.ts';
import { NaiveBallClient, OursBallClient, type BallBenchClient } from './netcode/ballClients.ts';
import { NaiveClient, OursClient, PredictDefaultsClient, type BenchClient } from './netcode/clients.ts';
import { percentile, summarize, type ClientSummary } from './netcode/metrics.ts';

/**
 * `npm run bench:netcode [-- --seconds 20 --bots 2 --games arena,ball --json FILE]`
 *
 * For each network condition and game, one room with measured clients side by side, every
 * client's connection through its own simulated path (both directions); the server runs in its
 * own process, as `npm start` runs it.
 * - arena: ours (game-client/net), Colyseus 0.18 `Predict` with its defaults, and a naive client
 *   drawing the latest state, plus a few of our bots as moving targets; everyone wanders and shoots.
 * - ball (2v2): ours (the whole world predicted, the ball included) and the naive client, plus two
 *   of our sessions as the other players; everyone plays the striker behaviour.
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
    games: { type: 'string', default: 'arena,ball' },
  },
});
const games = values.games.split(',');
if (games.length === 0 || games.some((g) => g !== 'arena' && g !== 'ball')) throw new Error('--games arena,ball (either or both)');
const seconds = Number(values.seconds);
const botCount = Number(values.bots);
if (!(seconds > 0 && seconds <= 600) || !(botCount >= 0 && botCount <= 12)) throw new Error('--seconds 1..600, --bots 0..12');

interface ConditionResult { game: string; condition: string; netsim: string; seconds: number; clients: Array<ClientSummary & { ballCorrectionP99Px?: number | null }> }

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
  return { game: 'arena', condition: condition.name, netsim: condition.netsim, seconds, clients: summaries };
}

/** Runs `clients` at 60 frames a second for `ms` (bounded by the clock). */
async function runFrames(clients: BallBenchClient[], ms: number): Promise<void> {
  const end = performance.now() + ms;
  let next = performance.now();
  while (performance.now() < end) {
    const now = performance.now();
    for (const c of clients) {
      c.update(now);
      c.frame(now);
    }
    next += FRAME_MS;
    await sleep(Math.max(0, next - performance.now()));
  }
}

async function runBallCondition(endpoint: string, condition: (typeof CONDITIONS)[number], index: number): Promise<ConditionResult> {
  const net = (seed: number) => parseNetSim(`${condition.netsim},seed=${index * 100 + 50 + seed}`);
  const ours = await OursBallClient.join(endpoint, undefined, net(2));
  const naive = await NaiveBallClient.join(endpoint, ours.code, net(4));
  const bots = [await OursBallClient.join(endpoint, ours.code, net(11), 'bot1'), await OursBallClient.join(endpoint, ours.code, net(12), 'bot2')];
  const all: BallBenchClient[] = [ours, naive, ...bots];
  await runFrames(all, WARMUP_MS);
  for (const c of [ours, naive]) {
    c.metrics.ackLatencies.length = 0;
    c.metrics.corrections.length = 0;
    c.metrics.respawnJumps = 0;
    c.metrics.jerks.length = 0;
    c.ballCorrections.length = 0;
    c.reset();
  }
  await runFrames(all, seconds * 1000);
  const minutes = seconds / 60;
  const clients = [
    { ...summarize('ours', ours.metrics, minutes, { predicts: true, buffers: false, kbpsDown: ours.kbpsDown() }), ballCorrectionP99Px: percentile(ours.ballCorrections, 99) },
    { ...summarize('naive latest-state', naive.metrics, minutes, { predicts: false, buffers: false, kbpsDown: naive.kbpsDown() }), ballCorrectionP99Px: null },
  ];
  await Promise.all(all.map((c) => c.leave().catch(() => undefined)));
  return { game: 'ball', condition: condition.name, netsim: condition.netsim, seconds, clients };
}

function table(results: ConditionResult[]): string {
  const f = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '—' : v.toFixed(digits));
  const rows: string[] = [];
  const arena = results.filter((r) => r.game === 'arena');
  if (arena.length > 0) {
    rows.push('Arena (shooter):', '', '| condition | client | input→ack p50 / p99 (ms) | corrections /min ¹ | correction p99 (px) ¹ | interp delay (ms) | underruns /min | remote jerk p99 (px/frame) | down (kbps) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of arena) {
      for (const c of r.clients) {
        rows.push(`| ${r.condition} | ${c.client} | ${f(c.ackP50Ms)} / ${f(c.ackP99Ms)} | ${f(c.correctionsPerMin, 1)} | ${f(c.correctionP99Px, 1)} | ${f(c.interpDelayMs)} | ${f(c.underrunsPerMin, 1)} | ${f(c.jerkP99Px, 1)} | ${f(c.kbpsDown, 1)} |`);
      }
    }
    rows.push('', '¹ own player, respawn teleports (> 200 px) excluded. Interp delay: how far behind the newest data remote players are drawn.', '');
  }
  const ball = results.filter((r) => r.game === 'ball');
  if (ball.length > 0) {
    rows.push('Ball (2v2, everyone a striker):', '', '| condition | client | input→ack p50 / p99 (ms) | corrections /min ¹ | correction p99 (px) ¹ | ball correction p99 (px) ² | remote jerk p99 (px/frame) ³ | down (kbps) |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of ball) {
      for (const c of r.clients) {
        rows.push(`| ${r.condition} | ${c.client} | ${f(c.ackP50Ms)} / ${f(c.ackP99Ms)} | ${f(c.correctionsPerMin, 1)} | ${f(c.correctionP99Px, 1)} | ${f(c.ballCorrectionP99Px, 1)} | ${f(c.jerkP99Px, 1)} | ${f(c.kbpsDown, 1)} |`);
      }
    }
    rows.push('', '¹ own player, kickoff teleports (> 200 px) excluded. ² how far a server state moved the ball from where ours drew it (eased out, not jumped). ³ the other players and the ball.');
  }
  return rows.join('\n');
}

const server = await startServerProcess({ LOG_LEVEL: 'error' });
const endpoint = `http://127.0.0.1:${server.port}`;
const results: ConditionResult[] = [];
try {
  for (const game of games) {
    for (const [i, c] of CONDITIONS.entries()) {
      if (values.only !== undefined && !values.only.split(',').includes(String(i))) continue;
      if (game === 'arena') {
        process.stderr.write(`bench:netcode: arena, ${c.name} (${seconds} s, ${botCount} bots + 3 measured clients)\n`);
        results.push(await runCondition(endpoint, c, i));
      } else {
        process.stderr.write(`bench:netcode: ball, ${c.name} (${seconds} s, 2 of our sessions + 2 measured clients)\n`);
        results.push(await runBallCondition(endpoint, c, i));
      }
    }
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
