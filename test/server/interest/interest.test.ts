import { ClientState } from '@colyseus/core';
import { describe, expect, it } from 'vitest';
import { bodyAt, inArea } from '../../../game-client/net/interest.ts';
import type { ArenaStateView, PlayerStateView } from '../../../game-client/net/stateTypes.ts';
import { AOI_HYSTERESIS_PX, AOI_MARGIN_PX, TICK_DT_S, VIEWPORT_HEIGHT_PX, VIEWPORT_WIDTH_PX } from '../../../shared/limits.ts';
import { ARENA_MAP, battleMapFor, type GameMap } from '../../../shared/maps.ts';
import { projectilePositionAt, type World } from '../../../shared/sim/world.ts';
import { cameraCentre, PROJECTILE_MARGIN_PX, segmentTouchesBox, type Box } from '../../../server/interest/area.ts';
import { DEFAULT_INTEREST } from '../../../server/interest/config.ts';
import { diffTotals, snapshotTotals } from '../../../server/interest/stats.ts';
import { projectileKey } from '../../../server/state/changes.ts';
import { InterestHarness, type HarnessClient } from '../../helpers/interestHarness.ts';

function box(cx: number, cy: number, hx: number, hy: number): Box {
  return { x0: cx - hx, x1: cx + hx, y0: cy - hy, y1: cy + hy };
}
const inside = (b: Box, x: number, y: number) => x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1;

/** Where the client's camera looks, from the server's truth. */
function centreOf(h: InterestHarness, c: HarnessClient): { x: number; y: number } {
  const v = h.manager.viewers.get(c.id)!;
  const target = c.kind === 'player' ? h.world.players.get(c.id) : v.follow !== undefined ? h.world.players.get(v.follow) : undefined;
  return target !== undefined ? cameraCentre(h.map, target.x, target.y) : cameraCentre(h.map, v.roamX, v.roamY);
}

interface Checked { bodies: number; inArea: number; outOfArea: number; projectiles: number; heldBack: number; exactRemotes: number; violations: string[] }

const newChecked = (): Checked => ({ bodies: 0, inArea: 0, outOfArea: 0, projectiles: 0, heldBack: 0, exactRemotes: 0, violations: [] });

/** The most a projectile's addition costs in a view (map entry, key, reference ids, fields, owner id). */
const MAX_PROJECTILE_BYTES = 48;

/**
 * Everything a client decoded against the server's truth after a patch: the area guarantees,
 * exact own body, exact dead-reckoned others (when unbudgeted), the roster and projectiles.
 * Violations are collected (an expect() per check would dominate the run time) and asserted once.
 */
