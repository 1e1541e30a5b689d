import { ClientState, SchemaSerializer, type Client } from '@colyseus/core';
import { StateView } from '@colyseus/schema';
import { TICK_DT_S } from '../../shared/limits.ts';
import type { PlayerInput } from '../../shared/input.ts';
import { battleMapFor, getMap } from '../../shared/maps.ts';
import { seedFromString } from '../../shared/rng.ts';
import { stepWorld } from '../../shared/sim/step.ts';
import { addPlayer, createWorld } from '../../shared/sim/world.ts';
import { BotBrain } from '../../tools/bots/behaviour.ts';
import { attachInterest } from '../../server/interest/attach.ts';
import { DEFAULT_INTEREST, type InterestOptions } from '../../server/interest/config.ts';
import { diffTotals, snapshotTotals, type InterestTotals } from '../../server/interest/stats.ts';
import { ArenaState } from '../../server/state/ArenaState.ts';
import { StateSync } from '../../server/rooms/stateSync.ts';

/**
 * The server's per-tick cost of one battle room without the network: the shared simulation,
 * the state sync and every patch (interest pass, shared encode, one view encode per client,
 * frames), with `players` blind chase bots (the load tests' light-bot brain: always moving,
 * aim sweeping, firing in bursts) on the map sized for them. Clients are in-process stubs that
 * drop their frames, so this is the room's CPU alone, on one thread, measured side by side with
 * Colyseus' own per-client `StateView` path on the same state (`stock`): each client's view
 * holds the same bodies, and the stock serializer walks every change once per client.
 */

export interface EncodeCostOptions {
  players: number;
  /** Simulated seconds after the warm-up. */
  seconds: number;
  warmupS?: number;
  /** `interest`: this project's serializer; `stock`: Colyseus' SchemaSerializer with a StateView per client. */
  mode: 'interest' | 'stock';
  interest?: InterestOptions;
  seed?: number;
  /** Bots fire (default true): projectiles are most of what a crowd sends. */
  fire?: boolean;
  /** Map id (default: the battle map sized for `players`). */
  mapId?: string;
  /** The bots' role (default `chase`: everyone always moving). */
  role?: 'chase' | 'wander';
}

