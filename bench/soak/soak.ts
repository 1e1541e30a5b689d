import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Lobby } from '../../game-client/net/lobby.ts';
import { deleteKeysWithPrefix, keysWithPrefix, SHARED_REDIS_URL, uniqueKeyPrefix } from '../../tools/harness/redisKeys.ts';
import { freePorts, startServerProcess, type ServerProcess } from '../../tools/harness/serverProcess.ts';
import { startTcpProxy, type TcpProxy } from '../../tools/harness/tcpProxy.ts';
import { emptyTally, liveOnce, type BotTally } from './bot.ts';
import { lineChartSvg, type Series } from './chart.ts';

/**
 * `npm run soak -- --minutes 30`: a scale-out cluster under continuous churn, watched for leaks.
 *
 * Starts `--processes` game servers on one Redis (own key prefix), each behind a TCP proxy that
 * now and then cuts a random connection (so reconnection paths run too). `--bots` bots join
 * (quick play, private rooms, codes), play and leave, over and over, through `Lobby` and
 * `ArenaSession` (game-client/net). Every `--sample-s` it records each server's heap, RSS,
 * rooms, players and CPU from /readyz. At the end the bots leave, and rooms and Redis keys are
 * compared with the baseline taken before the first bot; then the servers drain and stop.
 *
 * Writes report.json, report.md and memory.svg to `--out` (default bench/results/tmp/soak-<time>).
 * Not part of `npm test`. The bot loop here is intentionally simple; the issue-4 bot runner
 * (tools/bots) can replace `bot.ts` without changing the rest.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Options {
  minutes: number;
  processes: number;
  bots: number;
  lifetimeS: [number, number];
  cutEveryS: number;
  sampleS: number;
  redis: string;
  out: string;
  seed: number;
  serverLog: string;
}

function parse(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      minutes: { type: 'string', default: '30' },
      processes: { type: 'string', default: '2' },
      bots: { type: 'string', default: '24' },
      'lifetime-s': { type: 'string', default: '20-90' },
      'cut-every-s': { type: 'string', default: '30' },
      'sample-s': { type: 'string', default: '10' },
      redis: { type: 'string', default: SHARED_REDIS_URL },
      out: { type: 'string' },
      seed: { type: 'string', default: String(Date.now() % 1e9) },
      'server-log': { type: 'string', default: 'warn' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write('npm run soak -- [--minutes 30] [--processes 2] [--bots 24] [--lifetime-s 20-90] [--cut-every-s 30 (0: never)] [--sample-s 10] [--redis URL] [--out DIR] [--seed N] [--server-log warn|info]\n');
    process.exit(0);
  }
  const num = (name: string, raw: string, min: number, max: number) => {
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`--${name} must be a number from ${min} to ${max}`);
    return n;
  };
  const [lo, hi] = values['lifetime-s'].split('-').map((v) => num('lifetime-s', v, 1, 36_000));
  const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
  return {
    minutes: num('minutes', values.minutes, 0.1, 24 * 60),
    processes: num('processes', values.processes, 1, 16),
    bots: num('bots', values.bots, 1, 500),
    lifetimeS: [lo!, hi ?? lo!],
    cutEveryS: num('cut-every-s', values['cut-every-s'], 0, 3600),
    sampleS: num('sample-s', values['sample-s'], 1, 600),
    redis: values.redis,
    out: values.out ?? `${ROOT}bench/results/tmp/soak-${stamp}`,
    seed: num('seed', values.seed, 0, 2 ** 32),
    serverLog: values['server-log'],
  };
}

/** mulberry32: reproducible bot choices for a given --seed. */
function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Sample {
  tMin: number;
  proc: number;
  rssMB: number;
  heapMB: number;
  rooms: number;
  clients: number;
  cpuUs: number;
}

async function readyz(port: number): Promise<Record<string, any> | undefined> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(3000) });
    return (await res.json()) as Record<string, any>;
  } catch {
    return undefined;
  }
}