function checkClient(h: InterestHarness, c: HarnessClient, exactOthers: boolean, out: Checked, budget = 0): void {
  const world: World = h.world;
  const state: ArenaStateView = c.state;
  const fail = (what: string) => { if (out.violations.length < 20) out.violations.push(`tick ${world.tick} ${c.id}: ${what}`); };
  const centre = centreOf(h, c);
  const area = box(centre.x, centre.y, VIEWPORT_WIDTH_PX / 2 + AOI_MARGIN_PX, VIEWPORT_HEIGHT_PX / 2 + AOI_MARGIN_PX);
  const outer = box(centre.x, centre.y, VIEWPORT_WIDTH_PX / 2 + AOI_MARGIN_PX + AOI_HYSTERESIS_PX, VIEWPORT_HEIGHT_PX / 2 + AOI_MARGIN_PX + AOI_HYSTERESIS_PX);
  if (state.tick !== world.tick) fail(`state tick ${state.tick}`);
  if (state.players.size !== world.players.size) fail(`roster of ${state.players.size}, not ${world.players.size}`);
  for (const p of world.players.values()) {
    const seen = state.players.get(p.id) as PlayerStateView | undefined;
    if (seen === undefined) { fail(`no roster entry for ${p.id}`); continue; }
    if (seen.name !== p.name || seen.kills !== p.kills || seen.deaths !== p.deaths) fail(`roster of ${p.id} differs`);
    if (p.id === c.id) {
      // Our own body: exactly the simulation's numbers, every patch (prediction reconciles against them).
      if (!inArea(seen) || !Object.is(seen.x, p.x) || !Object.is(seen.y, p.y) || !Object.is(seen.vx, p.vx) || !Object.is(seen.vy, p.vy) || seen.alive !== p.alive) {
        fail(`own body ${seen.x},${seen.y} ${seen.vx},${seen.vy} is not ${p.x},${p.y} ${p.vx},${p.vy}`);
      }
      continue;
    }
    out.bodies++;
    if (inArea(seen)) {
      // Never outside the area plus hysteresis.
      if (!inside(outer, p.x, p.y)) fail(`holds ${p.id} at ${p.x},${p.y}, outside the area plus hysteresis`);
      out.outOfArea += inside(area, p.x, p.y) ? 0 : 1;
      if (exactOthers) {
        const at = bodyAt(seen, world.tick, state.tick);
        if (at.x !== p.x || at.y !== p.y || seen.hp !== p.hp || seen.alive !== p.alive) fail(`dead-reckons ${p.id} to ${at.x},${at.y}, server has ${p.x},${p.y}`);
        out.exactRemotes++;
      }
    }
    if (inside(area, p.x, p.y)) {
      // Always in view once inside the area: within the patch that found it there.
      if (!inArea(seen)) fail(`misses ${p.id} at ${p.x},${p.y} inside its area`);
      out.inArea++;
    }
  }
  const shots = box(centre.x, centre.y, VIEWPORT_WIDTH_PX / 2 + PROJECTILE_MARGIN_PX, VIEWPORT_HEIGHT_PX / 2 + PROJECTILE_MARGIN_PX);
  const live = new Set([...world.projectiles.values()].map((w) => projectileKey(w.id)));
  state.projectiles.forEach((_p, key) => { if (!live.has(key)) fail(`stale projectile ${key}`); });
  for (const w of world.projectiles.values()) {
    const end = projectilePositionAt(w, w.endTick, TICK_DT_S);
    const seen = state.projectiles.get(projectileKey(w.id));
    if (segmentTouchesBox(shots, w.x0, w.y0, end.x, end.y)) {
      // Under a budget a projectile may wait its turn, but only while the frame is full.
      if (seen === undefined && budget > 0 && c.lastFrameBytes > budget - MAX_PROJECTILE_BYTES) out.heldBack++;
      else if (seen === undefined) fail(`misses projectile ${w.id}${budget > 0 ? ` with a frame of ${c.lastFrameBytes} bytes, room left` : ''}`);
      out.projectiles++;
    }
    if (seen !== undefined) {
      if (seen.x0 !== w.x0 || seen.y0 !== w.y0 || seen.vx !== w.vx || seen.vy !== w.vy || seen.spawnTick !== w.spawnTick) fail(`projectile ${w.id} differs`);
      // Only the owner learns whose shot it is.
      if ((seen.ownerId ?? '') !== (w.ownerId === c.id ? c.id : '')) fail(`projectile ${w.id} owner "${seen.ownerId}"`);
    }
  }
}

function crowd(map: GameMap, players: number, spectators: number, budget: number, seed: number) {
  const h = new InterestHarness(map, { ...DEFAULT_INTEREST, budgetBytesPerPatch: budget }, seed);
  for (let i = 0; i < players; i++) h.join(`p${i}`, 'player', seed * 100 + i);
  h.step();
  for (let i = 0; i < spectators; i++) {
    const s = h.join(`s${i}`, 'spectator');
    if (i % 2 === 0) h.manager.spectate(s.id, { follow: `p${i}` });
    else h.manager.spectate(s.id, { x: 500 + i * 300, y: 400 + i * 200 });
  }
  return h;
}

/**
 * A budgeted run's checks on every client after each patch: `checkClient`, each frame's size, and
 * for how many patches in a row each client's picture of each other body in view was wrong.
 */
function budgetedRun(h: InterestHarness, budget: number, totals: Checked) {
  const frameBytes: number[] = [];
  const wrongFor = new Map<string, number>();
  const run = { frameBytes, worst: 0 };
  return {
    run,
    afterPatch(): void {
      for (const c of h.clients.values()) {
        frameBytes.push(c.lastFrameBytes);
        checkClient(h, c, false, totals, budget);
        c.state.players.forEach((p, id) => {
          const truth = h.world.players.get(id)!;
          if (id === c.id || !inArea(p)) return;
          const at = bodyAt(p, h.world.tick, c.state.tick);
          const key = `${c.id}>${id}`;
          const n = at.x === truth.x && at.y === truth.y && p.alive === truth.alive ? 0 : (wrongFor.get(key) ?? 0) + 1;
          wrongFor.set(key, n);
          run.worst = Math.max(run.worst, n);
        });
      }
    },
  };
}

