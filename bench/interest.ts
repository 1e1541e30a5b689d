import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { RunOptions } from '../tools/bots/coordinator.ts';
import { GENERATOR_CPU_LIMIT_PERCENT, GENERATOR_LAG_LIMIT_MS, mergeTotals } from '../tools/bots/report.ts';
import { ARENA_ROOM, BATTLE_ROOM, DEFAULT_PATCH_HZ, TICK_HZ } from '../shared/limits.ts';
import { battleMapFor } from '../shared/maps.ts';
import { DEFAULT_INTEREST } from '../server/interest/config.ts';
import { renderInterestChart } from './interest/chart.ts';
import { measureEncodeCost, type EncodeCost } from './interest/encodeCost.ts';
import { prepareCompare } from './compare.ts';
import type { LoadReply, LoadRequest } from './load.ts';
import { pinning, startChild, type Child } from './proc.ts';
import type { AgentReply, AgentRequest, ServerWindowStats } from './servers/agent.ts';
import { measureWindow } from './window.ts';

/**
 * `npm run bench:interest`: per-client downstream bandwidth as the players in view grow and as
 * the room grows, this server (interest management on, with and without its byte budget, and
 * off) against the JSON full-state baseline, same bots, one after the other in one run; then the
 * encode cost of a 200-player room. See docs/INTEREST.md ("Measured").
 */

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

interface Variant { script: string; env: Record<string, string>; linkModule: string | undefined }

const VARIANTS: Record<string, Variant> = {
  this: { script: here('./servers/this.ts'), env: {}, linkModule: undefined },
  'this-no-budget': { script: here('./servers/this.ts'), env: { DOWNSTREAM_BUDGET_KBPS: '0' }, linkModule: undefined },
  'this-no-interest': { script: here('./servers/this.ts'), env: { INTEREST_MANAGEMENT: 'off' }, linkModule: undefined },
  'json-baseline': { script: here('./servers/jsonBaseline.ts'), env: {}, linkModule: here('./links/jsonLink.ts') },
};
/** `this`, a variant of it, a baseline, or `this@<sha>` (`--compare REF`: that commit's server, run beside this one). */
type VariantName = string;
const VARIANT_NAMES = Object.keys(VARIANTS);

const RAMP_JOINS_PER_S = 50;

interface Settings {
  visible: number[];
  sizes: number[];
  /** Players in the "crowd" scenario (0: skip it). */
  crowd: number;
  variants: VariantName[];
  windowS: number;
  warmupS: number;
  encodeS: number;
  out: string;
  quick: boolean;
}

export interface Row {
  /**
   * `visible`: one arena room, everyone in view; `size`: one battle room on its sized map, blind
   * light bots; `crowd`: one battle room of `npm run bots`' default players (full bots that see and
   * chase what is near, wander role), the heaviest downstream of the three.
   */
  curve: 'visible' | 'size' | 'crowd';
  server: VariantName;
  /** Players in the room. */
  players: number;
  room: string;
  mapId: string;
  connected: number;
  downBytesPerClientPerSec: number;
  downKbpsPerClient: number;
  upBytesPerClientPerSec: number;
  patchDeliveryRatio: number;
  /** Server ticks: room work that ran back to back (a step and a patch landing together count as one). */
  tickMsP50: number;
  tickMsP99: number;
  /** One step or one patch of the room on its own. */
  roomTickMsP99: number;
  /** The same, fixed steps and patches apart. */
  stepMsP99: number;
  patchMsP99: number;
  /** Garbage collection pauses per second of the window, and the longest (ms). */
  gcPausesPerSec: number;
  gcPauseMsMax: number;
  cpuMsPerPlayerSecond: number;
  rssMB: number;
  /** Interest management (this server only): other players in view per client, how many had something to send per patch, */
  visiblePerClient?: number;
  changedVisiblePerClient?: number;
  /** body updates and projectiles per client per second, share of updates the budget held back a patch or more, */
  updatesPerClientPerSec?: number;
  projectilesPerClientPerSec?: number;
  deferredShare?: number;
  /** and the server's patch work per patch (ms): interest pass, shared encode, view encodes, frames. */
  interestMsPerPatch?: number;
  sharedEncodeMsPerPatch?: number;
  viewEncodeMsPerPatch?: number;
  sendMsPerPatch?: number;
  generatorSaturated: boolean;
}