function serverErrors(p: ServerProcess): string[] {
  return p.output().split('\n').filter((line) => {
    if (!line.startsWith('{')) return /error|unhandled/i.test(line);
    try {
      const entry = JSON.parse(line) as { level?: number; msg?: string };
      return (entry.level ?? 0) >= 50 || entry.msg === 'unhandled rejection';
    } catch {
      return false;
    }
  });
}

function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0;
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  // The SDK narrates each reconnection on console.info; the bots count them instead.
  const info = console.info.bind(console);
  console.info = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('[Colyseus reconnection]')) return;
    info(...args);
  };
  mkdirSync(o.out, { recursive: true });
  const prefix = uniqueKeyPrefix('soak');
  const random = seeded(o.seed);
  const log = (text: string) => process.stdout.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${text}\n`);

  // One proxy per process: bots reach each process (matchmaking and WebSocket) through it.
  const ports = await freePorts(o.processes);
  const proxies: TcpProxy[] = await Promise.all(ports.map((p) => startTcpProxy(p)));
  const servers: ServerProcess[] = await Promise.all(ports.map((port, i) => startServerProcess({
    PORT: String(port), PUBLIC_ADDRESS: `127.0.0.1:${proxies[i]!.port}`, REDIS_URL: o.redis, REDIS_KEY_PREFIX: prefix,
    CLIENT_DIR: 'none', LOG_LEVEL: o.serverLog,
  }, 60_000)));
  log(`${o.processes} processes (ports ${ports.join(', ')}), redis ${o.redis} prefix ${prefix}, ${o.bots} bots, ${o.minutes} min, seed ${o.seed}`);

  const baselineKeys = (await keysWithPrefix(o.redis, prefix)).sort();
  const baselineRooms = (await Promise.all(ports.map(readyz))).reduce((n, r) => n + (r?.rooms ?? 0), 0);
  log(`baseline: ${baselineRooms} rooms, redis keys [${baselineKeys.join(', ')}]`);

  const samples: Sample[] = [];
  const driverSamples: Array<{ tMin: number; heapMB: number; rssMB: number }> = [];
  const t0 = performance.now();
  const tMin = () => (performance.now() - t0) / 60_000;
  const sampleOnce = async () => {
    const at = tMin();
    const rs = await Promise.all(ports.map(readyz));
    rs.forEach((r, proc) => {
      if (r) samples.push({ tMin: at, proc, rssMB: r.rssBytes / 2 ** 20, heapMB: r.heapUsedBytes / 2 ** 20, rooms: r.rooms, clients: r.clients, cpuUs: r.cpuUserUs + r.cpuSystemUs });
    });
    const m = process.memoryUsage();
    driverSamples.push({ tMin: at, heapMB: m.heapUsed / 2 ** 20, rssMB: m.rss / 2 ** 20 });
  };
  await sampleOnce();
  const sampler = setInterval(() => void sampleOnce(), o.sampleS * 1000);

  const tally: BotTally = emptyTally();
  const codes: string[] = [];
  const endAt = performance.now() + o.minutes * 60_000;
  const stopping = () => performance.now() >= endAt;
  let cuts = 0;
  const cutter = o.cutEveryS > 0
    ? setInterval(() => { if (proxies[Math.floor(random() * proxies.length)]!.resetOne(random)) cuts++; }, o.cutEveryS * 1000)
    : undefined;
  const progress = setInterval(() => {
    const last = samples.slice(-o.processes);
    log(`${tMin().toFixed(1)} min: joins ${tally.joins}, failures ${Object.values(tally.joinFailures).reduce((a, b) => a + b, 0)}, reconnects ${tally.reconnects}/${tally.reconnectsBack}, `
      + `rooms ${last.map((s) => s.rooms).join('+')}, players ${last.map((s) => s.clients).join('+')}, heap ${last.map((s) => s.heapMB.toFixed(0)).join('/')} MB`);
  }, 60_000);

  const bot = async (i: number) => {
    // Stagger the start so the first wave does not all matchmake in the same millisecond.
    await new Promise((r) => setTimeout(r, random() * 5000));
    for (let life = 0; !stopping() && life < 100_000; life++) {
      const lobby = new Lobby(`http://127.0.0.1:${proxies[Math.floor(random() * proxies.length)]!.port}`);
      const [lo, hi] = o.lifetimeS;
      await liveOnce({ lobby, name: `bot${i}`, lifetimeMs: (lo + random() * (hi - lo)) * 1000, codes, random, stopping }, tally);
      await new Promise((r) => setTimeout(r, 500 + random() * 3000));
    }
  };
  await Promise.all(Array.from({ length: o.bots }, (_, i) => bot(i)));
  clearInterval(cutter);
  clearInterval(progress);
  log('bots done; waiting for rooms to close');

  // Rooms close once their last player has left (and held seats have expired).
  let endRooms = -1;
  const settleUntil = performance.now() + 60_000;
  while (performance.now() < settleUntil) {
    endRooms = (await Promise.all(ports.map(readyz))).reduce((n, r) => n + (r?.rooms ?? 0), 0);
    if (endRooms === baselineRooms) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  await new Promise((r) => setTimeout(r, 2500)); // room counts reach Redis at most once a second
  await sampleOnce();
  clearInterval(sampler);
  const endKeys = (await keysWithPrefix(o.redis, prefix)).sort();
  const listing = await fetch(`http://127.0.0.1:${ports[0]}/api/rooms`).then((r) => r.json() as Promise<{ rooms: unknown[] }>).catch(() => ({ rooms: ['?'] }));

  log('stopping servers (SIGTERM: drain)');
  const exitCodes = await Promise.all(servers.map((s) => s.stop('SIGTERM')));
  const keysAfterStop = await keysWithPrefix(o.redis, prefix);
  await deleteKeysWithPrefix(o.redis, prefix);
  await Promise.all(proxies.map((p) => p.close()));

  // --- report ---
  const perProc = ports.map((_, proc) => samples.filter((s) => s.proc === proc));
  const durationMin = tMin();
  const heapFloor = (rows: Sample[], from: number, to: number) => {
    const window = rows.filter((s) => s.tMin >= from && s.tMin < to);
    return window.length ? Math.min(...window.map((s) => s.heapMB)) : NaN;
  };
  const procs = perProc.map((rows, proc) => {
    const cpuShares = rows.slice(1).map((s, i) => (s.cpuUs - rows[i]!.cpuUs) / ((s.tMin - rows[i]!.tMin) * 60e6));
    const busy = rows.filter((s) => s.clients > 0);
    const fifth = durationMin / 5;
    return {
      proc,
      port: ports[proc],
      exitCode: exitCodes[proc],
      heapMB: { first: rows[0]?.heapMB, max: Math.max(...rows.map((s) => s.heapMB)), last: rows.at(-1)?.heapMB },
      heapFloorMB: { firstFifth: heapFloor(rows, fifth * 0.5, fifth * 1.5), lastFifth: heapFloor(rows, fifth * 4, durationMin) },
      rssMB: { first: rows[0]?.rssMB, max: Math.max(...rows.map((s) => s.rssMB)), last: rows.at(-1)?.rssMB },
      meanPlayers: mean(busy.map((s) => s.clients)),
      meanRooms: mean(busy.map((s) => s.rooms)),
      meanCpuShare: mean(cpuShares),
      errors: serverErrors(servers[proc]!).slice(0, 20),
      errorCount: serverErrors(servers[proc]!).length,
    };
  });
  const report = {
    options: o,
    durationMin,
    bots: tally,
    cuts,
    baseline: { rooms: baselineRooms, redisKeys: baselineKeys },
    end: { rooms: endRooms, listedRooms: listing.rooms.length, redisKeys: endKeys, redisKeysAfterStop: keysAfterStop },
    returnedToBaseline: endRooms === baselineRooms && listing.rooms.length === 0 && JSON.stringify(endKeys) === JSON.stringify(baselineKeys) && keysAfterStop.length === 0,
    processes: procs,
    driver: { heapMB: { first: driverSamples[0]?.heapMB, last: driverSamples.at(-1)?.heapMB }, rssMB: { first: driverSamples[0]?.rssMB, last: driverSamples.at(-1)?.rssMB } },
    samples,
  };
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
  const series: Series[] = perProc.flatMap((rows, proc) => [
    { label: `p${proc + 1} heap used`, color: colors[proc % colors.length]!, points: rows.map((s) => ({ x: s.tMin, y: s.heapMB })) },
    { label: `p${proc + 1} RSS`, color: colors[proc % colors.length]!, dashed: true, points: rows.map((s) => ({ x: s.tMin, y: s.rssMB })) },
  ]);
  writeFileSync(`${o.out}/memory.svg`, lineChartSvg(`Soak: ${o.bots} bots, ${o.processes} processes, ${durationMin.toFixed(1)} min`, 'minutes', 'MB', series));
  writeFileSync(`${o.out}/report.json`, JSON.stringify(report, null, 2));
  servers.forEach((server, i) => writeFileSync(`${o.out}/server-p${i + 1}.log`, server.output()));
  const f = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(1));
  const md = [
    `# Soak report (${new Date().toISOString()})`,
    '',
    `${o.bots} bots, ${o.processes} processes, ${durationMin.toFixed(1)} min, lifetimes ${o.lifetimeS.join('-')} s, a connection cut every ${o.cutEveryS} s (${cuts} cuts), seed ${o.seed}.`,
    '',
    `Bots: ${tally.joins} joins, ${tally.leaves} leaves (${tally.slowLeaves} unconfirmed after 3 s), ${tally.reconnects} reconnections (${tally.reconnectsBack} back), join failures ${JSON.stringify(tally.joinFailures)}, unexpected closes ${JSON.stringify(tally.unexpectedCloses)}, ${tally.inputsSent} inputs.`,
    '',
    '| process | heap MB first / max / last | heap floor MB 1st fifth -> last fifth | RSS MB first / max / last | mean players | mean rooms | mean CPU (of one core) | errors | exit |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...procs.map((p) => `| p${p.proc + 1} | ${f(p.heapMB.first)} / ${f(p.heapMB.max)} / ${f(p.heapMB.last)} | ${f(p.heapFloorMB.firstFifth)} -> ${f(p.heapFloorMB.lastFifth)} | ${f(p.rssMB.first)} / ${f(p.rssMB.max)} / ${f(p.rssMB.last)} | ${f(p.meanPlayers)} | ${f(p.meanRooms)} | ${(p.meanCpuShare * 100).toFixed(1)} % | ${p.errorCount} | ${p.exitCode} |`),
    '',
    `Rooms: baseline ${baselineRooms}, end ${endRooms} (listed ${listing.rooms.length}). Redis keys: baseline [${baselineKeys.join(', ')}], end [${endKeys.join(', ')}], after stop [${keysAfterStop.join(', ')}].`,
    `Returned to baseline: ${report.returnedToBaseline ? 'yes' : 'NO'}.`,
    '',
    '![memory](memory.svg)',
    '',
  ].join('\n');
  writeFileSync(`${o.out}/report.md`, md);
  process.stdout.write(`\n${md}\nwritten to ${o.out}\n`);
  process.exit(report.returnedToBaseline && procs.every((p) => p.errorCount === 0) ? 0 : 1);
}

main().catch((err: unknown) => {
  process.stderr.write(`soak failed: ${(err as Error).stack ?? err}\n`);
  process.exit(2);
});