/**
 * The whole frame is what the budget caps (the reserve for reports and events left aside), on
 * average; what must go regardless (entering bodies, the own body, updates at their 4-patch
 * deadline) can push a single frame past it, by about one update (10 %) at the 95th percentile.
 */
function expectFramesWithinBudget(frameBytes: number[], budget: number): void {
  const sorted = [...frameBytes].sort((a, b) => a - b);
  const mean = frameBytes.reduce((a, b) => a + b, 0) / frameBytes.length;
  expect(mean).toBeLessThanOrEqual(budget - DEFAULT_INTEREST.reservedBytesPerPatch);
  expect(sorted[Math.floor(sorted.length * 0.95)]!).toBeLessThanOrEqual(budget * 1.1);
}

describe('interest management, decoded by real schema decoders', () => {
  it('without a budget: areas hold exactly, every body in view dead-reckons to the server\'s position bit for bit', () => {
    const h = crowd(battleMapFor(60), 60, 4, 0, 1);
    const totals = newChecked();
    // Players join and leave while it runs.
    h.run(100, () => {
      for (const c of h.clients.values()) checkClient(h, c, true, totals);
      if (h.world.tick === 60) h.leave('p7');
      if (h.world.tick === 90) h.join('late', 'player', 999);
    });
    expect(totals.violations).toEqual([]);
    // The run exercised what it claims to: crowds in and out of view, hysteresis, shots.
    expect(totals.inArea).toBeGreaterThan(2000);
    expect(totals.bodies - totals.inArea).toBeGreaterThan(2000);
    expect(totals.outOfArea).toBeGreaterThan(50);
    expect(totals.projectiles).toBeGreaterThan(300);
    expect(totals.exactRemotes).toBeGreaterThan(2000);
  });

  it('under the byte budget: bodies as without it, updates held back go out within maxDeferPatches, projectiles wait only while the frame is full, and frames stay within the budget', () => {
    const budget = DEFAULT_INTEREST.budgetBytesPerPatch;
    const h = crowd(battleMapFor(80), 80, 2, budget, 2);
    const totals = newChecked();
    const checks = budgetedRun(h, budget, totals);
    const before = snapshotTotals();
    h.run(80, checks.afterPatch);
    const d = diffTotals(snapshotTotals(), before);
    expect(totals.violations).toEqual([]);
    // The budget did bind (updates were held back), yet no client's picture stayed wrong longer than allowed.
    expect(d.deferred).toBeGreaterThan(100);
    expect(checks.run.worst).toBeGreaterThan(0);
    expect(checks.run.worst).toBeLessThanOrEqual(DEFAULT_INTEREST.maxDeferPatches);
    expectFramesWithinBudget(checks.run.frameBytes, budget);
    // The crowd fired enough for the budget to hold projectiles back too.
    expect(d.deferredProjectiles).toBeGreaterThan(0);
  });

  it('a client that joins mid-game (or reconnects) gets its area from the next patch, with no stale projectile', () => {
    const h = crowd(battleMapFor(40), 40, 0, 0, 3);
    h.run(40);
    const late = h.join('late-spectator', 'spectator');
    h.manager.spectate(late.id, { follow: 'p3' });
    // The snapshot has the roster and an empty projectiles map, no bodies yet.
    expect(late.state.projectiles.size).toBe(0);
    expect(late.state.players.size).toBe(h.world.players.size);
    late.state.players.forEach((p) => expect(inArea(p)).toBe(false));
    const totals = newChecked();
    h.run(30, () => checkClient(h, late, true, totals));
    expect(totals.inArea).toBeGreaterThan(10);
    // Its connection drops (Colyseus holds the seat): its view waits while everyone else goes on.
    const others = newChecked();
    (late.client as { state: number }).state = ClientState.RECONNECTING;
    h.run(20, () => { for (const c of h.clients.values()) if (c !== late) checkClient(h, c, true, others); });
    expect(others.violations).toEqual([]);
    // A reconnection: the same viewer, a fresh decoder, a fresh snapshot, then its area again.
    const again = h.connect('late-spectator');
    expect(again.state.projectiles.size).toBe(0);
    h.run(20, () => checkClient(h, again, true, totals));
    expect(totals.violations).toEqual([]);
  });
});