function parseSettings(argv: string[]): Settings {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      visible: { type: 'string' },
      sizes: { type: 'string' },
      crowd: { type: 'string' },
      servers: { type: 'string' },
      window: { type: 'string' },
      warmup: { type: 'string' },
      out: { type: 'string' },
      compare: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`Usage: npm run bench:interest -- [--quick] [--visible 10,20,50] [--sizes 16,50,100,200] [--crowd 100]
                                [--servers ${VARIANT_NAMES.join(',')}] [--window S] [--warmup S] [--out FILE] [--compare REF]
  --quick        smoke run: 10 and 20 in view, rooms of 16 and 50, short windows; writes bench/results/tmp/interest-quick.json
  --compare REF  add this server as it was at REF (a worktree, bench/compare.ts), run right after ours in every scenario;
                 writes bench/results/tmp/interest-compare.json (the committed interest.json is left alone)
  --visible none, --crowd 0: skip those curves (e.g. --visible none --sizes 200,200 --crowd 0 --compare HEAD~1)
`);
    process.exit(0);
  }
  const quick = values.quick === true;
  const list = (raw: string | undefined, fallback: string, max: number) => {
    if (raw === 'none') return [];
    const v = (raw ?? fallback).split(',').map((s) => Number(s.trim()));
    if (v.some((n) => !Number.isInteger(n) || n < 1 || n > max)) throw new Error(`lists take integers from 1 to ${max}`);
    return v;
  };
  const variants = (values.servers ?? (quick ? 'this,json-baseline' : VARIANT_NAMES.join(','))).split(',').map((s) => s.trim());
  for (const v of variants) if (!(v in VARIANTS)) throw new Error(`unknown server "${v}" (use ${VARIANT_NAMES.join(', ')})`);
  if (values.compare !== undefined) {
    const target = prepareCompare(values.compare);
    VARIANTS[target.name] = { script: target.script, env: {}, linkModule: undefined };
    // Right after ours, so the two meet the machine in the same state.
    variants.splice(variants.indexOf('this') + 1, 0, target.name);
  }
  const secs = (raw: string | undefined, fallback: number) => {
    const v = raw === undefined ? fallback : Number(raw);
    if (!Number.isFinite(v) || v <= 0 || v > 600) throw new Error('--window and --warmup take seconds from 0 to 600');
    return v;
  };
  return {
    visible: list(values.visible, quick ? '10,20' : '10,20,50', 63),
    sizes: list(values.sizes, quick ? '16,50' : '16,50,100,200', 200),
    crowd: values.crowd === '0' ? 0 : list(values.crowd, quick ? '30' : '100', 200)[0]!,
    variants,
    windowS: secs(values.window, quick ? 4 : 15),
    warmupS: secs(values.warmup, quick ? 2 : 5),
    encodeS: quick ? 4 : 15,
    // A smoke run or a comparison never replaces the committed full result.
    out: values.out ?? here(quick ? './results/tmp/interest-quick.json' : values.compare !== undefined ? './results/tmp/interest-compare.json' : './results/interest.json'),
    quick,
  };
}

const r = (v: number, d = 2) => Number(v.toFixed(d));

