import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RunOptions } from '../tools/bots/coordinator.ts';
import { mergeTotals } from '../tools/bots/report.ts';
import { GENERATOR_CPU_LIMIT_PERCENT, GENERATOR_LAG_LIMIT_MS } from '../tools/bots/report.ts';
import { DEFAULT_MAX_PLAYERS_PER_ROOM, DEFAULT_PATCH_HZ, TICK_HZ } from '../shared/limits.ts';
import { renderChart } from './chart.ts';
import { prepareCompare, type CompareTarget } from './compare.ts';
import type { LoadReply, LoadRequest } from './load.ts';
import { PERF_NODE_ARGS, perfAvailable, recordPerfWindow } from './perfWindow.ts';
import { pinning, startChild, type Child } from './proc.ts';
import type { AgentReply, AgentRequest, ServerWindowStats } from './servers/agent.ts';
import { collectServer, measureWindow } from './window.ts';

/**
 * `npm run bench`: this server and two baselines side by side, same bots, same scenario, one
 * after the other in one run, so their ratios hold on a noisy machine. See docs/BENCHMARKS.md.
 */

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

interface ServerDef { script: string; room: string; linkModule: string | undefined }

/** The servers this benchmark knows; `--compare REF` adds `this@<sha>`. */
export const SERVERS: Record<string, ServerDef> = {
  this: { script: here('./servers/this.ts'), room: 'arena', linkModule: undefined },
  'ws-floor': { script: here('./servers/wsFloor.ts'), room: 'floor', linkModule: here('./links/floorLink.ts') },
  'json-baseline': { script: here('./servers/jsonBaseline.ts'), room: 'json', linkModule: here('./links/jsonLink.ts') },
  'tutorial-baseline': { script: here('./servers/tutorialBaseline.ts'), room: 'tutorial', linkModule: here('./links/tutorialLink.ts') },
};
type ServerName = string;
const SERVER_NAMES = Object.keys(SERVERS);
/** Table order: ours, the commit compared with, the floor, the baselines. */
const order = (name: string) => (name === 'this' ? 0 : name.startsWith('this@') ? 1 : 2 + SERVER_NAMES.indexOf(name));

/** The knee: highest CCU with server tick p99 under this... */
const KNEE_TICK_P99_MS = 10;
/** ...and at least this share of patches delivered. */
const KNEE_DELIVERY = 0.95;
const KNEE_MAX_CCU = 4000;
const ROOM_SIZE = DEFAULT_MAX_PLAYERS_PER_ROOM;
/** Other work on the machine above this (in cores) during a window marks the scenario as disturbed. */
const OTHER_LOAD_WARN_CORES = 0.15;
/** Joins per second during the ramp (the matchmaker is part of the server under test). */
const RAMP_JOINS_PER_S = 100;
/** Seconds the server's idle CPU is measured before any bot joins. */
const IDLE_S = 3;

interface Settings { ccus: number[]; windowS: number; warmupS: number; knee: boolean; servers: ServerName[]; out: string; quick: boolean; profileDir?: string; perfDir?: string; serverCores: string; botCores: string; compare?: string; rounds: number }

export interface Scenario {
  server: ServerName;
  ccu: number;
  connected: number;
  rooms: number;
  cpuMsPerPlayerSecond: number;
  /** The share of that CPU spent in the kernel (system time: sockets, TCP on loopback). */
  systemCpuShare: number;
  /** The share of it on the main thread (the rest: V8's garbage-collection and compiler threads, libuv's pool); null when the server's agent does not say (an older commit under `--compare`). */
  mainThreadCpuShare: number | null;
  /** The server process with no players (timers, GC, housekeeping), CPU ms per second. */
  idleCpuMsPerSecond: number;
  /** CPU per player-second above that idle floor: what one more player costs. */
  marginalCpuMsPerPlayerSecond: number;
  tickMsP50: number;
  tickMsP99: number;
  tickMsMax: number;
  roomTickMsP99: number;
  eventLoopMsP99: number;
  rssMB: number;
  /** At the end of the window: V8's committed heap and what it holds, and memory outside the heap held by JS objects. */
  heapTotalMB: number;
  heapUsedMB: number;
  externalMB: number;
  downBytesPerClientPerSec: number;
  upBytesPerClientPerSec: number;
  patchDeliveryRatio: number;
  rttMsP50: number;
  rttMsP99: number;
  failedJoins: number;
  /** Bots whose connection ended during the run, by close code. */
  disconnectsByCode: Record<string, number>;
  /** What the clients received per patch cycle: the patch's mean payload, and the other frames (reports, events) with their mean payload. */
  patchBytesPerPatch: number;
  extraFramesPerPatch: number;
  extraBytesPerFrame: number;
  generatorLagMsP99: number;
  generatorCpuPercent: number;
  generatorSaturated: boolean;
  withinKnee: boolean;
  kneeSearch: boolean;
  /** CPU the rest of the machine took during the window, in cores (null: not measurable here); above OTHER_LOAD_WARN_CORES the run is marked. */
  otherLoadCores?: number | null;
  windowS: number;
}