describe('one view for the room where every client\'s area is the same (the arena: server/interest/sharedView.ts)', () => {
  const grouped = (h: InterestHarness) => [...h.clients.keys()].filter((id) => h.manager.viewers.get(id)?.grouped === true);

  it('without a budget: every client served from the room\'s view decodes what its own view would give, bit for bit, through joins, leaves and a reconnection', () => {
    const h = crowd(ARENA_MAP, 16, 2, 0, 4);
    const totals = newChecked();
    let everyoneGrouped = 0;
    const before = snapshotTotals();
    h.run(120, () => {
      for (const c of h.clients.values()) checkClient(h, c, true, totals);
      if (grouped(h).length === h.clients.size) everyoneGrouped++;
      if (h.world.tick === 60) h.leave('p7');
      if (h.world.tick === 90) h.join('late', 'player', 999);
      if (h.world.tick === 120) h.connect('p3');
    });
    expect(totals.violations).toEqual([]);
    // A client is on its own view for its first patch only: the room's view serves everyone else.
    expect(everyoneGrouped).toBeGreaterThan(100);
    expect(grouped(h)).toContain('late');
    expect(grouped(h)).toContain('p3');
    expect(totals.exactRemotes).toBeGreaterThan(10_000);
    expect(totals.projectiles).toBeGreaterThan(300);
    // The counters stay per client: each client-patch counts the other players it has in view.
    const d = diffTotals(snapshotTotals(), before);
    expect(d.visibleBodies / d.viewerPatches).toBeGreaterThan(14);
    expect(d.viewerPatches).toBeGreaterThan(17 * 115);
  });

  it('served in slices, as a large room is: clients reconnecting between slices start on their own view, everyone decodes the server\'s truth', () => {
    const h = new InterestHarness(ARENA_MAP, { ...DEFAULT_INTEREST, budgetBytesPerPatch: 0 }, 6, true, { sliceMs: 0, minClients: 8 });
    for (let i = 0; i < 40; i++) h.join(`p${i}`, 'player', 600 + i);
    h.step();
    h.join('s0', 'spectator');
    const totals = newChecked();
    let slicedPatches = 0;
    for (let p = 0; p < 90;) {
      h.step();
      if (h.world.tick % 3 === 1) continue;
      let turns = 0;
      let reconnected: string | undefined;
      h.patch(() => {
        turns++;
        // Mid-patch, between two slices: a reconnection (a fresh decoder and full state); it gets
        // its area from the next patch.
        if (turns === 2 && (p === 30 || p === 60)) reconnected = h.connect(p === 30 ? 'p5' : 's0').id;
      });
      if (turns > 1) slicedPatches++;
      p++;
      for (const c of h.clients.values()) if (c.id !== reconnected) checkClient(h, c, true, totals);
    }
    expect(totals.violations).toEqual([]);
    expect(slicedPatches).toBe(90);
    expect(grouped(h).length).toBe(h.clients.size);
    expect(totals.exactRemotes).toBeGreaterThan(50_000);
  });

  it('under the byte budget: held-back updates go out within maxDeferPatches and frames stay within the budget, own bodies exact', () => {
    const budget = DEFAULT_INTEREST.budgetBytesPerPatch;
    const h = crowd(ARENA_MAP, 24, 1, budget, 5);
    const totals = newChecked();
    const checks = budgetedRun(h, budget, totals);
    let servedGrouped = 0;
    const before = snapshotTotals();
    h.run(120, () => {
      servedGrouped += grouped(h).length;
      checks.afterPatch();
    });
    const d = diffTotals(snapshotTotals(), before);
    expect(totals.violations).toEqual([]);
    // The budget bound, and clients were served from the room's view while it did.
    expect(d.deferred).toBeGreaterThan(50);
    expect(servedGrouped).toBeGreaterThan(500);
    expect(checks.run.worst).toBeLessThanOrEqual(DEFAULT_INTEREST.maxDeferPatches);
    expectFramesWithinBudget(checks.run.frameBytes, budget);
  });
});