export interface EncodeCost {
  mode: 'interest' | 'stock';
  players: number;
  ticks: number;
  patches: number;
  /** Per 30 Hz tick: simulation + state sync, ms (p50 / p99). */
  stepMsP50: number;
  stepMsP99: number;
  /** Per patch: everything in broadcastPatch, ms (p50 / p99 / mean). */
  patchMsP50: number;
  patchMsP99: number;
  patchMsMean: number;
  /** Worst tick: a step plus the patch that follows it, ms (p99): the room's tick cost on one core. */
  tickMsP99: number;
  /** Mean per patch, ms: interest pass, shared encode, view encodes, frames. `stock`: views = all encodeView calls. */
  interestMs: number;
  sharedEncodeMs: number;
  viewEncodeMs: number;
  sendMs: number;
  /** Share of the patch spent on per-client views (interest pass + view encodes). */
  viewShare: number;
  bytesPerClientPerPatch: number;
  visiblePerClient: number;
  totals?: InterestTotals;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function stubClient(sessionId: string, sink: { bytes: number }): Client {
  return {
    sessionId,
    state: ClientState.JOINED,
    raw(data: Uint8Array) { sink.bytes += data.length; },
  } as unknown as Client;
}

/** One room of the measurement: its state, serializer and stub clients, and bots to drive it. */
export interface CostRoom {
  clients: Client[];
  /** Bytes the stub clients were sent. */
  sink: { bytes: number };
  /** Encodes of Colyseus' per-client views (`stock`), ms so far. */
  stockViewMs(): number;
  /** One 30 Hz tick: the bots decide, the world steps (and in `stock` mode new projectiles join every view). */
  step(): void;
  /** A patch as the room sends it at tick `t`: the state follows the simulation, then every client's frame. */
  patch(t: number): void;
}

/** A room of `o.players` bots, everyone spawned and holding the full state, ready to step and patch. */
export function createCostRoom(o: EncodeCostOptions): CostRoom {
  const map = o.mapId === undefined ? battleMapFor(o.players) : getMap(o.mapId);
  const state = new ArenaState();
  const sync = new StateSync(state);
  // As a Colyseus room does: the default serializer binds the state first.
  const stock = new SchemaSerializer<typeof state>();
  stock.reset(state);
  let serializer: SchemaSerializer<typeof state> = stock;
  let manager: ReturnType<typeof attachInterest>['manager'] | undefined;
  if (o.mode === 'interest') {
    const room = { setSerializer(s: SchemaSerializer<typeof state>) { serializer = s; } };
    manager = attachInterest(room as never, state, sync, map, o.interest ?? DEFAULT_INTEREST, () => 0).manager;
  }
  const world = createWorld(map, seedFromString(`cost-${o.seed ?? 1}`));
  state.mapId = map.id;
  const sink = { bytes: 0 };
  const clients: Client[] = [];
  const brains = new Map<string, BotBrain>();
  const views = new Map<string, StateView>();
  for (let i = 0; i < o.players; i++) {
    const id = `p${i}`;
    addPlayer(world, id, id);
    brains.set(id, new BotBrain(o.role ?? 'chase', (o.seed ?? 1) * 1000 + i));
    const client = stubClient(id, sink);
    clients.push(client);
    manager?.addViewer(id, 'player');
  }
  const inputs = new Map<string, PlayerInput>();
  const timing = { sNow: 0 };
  let seq = 0;
  const simulate = () => {
    seq++;
    inputs.clear();
    for (const [id, brain] of brains) {
      const sample = brain.decide(undefined);
      inputs.set(id, { seq, ...sample, fire: sample.fire && o.fire !== false });
    }
    stepWorld(world, inputs, TICK_DT_S);
  };
  // Spawn everyone, then give each client its full state (and, in stock mode, a view with everyone in it).
  simulate();
  sync.apply(world);
  for (const c of clients) serializer.getFullState(c, timing);
  if (o.mode === 'stock') {
    for (const c of clients) {
      const view = new StateView();
      view.add(state.projectiles);
      state.players.forEach((p) => view.add(p));
      views.set(c.sessionId, view);
      (c as { view?: StateView }).view = view;
    }
  }
  let stockViewMs = 0;
  // Stock mode: time Colyseus' per-client view encodes the same way.
  const encoder = (serializer as unknown as { encoder: { encodeView: (...a: unknown[]) => unknown } }).encoder;
  if (o.mode === 'stock') {
    const original = encoder.encodeView.bind(encoder);
    encoder.encodeView = (...args: unknown[]) => {
      const t0 = performance.now();
      try { return original(...args); } finally { stockViewMs += performance.now() - t0; }
    };
  }
  return {
    clients,
    sink,
    stockViewMs: () => stockViewMs,
    step() {
      simulate();
      // New bodies and projectiles join every stock view as they appear (what a game would do with view.add).
      if (o.mode === 'stock') {
        for (const view of views.values()) state.projectiles.forEach((p) => { if (!view.has(p)) view.add(p); });
      }
    },
    patch(t: number) {
      timing.sNow = t * 33;
      // As the room does: the state follows the simulation once per patch.
      sync.apply(world);
      serializer.applyPatches(clients, state, timing);
    },
  };
}

/** 20 Hz patches on a 30 Hz tick: after ticks 2 and 3 of every 3. */
export function patchesAfterTick(t: number): boolean {
  return t % 3 !== 1;
}

export function measureEncodeCost(o: EncodeCostOptions): EncodeCost {
  const room = createCostRoom(o);
  const sink = room.sink;
  const stepMs: number[] = [];
  const patchMs: number[] = [];
  const tickMs: number[] = [];
  const warmTicks = Math.round((o.warmupS ?? 2) * 30);
  const ticks = Math.round(o.seconds * 30);
  let before = snapshotTotals();
  let patchCount = 0;
  let bytesAtStart = 0;
  let viewMsAtStart = 0;
  for (let t = 1; t <= warmTicks + ticks; t++) {
    if (t === warmTicks + 1) {
      before = snapshotTotals();
      bytesAtStart = sink.bytes;
      viewMsAtStart = room.stockViewMs();
    }
    const s0 = performance.now();
    room.step();
    const s1 = performance.now();
    let p = 0;
    if (patchesAfterTick(t)) {
      room.patch(t);
      p = performance.now() - s1;
    }
    if (t > warmTicks) {
      stepMs.push(s1 - s0);
      tickMs.push(s1 - s0 + p);
      if (p > 0) { patchMs.push(p); patchCount++; }
    }
  }
  const totals = diffTotals(snapshotTotals(), before);
  const perPatch = (v: number) => (patchCount > 0 ? v / patchCount : 0);
  const patchMean = patchMs.reduce((a, b) => a + b, 0) / Math.max(1, patchMs.length);
  const interestMs = o.mode === 'interest' ? perPatch(totals.interestMs) : 0;
  const viewEncodeMs = o.mode === 'interest' ? perPatch(totals.viewEncodeMs) : perPatch(room.stockViewMs() - viewMsAtStart);
  const sharedEncodeMs = o.mode === 'interest' ? perPatch(totals.sharedEncodeMs) : 0;
  const sendMs = o.mode === 'interest' ? perPatch(totals.sendMs) : Math.max(0, patchMean - viewEncodeMs);
  return {
    mode: o.mode,
    players: o.players,
    ticks,
    patches: patchCount,
    stepMsP50: percentile(stepMs, 50),
    stepMsP99: percentile(stepMs, 99),
    patchMsP50: percentile(patchMs, 50),
    patchMsP99: percentile(patchMs, 99),
    patchMsMean: patchMean,
    tickMsP99: percentile(tickMs, 99),
    interestMs,
    sharedEncodeMs,
    viewEncodeMs,
    sendMs,
    viewShare: patchMean > 0 ? (interestMs + viewEncodeMs) / patchMean : 0,
    bytesPerClientPerPatch: (sink.bytes - bytesAtStart) / Math.max(1, patchCount * o.players),
    visiblePerClient: o.mode === 'interest' ? totals.visibleBodies / Math.max(1, totals.viewerPatches) : o.players - 1,
    totals: o.mode === 'interest' ? totals : undefined,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const players = Number(process.argv[2] ?? 200);
  const modes = (process.argv[4] ?? 'interest,stock').split(',') as Array<'interest' | 'stock'>;
  for (const mode of modes) {
    const r = measureEncodeCost({ players, seconds: Number(process.argv[3] ?? 10), mode, fire: process.argv[5] !== 'nofire' });
    const { totals, ...rest } = r;
    console.log(JSON.stringify(rest));
    if (totals) console.log(JSON.stringify(totals));
  }
}