async function runOne(curve: Row['curve'], server: VariantName, players: number, s: Settings, pin: ReturnType<typeof pinning>): Promise<Row> {
  const variant = VARIANTS[server]!;
  // The visible curve: one arena room where everyone is in everyone's view. The size and crowd curves: a battle room on its sized map.
  const room = curve === 'visible' ? ARENA_ROOM : BATTLE_ROOM;
  const crowd = curve === 'crowd';
  const mapId = curve === 'visible' ? 'arena' : battleMapFor(players).id;
  const env: Record<string, string> = { ...variant.env, BENCH_ROOM_SIZE: String(players), BENCH_MAP: mapId };
  const srv = startChild<AgentRequest, AgentReply>(variant.script, pin?.server ?? null, env);
  let gen: Child<LoadRequest, LoadReply> | undefined;
  try {
    const ready = await srv.next((m): m is Extract<AgentReply, { type: 'ready' }> => m.type === 'ready', 30_000, `${server} to start`);
    gen = startChild<LoadRequest, LoadReply>(here('./load.ts'), pin?.bots ?? null);
    await gen.next((m): m is Extract<LoadReply, { type: 'ready' }> => m.type === 'ready', 30_000, 'the load generator to start');
    const rampS = Math.max(1, players / RAMP_JOINS_PER_S);
    const options: RunOptions = {
      url: `http://127.0.0.1:${ready.port}`,
      room: variant.linkModule === undefined ? room : 'json',
      rooms: 1,
      perRoom: players,
      total: players,
      durationS: 3600,
      rampS,
      // The crowd plays as `npm run bots` does by default: full bots (they see, chase and shoot
      // what is near), wandering; the other curves use blind light bots that never stop.
      behaviour: crowd ? 'wander' : 'chase',
      join: 'code',
      full: crowd ? players : 0,
      workers: 1,
      seed: 7,
      joinTimeoutMs: 20_000,
      maxConcurrentJoins: 32,
      linkModule: variant.linkModule,
      patchHz: DEFAULT_PATCH_HZ,
    };
    const { server: st, bots: shards } = await measureWindow(srv, gen, options, s, `${server} @ ${players}`);
    return row(curve, server, players, room, mapId, st, shards);
  } finally {
    await gen?.stop({ type: 'stop' });
    await srv.stop({ type: 'stop' });
  }
}

function row(curve: Row['curve'], server: VariantName, players: number, room: string, mapId: string, st: ServerWindowStats, shards: Parameters<typeof mergeTotals>[0]): Row {
  const m = mergeTotals(shards);
  const playerSeconds = m.all.connectedMs / 1000;
  const perClient = (v: number) => (playerSeconds > 0 ? v / playerSeconds : 0);
  const down = perClient(m.all.bytesIn);
  const out: Row = {
    curve,
    server,
    players,
    room: server === 'json-baseline' ? 'json' : room,
    mapId,
    connected: m.all.connected,
    downBytesPerClientPerSec: r(down, 1),
    downKbpsPerClient: r((down * 8) / 1000, 1),
    upBytesPerClientPerSec: r(perClient(m.all.bytesOut), 1),
    patchDeliveryRatio: r(Math.min(1, m.all.expectedPatches > 0 ? m.all.patches / m.all.expectedPatches : 0), 3),
    tickMsP50: r(st.tickMsP50, 3),
    tickMsP99: r(st.tickMsP99, 3),
    roomTickMsP99: r(st.roomTickMsP99, 3),
    stepMsP99: r(st.stepMsP99 ?? Number.NaN, 3),
    patchMsP99: r(st.patchMsP99 ?? Number.NaN, 3),
    gcPausesPerSec: r((st.gcPauses ?? Number.NaN) / Math.max(0.001, st.wallMs / 1000), 1),
    gcPauseMsMax: r(st.gcPauseMsMax ?? Number.NaN, 2),
    cpuMsPerPlayerSecond: r(playerSeconds > 0 ? st.cpuMs / playerSeconds : 0, 4),
    rssMB: r(st.rssPeakBytes / 1048576, 1),
    generatorSaturated: m.loopLagMsP99 > GENERATOR_LAG_LIMIT_MS || m.cpuPercent > GENERATOR_CPU_LIMIT_PERCENT,
  };
  const x = st.extra;
  if (x !== undefined && (x.viewerPatches ?? 0) > 0) {
    const vp = x.viewerPatches!;
    const windowS = st.wallMs / 1000;
    const clients = vp / Math.max(1, x.patches!);
    const patches = Math.max(1, x.patches!);
    out.visiblePerClient = r(x.visibleBodies! / vp, 1);
    out.changedVisiblePerClient = r(x.changedVisibleBodies! / vp, 1);
    out.updatesPerClientPerSec = r(x.updates! / clients / windowS, 1);
    out.projectilesPerClientPerSec = r(x.projectilesSent! / clients / windowS, 1);
    out.deferredShare = r(x.deferred! / Math.max(1, x.updates! + x.deferred!), 3);
    out.interestMsPerPatch = r(x.interestMs! / patches, 3);
    out.sharedEncodeMsPerPatch = r(x.sharedEncodeMs! / patches, 3);
    out.viewEncodeMsPerPatch = r(x.viewEncodeMs! / patches, 3);
    out.sendMsPerPatch = r(x.sendMs! / patches, 3);
  }
  return out;
}