function parseSettings(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      ccu: { type: 'string' },
      window: { type: 'string' },
      warmup: { type: 'string' },
      knee: { type: 'boolean' },
      'no-knee': { type: 'boolean' },
      servers: { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'string' },
      perf: { type: 'string' },
      'server-cores': { type: 'string' },
      'bot-cores': { type: 'string' },
      compare: { type: 'string' },
      rounds: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`Usage: npm run bench -- [--quick] [--ccu 100,500,1000] [--servers ${SERVER_NAMES.join(',')}]
                       [--window S] [--warmup S] [--no-knee] [--out FILE] [--profile DIR] [--perf DIR]
  --profile DIR  write a V8 CPU profile of each measurement window, server and bots, to DIR
  --perf DIR     record the server's main thread with Linux perf in each window (kernel, V8 builtins,
                 JIT code: bench/perfWindow.ts), to DIR
  --compare REF  also run this server as of git REF (built in a worktree), alternating with the current one;
                 writes bench/results/tmp/compare.json (the committed latest.json is left alone)
  --rounds N     run each server N times per CCU, alternating the order (default 1; 2 with --compare)
  --server-cores LIST, --bot-cores LIST   taskset core lists (default 0 and 1); one bot worker per bot core
  --quick   smoke run: 32 and 96 CCU, short windows, no knee search; writes bench/results/tmp/quick.json
`);
    process.exit(0);
  }
  const quick = values.quick === true;
  const ccus = (values.ccu ?? (quick ? '32,96' : '100,500,1000')).split(',').map((v) => Number(v.trim()));
  if (ccus.some((c) => !Number.isInteger(c) || c < 1 || c > KNEE_MAX_CCU)) throw new Error(`--ccu takes integers from 1 to ${KNEE_MAX_CCU}`);
  const servers = (values.servers ?? SERVER_NAMES.join(',')).split(',').map((s) => s.trim());
  for (const s of servers) if (!(s in SERVERS)) throw new Error(`unknown server "${s}" (use ${SERVER_NAMES.join(', ')})`);
  const rounds = Number(values.rounds ?? (values.compare ? 2 : 1));
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) throw new Error('--rounds takes 1 to 10');
  const num = (raw: string | undefined, fallback: number) => {
    const v = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(v) || v <= 0 || v > 600) throw new Error('--window and --warmup take seconds from 0 to 600');
    return v;
  };
  return {
    ccus,
    windowS: num(values.window, quick ? 4 : 15),
    warmupS: num(values.warmup, quick ? 1 : 5),
    knee: quick ? values.knee === true : values['no-knee'] !== true,
    servers,
    // A smoke run or a comparison never replaces the committed full result.
    out: values.out ?? here(quick ? './results/tmp/quick.json' : values.compare !== undefined ? './results/tmp/compare.json' : './results/latest.json'),
    quick,
    profileDir: values.profile,
    perfDir: values.perf,
    serverCores: values['server-cores'] ?? '0',
    botCores: values['bot-cores'] ?? '1',
    compare: values.compare,
    rounds,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** With `--perf`: record the server's main thread (its pid: taskset execs node) during the window. */
function perfDuring(s: Settings, pid: number | undefined, label: string): ((windowMs: number) => Promise<void>) | undefined {
  if (s.perfDir === undefined || pid === undefined) return undefined;
  const file = path.join(s.perfDir, label);
  return (windowMs) => recordPerfWindow(pid, file, windowMs);
}

async function runScenario(server: ServerName, ccu: number, s: Settings, pin: ReturnType<typeof pinning>, kneeSearch: boolean, done: Scenario[]): Promise<Scenario> {
  const def = SERVERS[server];
  if (def === undefined) throw new Error(`unknown server ${server}`);
  const env = server === 'ws-floor' ? floorEnv(ccu, done) : {};
  const profile = (label: string) => (s.profileDir === undefined ? undefined : { dir: s.profileDir, label: `${label}-${ccu}` });
  const srv = startChild<AgentRequest, AgentReply>(def.script, pin?.server ?? null, env, profile(server), s.perfDir === undefined ? [] : PERF_NODE_ARGS);
  let gen: Child<LoadRequest, LoadReply> | undefined;
  try {
    const ready = await srv.next((m): m is Extract<AgentReply, { type: 'ready' }> => m.type === 'ready', 30_000, `${server} to start`);
    srv.send({ type: 'mark' });
    await sleep(IDLE_S * 1000);
    const idle = await collectServer(srv, 'idle stats');
    gen = startChild<LoadRequest, LoadReply>(here('./load.ts'), pin?.bots ?? null, {}, profile(`bots-for-${server}`));
    await gen.next((m): m is Extract<LoadReply, { type: 'ready' }> => m.type === 'ready', 30_000, 'the load generator to start');
    const rampS = Math.max(1, ccu / RAMP_JOINS_PER_S);
    const options: RunOptions = {
      url: `http://127.0.0.1:${ready.port}`,
      room: def.room,
      rooms: Math.ceil(ccu / ROOM_SIZE),
      perRoom: ROOM_SIZE,
      total: ccu,
      durationS: 3600,
      rampS,
      behaviour: 'chase',
      join: 'code',
      full: 0,
      workers: pin?.botWorkers ?? 1,
      seed: 7,
      joinTimeoutMs: 20_000,
      maxConcurrentJoins: 32,
      linkModule: def.linkModule,
      patchHz: DEFAULT_PATCH_HZ,
    };
    const { server: serverStats, bots: window, otherLoadCores } = await measureWindow(srv, gen, options, s, `${server} @ ${ccu}`, perfDuring(s, srv.process.pid, `${server}-${ccu}`));
    return { ...scenario(server, ccu, serverStats, idle.cpuMs / (idle.wallMs / 1000), window, s.windowS, kneeSearch), otherLoadCores: otherLoadCores === undefined ? null : r(otherLoadCores, 2) };
  } finally {
    await gen?.stop({ type: 'stop' });
    await srv.stop({ type: 'stop' });
  }
}

const r = (v: number, d = 2) => Number(v.toFixed(d));

function scenario(server: ServerName, ccu: number, st: ServerWindowStats, idleCpuMsPerSecond: number, shards: Parameters<typeof mergeTotals>[0], windowS: number, kneeSearch: boolean): Scenario {
  const m = mergeTotals(shards);
  const playerSeconds = m.all.connectedMs / 1000;
  const perClient = (v: number) => (playerSeconds > 0 ? v / playerSeconds : 0);
  const delivery = m.all.expectedPatches > 0 ? m.all.patches / m.all.expectedPatches : 0;
  const saturated = m.loopLagMsP99 > GENERATOR_LAG_LIMIT_MS || m.cpuPercent > GENERATOR_CPU_LIMIT_PERCENT;
  return {
    server,
    ccu,
    connected: m.all.connected,
    rooms: st.rooms,
    cpuMsPerPlayerSecond: r(playerSeconds > 0 ? st.cpuMs / playerSeconds : 0, 4),
    systemCpuShare: r(st.cpuMs > 0 ? (st.systemCpuMs ?? 0) / st.cpuMs : 0, 3),
    mainThreadCpuShare: st.mainThreadCpuMs === undefined ? null : r(st.cpuMs > 0 ? st.mainThreadCpuMs / st.cpuMs : 0, 3),
    idleCpuMsPerSecond: r(idleCpuMsPerSecond, 2),
    marginalCpuMsPerPlayerSecond: r(playerSeconds > 0 ? Math.max(0, st.cpuMs - idleCpuMsPerSecond * (st.wallMs / 1000)) / playerSeconds : 0, 4),
    tickMsP50: r(st.tickMsP50, 3),
    tickMsP99: r(st.tickMsP99, 3),
    tickMsMax: r(st.tickMsMax, 3),
    roomTickMsP99: r(st.roomTickMsP99, 3),
    eventLoopMsP99: r(st.eventLoopMsP99, 2),
    rssMB: r(st.rssPeakBytes / 1048576, 1),
    heapTotalMB: r((st.heapTotalBytes ?? 0) / 1048576, 1),
    heapUsedMB: r(st.heapUsedBytes / 1048576, 1),
    externalMB: r((st.externalBytes ?? 0) / 1048576, 1),
    downBytesPerClientPerSec: r(perClient(m.all.bytesIn), 1),
    upBytesPerClientPerSec: r(perClient(m.all.bytesOut), 1),
    patchDeliveryRatio: r(Math.min(delivery, 1), 3),
    ...perPatch(m.all),
    rttMsP50: r(m.all.rtt.percentile(50), 2),
    rttMsP99: r(m.all.rtt.percentile(99), 2),
    failedJoins: m.failedJoins,
    disconnectsByCode: m.disconnectsByCode,
    generatorLagMsP99: r(m.loopLagMsP99, 1),
    generatorCpuPercent: r(m.cpuPercent, 0),
    generatorSaturated: saturated,
    withinKnee: st.tickMsP99 < KNEE_TICK_P99_MS && delivery >= KNEE_DELIVERY && m.all.connected >= ccu * 0.99,
    kneeSearch,
    windowS,
  };
}

/** Pings every this often per bot (tools/bots/lightLink.ts), each answered by one pong frame of one byte. */
const BOT_PING_INTERVAL_MS = 2000;

function perPatch(t: { patches: number; patchBytes: number; framesIn: number; bytesIn: number; connectedMs: number }) {
  const pongs = t.connectedMs / BOT_PING_INTERVAL_MS;
  const extraFrames = Math.max(0, t.framesIn - t.patches - pongs);
  const extraBytes = Math.max(0, t.bytesIn - t.patchBytes - pongs);
  return {
    patchBytesPerPatch: r(t.patches > 0 ? t.patchBytes / t.patches : 0, 1),
    extraFramesPerPatch: r(t.patches > 0 ? extraFrames / t.patches : 0, 3),
    extraBytesPerFrame: r(extraFrames > 0 ? extraBytes / extraFrames : 0, 1),
  };
}

/**
 * What `ws-floor` sends: this server's measured patch and extra frames at the same CCU (from
 * this run, else the last committed results), so the floor carries exactly our traffic.
 */
function floorEnv(ccu: number, done: Scenario[]): Record<string, string> {
  const nearest = (list: Scenario[]) => list.filter((d) => d.server === 'this' && d.patchBytesPerPatch !== undefined).sort((a, b) => Math.abs(a.ccu - ccu) - Math.abs(b.ccu - ccu))[0];
  let mine = nearest(done);
  if (mine === undefined) {
    try {
      const last = JSON.parse(readFileSync(here('./results/latest.json'), 'utf8')) as { scenarios: Scenario[] };
      mine = nearest(last.scenarios);
    } catch { /* none yet */ }
  }
  if (mine === undefined) throw new Error('ws-floor needs this server\'s patch sizes: run it with `this` in --servers (it is measured first)');
  return {
    FLOOR_PATCH_BYTES: String(Math.round(mine.patchBytesPerPatch)),
    FLOOR_EXTRA_BYTES: String(Math.max(1, Math.round(mine.extraBytesPerFrame))),
    FLOOR_EXTRA_PER_PATCH: String(mine.extraFramesPerPatch),
  };
}

const roundToRooms = (ccu: number) => Math.max(ROOM_SIZE, Math.round(ccu / ROOM_SIZE) * ROOM_SIZE);

/** Step up from the highest passing CCU until a scenario fails (or the bots saturate), then bisect once. */
async function findKnee(server: ServerName, done: Scenario[], s: Settings, pin: ReturnType<typeof pinning>, log: (sc: Scenario) => void) {
  const mine = () => done.filter((d) => d.server === server);
  let pass = Math.max(0, ...mine().filter((d) => d.withinKnee).map((d) => d.ccu));
  let fail = Math.min(Infinity, ...mine().filter((d) => !d.withinKnee && d.ccu > pass).map((d) => d.ccu));
  let limitedByBots = false;
  for (let step = 0; step < 6 && fail === Infinity && pass > 0 && pass < KNEE_MAX_CCU; step++) {
    const sc = await runScenario(server, Math.min(KNEE_MAX_CCU, roundToRooms(pass * 1.5)), s, pin, true, done);
    done.push(sc);
    log(sc);
    if (sc.generatorSaturated) { limitedByBots = true; break; }
    if (sc.withinKnee) pass = sc.ccu; else fail = sc.ccu;
  }
  if (!limitedByBots && fail !== Infinity && pass > 0 && fail - pass > 2 * ROOM_SIZE) {
    const sc = await runScenario(server, roundToRooms((pass + fail) / 2), s, pin, true, done);
    done.push(sc);
    log(sc);
    // A saturated generator says nothing about the server: the knee is then "at least pass".
    if (sc.generatorSaturated) limitedByBots = true;
    else if (sc.withinKnee) pass = sc.ccu;
    else fail = sc.ccu;
  }
  return { ccu: pass, firstFailingCcu: fail === Infinity ? null : fail, limitedByBots };
}

/** The mean of each numeric field over a server's runs at one CCU (rounds), knee-search runs left out. */
function meanOf(runs: Scenario[]): Scenario | undefined {
  if (runs.length === 0) return undefined;
  const out = { ...runs[0]! } as Record<string, unknown>;
  for (const key of Object.keys(out)) {
    if (typeof out[key] === 'number') out[key] = runs.reduce((a, x) => a + (x as unknown as Record<string, number>)[key]!, 0) / runs.length;
  }
  return out as unknown as Scenario;
}

/** This server against every other at each CCU (means over rounds). */
function ratioRows(scenarios: Scenario[]) {
  const rows = [];
  const at = (server: string, ccu: number) => meanOf(scenarios.filter((x) => x.server === server && x.ccu === ccu && !x.kneeSearch));
  const ccus = [...new Set(scenarios.filter((x) => x.server === 'this' && !x.kneeSearch).map((x) => x.ccu))].sort((a, b) => a - b);
  const others = [...new Set(scenarios.map((x) => x.server))].filter((x) => x !== 'this').sort((a, b) => order(a) - order(b));
  for (const ccu of ccus) {
    const mine = at('this', ccu)!;
    for (const base of others) {
      const other = at(base, ccu);
      if (!other) continue;
      const q = (a: number, b: number) => (b > 0 ? r(a / b, 3) : null);
      rows.push({
        ccu,
        vs: base,
        cpuMsPerPlayerSecond: q(mine.cpuMsPerPlayerSecond, other.cpuMsPerPlayerSecond),
        marginalCpuMsPerPlayerSecond: q(mine.marginalCpuMsPerPlayerSecond, other.marginalCpuMsPerPlayerSecond),
        downBytesPerClientPerSec: q(mine.downBytesPerClientPerSec, other.downBytesPerClientPerSec),
        upBytesPerClientPerSec: q(mine.upBytesPerClientPerSec, other.upBytesPerClientPerSec),
        tickMsP99: q(mine.tickMsP99, other.tickMsP99),
        rssMB: q(mine.rssMB, other.rssMB),
      });
    }
  }
  return rows;
}

export function markdownTable(scenarios: Scenario[], ratios: ReturnType<typeof ratioRows>): string {
  const head = '| Server | CCU | Rooms | CPU ms / player-s (above idle) | Tick p50 / p99 / max (ms) | Loop p99 (ms) | RSS (MB) | Down B / client-s | Up B / client-s | Patch delivery | RTT p99 (ms) |';
  const sep = '| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |';
  const rows = [...scenarios].sort((a, b) => a.ccu - b.ccu || order(a.server) - order(b.server)).map((s) =>
    `| ${s.server}${s.kneeSearch ? ' (knee search)' : ''}${s.generatorSaturated ? ' ⚠ bots saturated' : ''}${(s.otherLoadCores ?? 0) > OTHER_LOAD_WARN_CORES ? ` ⚠ machine busy (${s.otherLoadCores} cores)` : ''} | ${s.ccu}${s.connected < s.ccu ? ` (${s.connected} in)` : ''} | ${s.rooms} | ${s.cpuMsPerPlayerSecond} (${s.marginalCpuMsPerPlayerSecond}) | ${s.tickMsP50} / ${s.tickMsP99} / ${s.tickMsMax} | ${s.eventLoopMsP99} | ${s.rssMB} | ${Math.round(s.downBytesPerClientPerSec)} | ${Math.round(s.upBytesPerClientPerSec)} | ${s.patchDeliveryRatio} | ${s.rttMsP99} |`);
  const ratioHead = '| CCU | This ÷ | CPU (above idle) | Down bytes | Up bytes | Tick p99 | RSS |';
  const ratioSep = '| ---: | --- | ---: | ---: | ---: | ---: | ---: |';
  const ratioLines = ratios.map((x) => `| ${x.ccu} | ${x.vs} | ${x.cpuMsPerPlayerSecond ?? '–'} (${x.marginalCpuMsPerPlayerSecond ?? '–'}) | ${x.downBytesPerClientPerSec ?? '–'} | ${x.upBytesPerClientPerSec ?? '–'} | ${x.tickMsP99 ?? '–'} | ${x.rssMB ?? '–'} |`);
  return [head, sep, ...rows, '', ratioHead, ratioSep, ...ratioLines].join('\n');
}

async function main(): Promise<void> {
  const s = parseSettings(process.argv.slice(2));
  const pin = pinning(s.serverCores, s.botCores);
  if (s.profileDir !== undefined) mkdirSync(s.profileDir, { recursive: true });
  if (s.perfDir !== undefined) {
    if (!perfAvailable()) throw new Error('--perf: `perf record` does not work here (install linux-perf; it needs root or kernel.perf_event_paranoid <= 1)');
    mkdirSync(s.perfDir, { recursive: true });
  }
  const machine = {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    memoryGB: r(totalmem() / 2 ** 30, 1),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((v) => r(v, 2)),
    date: new Date().toISOString(),
  };
  process.stdout.write(`Benchmark: ${s.servers.join(', ')}${s.compare ? ` and this@${s.compare}` : ''} at ${s.ccus.join(', ')} CCU (rooms of ${ROOM_SIZE}, ${TICK_HZ} Hz ticks, ${DEFAULT_PATCH_HZ} Hz patches), ` +
    `window ${s.windowS} s after ${s.warmupS} s warm-up; ${pin ? `server pinned to core(s) ${pin.server}, bots to core(s) ${pin.bots} in ${pin.botWorkers} process(es) (taskset)` : 'NOT pinned (taskset or a second core missing)'}\n`);
  const scenarios: Scenario[] = [];
  const log = (sc: Scenario) => process.stdout.write(
    `  ${sc.server.padEnd(17)} ${String(sc.ccu).padStart(5)} CCU: cpu ${sc.cpuMsPerPlayerSecond} ms/player-s (${sc.marginalCpuMsPerPlayerSecond} above idle ${sc.idleCpuMsPerSecond} ms/s; ${Math.round(sc.systemCpuShare * 100)}% system${sc.mainThreadCpuShare === null ? '' : `, ${Math.round(sc.mainThreadCpuShare * 100)}% main thread`}), tick p99 ${sc.tickMsP99} ms, loop p99 ${sc.eventLoopMsP99} ms, ` +
    `down ${Math.round(sc.downBytesPerClientPerSec)} B/s, delivery ${sc.patchDeliveryRatio}, rss ${sc.rssMB} MB${sc.connected < sc.ccu ? `, ${sc.connected} connected (closed: ${JSON.stringify(sc.disconnectsByCode)}, failed joins: ${sc.failedJoins})` : ''}${sc.generatorSaturated ? ', BOTS SATURATED' : ''}${sc.withinKnee ? '' : ', over the knee'}${(sc.otherLoadCores ?? 0) > OTHER_LOAD_WARN_CORES ? `, MACHINE BUSY (others used ${sc.otherLoadCores} cores)` : ''}\n`);
  const servers = [...s.servers];
  let compared: CompareTarget | undefined;
  if (s.compare !== undefined) {
    compared = prepareCompare(s.compare);
    SERVERS[compared.name] = { ...SERVERS.this!, script: compared.script };
    servers.splice(servers.indexOf('this') + 1, 0, compared.name);
    process.stdout.write(`Comparing with ${compared.name} (${s.compare}), ${s.rounds} round(s), alternating\n`);
  }
  for (const ccu of s.ccus) {
    for (let round = 0; round < s.rounds; round++) {
      // Alternate the order each round, so neither side always runs on a warmer (or busier) machine.
      const sequence = round % 2 === 0 ? servers : [...servers].reverse();
      // ws-floor sizes itself from this server's measurement: it runs after `this`.
      if (sequence.includes('ws-floor') && sequence.includes('this') && sequence.indexOf('ws-floor') < sequence.indexOf('this') && !scenarios.some((x) => x.server === 'this')) sequence.push(...sequence.splice(sequence.indexOf('ws-floor'), 1));
      for (const server of sequence) {
        const sc = await runScenario(server, ccu, s, pin, false, scenarios);
        scenarios.push(sc);
        log(sc);
      }
    }
  }
  const knee: Record<string, Awaited<ReturnType<typeof findKnee>>> = {};
  // The floor has no knee worth finding here: the bots saturate first.
  if (s.knee) for (const server of servers.filter((x) => x !== 'ws-floor')) knee[server] = await findKnee(server, scenarios, s, pin, log);

  const ratios = ratioRows(scenarios);
  // The mean of its rounds, as the ratio rows and the chart use.
  const at1000 = meanOf(scenarios.filter((x) => x.server === 'this' && x.ccu === 1000 && !x.kneeSearch));
  const result = {
    machine,
    pinned: pin ? `server on core(s) ${pin.server}, bots on core(s) ${pin.bots} in ${pin.botWorkers} process(es) (taskset -c)` : null,
    settings: { roomSize: ROOM_SIZE, tickHz: TICK_HZ, patchHz: DEFAULT_PATCH_HZ, windowS: s.windowS, warmupS: s.warmupS, rounds: s.rounds, botBehaviour: 'chase (light bots: everyone always moving, firing in bursts)', quick: s.quick },
    compare: compared ? { ref: compared.ref, sha: compared.sha, name: compared.name } : null,
    scenarios,
    ratios,
    knee: { criteria: `tick p99 < ${KNEE_TICK_P99_MS} ms and patch delivery >= ${KNEE_DELIVERY}`, ...knee },
    targets: {
      cpuVsTutorialAtMost: 0.5,
      cpuVsTutorial: ratios.filter((x) => x.vs === 'tutorial-baseline').map((x) => ({ ccu: x.ccu, ratio: x.cpuMsPerPlayerSecond })),
      cpuVsFloorAtMost: 1.5,
      cpuVsFloor: ratios.filter((x) => x.vs === 'ws-floor').map((x) => ({ ccu: x.ccu, ratio: x.cpuMsPerPlayerSecond })),
      downVsJsonAtMost: r(1 / 6, 3),
      downVsJson: ratios.filter((x) => x.vs === 'json-baseline').map((x) => ({ ccu: x.ccu, ratio: x.downBytesPerClientPerSec })),
      tickP99At1000CcuBelowMs: 5,
      tickP99At1000Ccu: at1000?.tickMsP99 ?? null,
    },
  };
  const outDir = s.out.replace(/\/[^/]*$/, '');
  mkdirSync(outDir, { recursive: true });
  writeFileSync(s.out, `${JSON.stringify(result, null, 2)}\n`);
  const base = s.out.replace(/\.json$/, '');
  const table = markdownTable(scenarios, ratios);
  writeFileSync(`${base}.md`, `${table}\n`);
  // One point per server and CCU: the mean of its rounds.
  const chartPoints = [...new Set(scenarios.map((x) => `${x.server}|${x.ccu}|${x.kneeSearch}`))].map((k) => meanOf(scenarios.filter((x) => `${x.server}|${x.ccu}|${x.kneeSearch}` === k))!);
  writeFileSync(`${base}.svg`, renderChart(chartPoints, `${machine.model}, ${machine.cpus} cores, ${machine.date.slice(0, 10)}`));
  process.stdout.write(`\n${table}\n\nwrote ${s.out}, ${base}.md, ${base}.svg\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