describe('the edge of an area', () => {
  /** A battle-sized map with nothing in the way. */
  const OPEN: GameMap = { id: 'open', widthPx: 6400, heightPx: 4000, obstacles: [], spawns: [{ x: 100, y: 100 }, { x: 6300, y: 3900 }] };

  /** Viewer A stands still; B is put where the test wants it, tick by tick. */
  function edgeScene() {
    const h = new InterestHarness(OPEN, { ...DEFAULT_INTEREST, budgetBytesPerPatch: 0 }, 9, false);
    const a = h.join('A');
    h.join('B');
    h.scripted.set('A', undefined);
    h.scripted.set('B', undefined);
    h.step();
    const pa = h.world.players.get('A')!;
    const pb = h.world.players.get('B')!;
    Object.assign(pa, { x: 2000, y: 2000, vx: 0, vy: 0 });
    Object.assign(pb, { x: 2500, y: 2000, vx: 0, vy: 0 });
    // A's area reaches 800 + 160 px to the right of its camera at (2000, 2000); it keeps things 160 px farther.
    const edge = 2000 + VIEWPORT_WIDTH_PX / 2 + AOI_MARGIN_PX;
    return { h, a, pb, edge, seesB: () => inArea(a.state.players.get('B')!) };
  }

  it('hysteresis: a body going back and forth across the edge never flickers; past the hysteresis it leaves, and comes back', () => {
    const { h, pb, edge, seesB } = edgeScene();
    h.run(2);
    expect(seesB()).toBe(true);
    const before = snapshotTotals();
    let shown = 0;
    h.run(40, () => {
      shown += seesB() ? 1 : 0;
      pb.x = h.world.tick % 2 === 0 ? edge + 100 : edge - 40;
    });
    expect(shown).toBe(40);
    expect(diffTotals(snapshotTotals(), before).leaves).toBe(0);
    // Events about B (a kill) go to those who see B.
    expect([...h.manager.audienceOf('B')].sort()).toEqual(['A', 'B']);
    pb.x = edge + AOI_HYSTERESIS_PX + 10;
    h.run(1);
    // Left the area: the body is gone from the client, the roster entry stays.
    expect(seesB()).toBe(false);
    expect([...h.manager.audienceOf('B')]).toEqual(['B']);
    expect(h.clients.get('A')!.state.players.get('B')?.name).toBe('B');
    pb.x = edge - 10;
    h.run(1);
    expect(seesB()).toBe(true);
  });

  it('"stopped moving" keeps the body, at rest, and costs nothing afterwards; "left my area" deletes it', () => {
    const { h, a, pb, seesB } = edgeScene();
    h.scripted.set('B', { moveX: 1, moveY: 0, aim: 0, fire: false });
    h.run(6);
    const moving = a.state.players.get('B')!;
    expect(moving.vx).toBeGreaterThan(0);
    h.scripted.set('B', { moveX: 0, moveY: 0, aim: 0, fire: false });
    h.run(6);
    const stopped = a.state.players.get('B')!;
    expect(seesB()).toBe(true);
    expect([stopped.vx, stopped.vy]).toEqual([0, 0]);
    expect(bodyAt(stopped, h.world.tick, a.state.tick)).toEqual({ x: pb.x, y: pb.y });
    // At rest nothing more is sent for B: A's patches carry only the tick.
    const bytes = a.bytes;
    h.run(10);
    expect((a.bytes - bytes) / 10).toBeLessThan(16);
  });

  it('dead reckoning: a body running straight is sent when it starts and turns, not while it runs', () => {
    const { h, a, seesB } = edgeScene();
    h.scripted.set('B', { moveX: 0, moveY: 1, aim: 0, fire: false });
    // Up to full speed (four ticks of acceleration), each change sent.
    h.run(4);
    const before = snapshotTotals();
    const bytes = a.bytes;
    h.run(20, () => expect(seesB()).toBe(true));
    const d = diffTotals(snapshotTotals(), before);
    // B ran 20 patches at full speed: its own client got every one (prediction needs exact current
    // values), A none: it extrapolates exactly.
    expect(d.updates).toBe(20);
    expect((a.bytes - bytes) / 20).toBeLessThan(16);
    const b = a.state.players.get('B')!;
    expect(bodyAt(b, h.world.tick, a.state.tick)).toEqual({ x: h.world.players.get('B')!.x, y: h.world.players.get('B')!.y });
  });
});