function markdown(rows: Row[], cost: EncodeCost[]): string {
  const head = '| Curve | Server | Players | Map | In view / client | Down kbps / client | Down B / client-s | Updates / client-s | Projectiles / client-s | Held back | Tick p50 / p99, step or patch p99 (ms) | Step p99 / patch p99 (ms) | GC pauses / s, longest (ms) | CPU ms / player-s | Patch delivery |';
  const sep = '| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  const lines = rows.map((x) => `| ${x.curve} | ${x.server}${x.generatorSaturated ? ' ⚠ bots saturated' : ''} | ${x.players}${x.connected < x.players ? ` (${x.connected} in)` : ''} | ${x.mapId} | ${x.visiblePerClient ?? (x.curve === 'visible' || x.server !== 'this' ? x.players - 1 : '–')} | ${x.downKbpsPerClient} | ${Math.round(x.downBytesPerClientPerSec)} | ${x.updatesPerClientPerSec ?? '–'} | ${x.projectilesPerClientPerSec ?? '–'} | ${x.deferredShare === undefined ? '–' : `${Math.round(x.deferredShare * 100)}%`} | ${x.tickMsP50} / ${x.tickMsP99}, ${x.roomTickMsP99} | ${x.stepMsP99} / ${x.patchMsP99} | ${x.gcPausesPerSec}, ${x.gcPauseMsMax} | ${x.cpuMsPerPlayerSecond} | ${x.patchDeliveryRatio} |`);
  const costHead = '| Encode, 200 clients (in-process) | Patch mean / p99 (ms) | Interest pass | Shared encode | View encodes | Frames | Share on views | Bytes / client / patch | Tick p99 (step + patch) |';
  const costSep = '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |';
  const costLines = cost.map((c) => `| ${c.mode === 'interest' ? 'this (interest management)' : 'Colyseus StateView per client, everyone in view'} | ${r(c.patchMsMean, 2)} / ${r(c.patchMsP99, 2)} | ${c.mode === 'interest' ? r(c.interestMs, 2) : '–'} | ${c.mode === 'interest' ? r(c.sharedEncodeMs, 2) : '–'} | ${r(c.viewEncodeMs, 2)} | ${r(c.sendMs, 2)} | ${Math.round(c.viewShare * 100)}% | ${Math.round(c.bytesPerClientPerPatch)} | ${r(c.tickMsP99, 2)} |`);
  return [head, sep, ...lines, '', costHead, costSep, ...costLines].join('\n');
}

async function main(): Promise<void> {
  const s = parseSettings(process.argv.slice(2));
  const pin = pinning('0', '1');
  const machine = {
    cpus: cpus().length,
    model: cpus()[0]?.model ?? 'unknown',
    memoryGB: r(totalmem() / 2 ** 30, 1),
    node: process.version,
    loadAverageAtStart: loadavg().map((v) => r(v, 2)),
    date: new Date().toISOString(),
  };
  process.stdout.write(`Interest benchmark: ${s.variants.join(', ')}; in view ${s.visible.join(', ')}; rooms of ${s.sizes.join(', ')}; a crowd of ${s.crowd}; ${TICK_HZ} Hz ticks, ${DEFAULT_PATCH_HZ} Hz patches, budget ${DEFAULT_INTEREST.budgetBytesPerPatch} B/patch (whole frame); ` +
    `window ${s.windowS} s after ${s.warmupS} s; ${pin ? `server on core ${pin.server}, bots on core ${pin.bots}` : 'NOT pinned'}\n`);
  const rows: Row[] = [];
  const log = (x: Row) => process.stdout.write(`  ${x.curve.padEnd(7)} ${x.server.padEnd(16)} ${String(x.players).padStart(4)} players: ${x.downKbpsPerClient} kbps down per client` +
    `${x.visiblePerClient !== undefined ? `, ${x.visiblePerClient} in view, ${x.updatesPerClientPerSec} updates/s, ${x.projectilesPerClientPerSec} projectiles/s, held back ${Math.round((x.deferredShare ?? 0) * 100)}%` : ''}` +
    `, tick p99 ${x.tickMsP99} ms (step or patch ${x.roomTickMsP99}: step ${x.stepMsP99}, patch ${x.patchMsP99}; GC ${x.gcPausesPerSec}/s, longest ${x.gcPauseMsMax} ms), delivery ${x.patchDeliveryRatio}${x.connected < x.players ? `, only ${x.connected} connected` : ''}${x.generatorSaturated ? ', BOTS SATURATED' : ''}\n`);
  for (const n of s.visible) {
    for (const v of s.variants.filter((x) => x !== 'this-no-interest')) {
      const x = await runOne('visible', v, n + 1, s, pin);
      rows.push(x);
      log(x);
    }
  }
  for (const n of s.sizes) {
    for (const v of s.variants) {
      const x = await runOne('size', v, n, s, pin);
      rows.push(x);
      log(x);
    }
  }
  if (s.crowd > 0) {
    for (const v of s.variants.filter((x) => x === 'this' || x.startsWith('this@') || x === 'this-no-budget')) {
      const x = await runOne('crowd', v, s.crowd, s, pin);
      rows.push(x);
      log(x);
    }
  }
  process.stdout.write(`  encode cost of a 200-player room in-process (${s.encodeS} s each)...\n`);
  const cost = (['interest', 'stock'] as const).map((mode) => measureEncodeCost({ players: 200, seconds: s.encodeS, mode }));
  for (const c of cost) delete c.totals;

  const find = (curve: Row['curve'], server: VariantName, players: number) => rows.find((x) => x.curve === curve && x.server === server && x.players === players);
  const at20 = find('visible', 'this', 21);
  const ours100 = find('size', 'this', 100);
  const json100 = find('size', 'json-baseline', 100);
  const ours200 = find('size', 'this', 200);
  const crowdRow = find('crowd', 'this', s.crowd);
  const targets = {
    kbpsWith20VisibleBelow: 32,
    kbpsWith20Visible: at20?.downKbpsPerClient ?? null,
    kbpsInCrowdAtMost: 32,
    kbpsInCrowd: crowdRow?.downKbpsPerClient ?? null,
    vsJsonAt100PlayersAtMost: 0.1,
    vsJsonAt100Players: ours100 && json100 ? r(ours100.downBytesPerClientPerSec / json100.downBytesPerClientPerSec, 4) : null,
    tickP99At200PlayersBelowMs: 10,
    tickP99At200PlayersMs: ours200?.tickMsP99 ?? null,
    stepOrPatchP99At200PlayersMs: ours200?.roomTickMsP99 ?? null,
    encodePerPatchAt200ClientsMs: r(cost[0]!.patchMsMean, 3),
    viewShareAt200Clients: r(cost[0]!.viewShare, 3),
  };
  const result = {
    machine,
    pinned: pin ? `server on core ${pin.server}, bots on core ${pin.bots} (taskset -c)` : null,
    settings: { tickHz: TICK_HZ, patchHz: DEFAULT_PATCH_HZ, budgetBytesPerPatch: DEFAULT_INTEREST.budgetBytesPerPatch, windowS: s.windowS, warmupS: s.warmupS, bots: 'light, blind chase: always moving, aim sweeping, firing in bursts', quick: s.quick },
    rows,
    encodeCost: cost,
    targets,
  };
  mkdirSync(s.out.replace(/\/[^/]*$/, ''), { recursive: true });
  writeFileSync(s.out, `${JSON.stringify(result, null, 2)}\n`);
  const base = s.out.replace(/\.json$/, '');
  const table = markdown(rows, cost);
  writeFileSync(`${base}.md`, `${table}\n`);
  const points = (curve: Row['curve']) => rows.filter((x) => x.curve === curve).map((x) => ({ server: x.server, x: curve === 'visible' ? x.players - 1 : x.players, kbps: x.downKbpsPerClient }));
  writeFileSync(`${base}.svg`, renderInterestChart(points('visible'), points('size'), `${machine.model}, ${machine.cpus} cores, ${machine.date.slice(0, 10)}`));
  process.stdout.write(`\n${table}\n\ntargets: ${JSON.stringify(targets)}\nwrote ${s.out}, ${base}.md, ${base}.svg\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:interest failed: ${(err as Error)?.stack ?? err}\n`);
  process.exit(1);
});
