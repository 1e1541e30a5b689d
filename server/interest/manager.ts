import { $changes, $refId, OPERATION, StateView } from '@colyseus/schema';
import { TICK_DT_S } from '../../shared/constants.ts';
import type { GameMap } from '../../shared/maps.ts';
import { projectilePositionAt, type SimProjectile } from '../../shared/sim/world.ts';
import type { SpectateMessage } from '../../shared/messages.ts';
import type { ArenaState, PlayerState, ProjectileState } from '../rooms/ArenaState.ts';
import { extrapolate, freeStep, MAX_BODY_SAMPLE_AGE_TICKS } from '../../shared/wire.ts';
import { ALL_BODY_BITS, BODY_BIT, projectileKey, type SyncListener } from '../rooms/stateSync.ts';
import { areaAround, cameraCentre, inBox, segmentTouchesBox, slackFor, type AreaSize, type Box } from './area.ts';
import { areaSize, type InterestOptions } from './config.ts';
import { BODY_FIELD_INDEX, bodyLeaveBytes, bodyUpdateBytes, PROJECTILE_OWNER_INDEX, projectileAddBytes, projectileRemoveBytes } from './fields.ts';
import { sameRange, SpatialGrid, type CellRange } from './grid.ts';
import { interestTotals } from './stats.ts';

/** A player's body as interest management tracks it. */
export class Body {
  cell = -1;
  prevCell = -1;
  /** Position and velocity after the last step (plain numbers: the schema's are accessors). */
  x = 0;
  y = 0;
  vx = 0;
  vy = 0;
  /** The schema instance's reference id. */
  readonly refId: number;
  /** BODY_BIT mask of fields changed since the last patch. */
  dirty = 0;
  listed = false;
  moved = false;
  /** Viewers that have this body in view. */
  readonly watchers = new Set<Viewer>();
  constructor(readonly id: string, readonly state: PlayerState) {
    this.refId = state[$refId]!;
  }
}

/**
 * A projectile's view entries depend only on which of its fields are set: one pair of maps per
 * combination, shared by every shot (the encoder only reads them), so a shot allocates no maps.
 */
const projectileEntries = new Map<number, { forOwner: Map<number, number>; forOthers: Map<number, number> }>();
function projectileEntriesFor(live: number): { forOwner: Map<number, number>; forOthers: Map<number, number> } {
  let entries = projectileEntries.get(live);
  if (entries === undefined) {
    const forOwner = new Map<number, number>();
    for (let i = 0, bits = live; bits !== 0; i++, bits >>>= 1) if (bits & 1) forOwner.set(i, OPERATION.ADD);
    const forOthers = new Map(forOwner);
    forOthers.delete(PROJECTILE_OWNER_INDEX);
    entries = { forOwner, forOthers };
    projectileEntries.set(live, entries);
    for (const m of [forOwner, forOthers]) sharedEntrySet.add(m);
  }
  return entries;
}

/** A projectile in flight: its whole path is known at spawn. */
export class Shot {
  readonly cells: number[] = [];
  readonly watchers = new Set<Viewer>();
  readonly refId: number;
  /** Its index in the projectiles map (what the map's add and delete operations carry). */
  readonly index: number;
  constructor(
    readonly id: number,
    readonly key: string,
    readonly state: ProjectileState,
    readonly ax: number, readonly ay: number, readonly bx: number, readonly by: number,
  ) {
    this.refId = state[$refId]!;
    this.index = state[$changes]!.parentIndex!;
    this.ownerId = state.ownerId;
    let live = 0;
    state[$changes]!.forEachLive((index: number) => { live |= 1 << index; });
    const entries = projectileEntriesFor(live);
    this.fieldsForOwner = entries.forOwner;
    this.fields = entries.forOthers;
  }

  /**
   * Its fields as view entries, made once and shared by every view it goes to (the encoder only
   * reads them): with the owner id for its owner, without for everyone else.
   */
  readonly fieldsForOwner: Map<number, number>;
  readonly fields: Map<number, number>;
  readonly ownerId: string;
}

/** Body fields that move it: sent together, whenever the client's extrapolation would be wrong. */
const MOTION_BITS = BODY_BIT.x | BODY_BIT.y | BODY_BIT.t;
const byPriority = (a: { priority: number }, b: { priority: number }) => b.priority - a.priority;
/** Up to this many candidates are sorted in place by insertion (`Array.sort` allocates scratch). */
const INSERTION_SORT_MAX = 48;

/** The first `n` of `list`, highest priority first, stable, without allocating for the usual few. */
function sortByPriority<T extends { priority: number }>(list: T[], n: number): void {
  if (n > INSERTION_SORT_MAX) {
    list.length = n;
    list.sort(byPriority);
    return;
  }
  for (let i = 1; i < n; i++) {
    const item = list[i]!;
    let j = i - 1;
    while (j >= 0 && list[j]!.priority < item.priority) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = item;
  }
}

/**
 * A body update's view entries depend only on which fields it sends: one map per combination of
 * body bits, made once and shared by every view (the encoder only reads them), so queuing an
 * update allocates nothing. (ADD, not REPLACE: the view drain reads operation 0 as "no value".)
 */
const sharedEntries: Array<Map<number, number> | undefined> = [];
const sharedEntrySet = new Set<Map<number, number>>();
function entriesFor(mask: number): Map<number, number> {
  let m = sharedEntries[mask];
  if (m === undefined) {
    m = new Map();
    for (let i = 0, bits = mask; bits !== 0; i++, bits >>>= 1) if (bits & 1) m.set(BODY_FIELD_INDEX[i]!, OPERATION.ADD);
    sharedEntries[mask] = m;
    sharedEntrySet.add(m);
  }
  return m;
}
function isSharedEntries(m: unknown): boolean {
  return sharedEntrySet.has(m as Map<number, number>);
}
/** The rest are sent when they change. */
const STATE_BITS = BODY_BIT.aim | BODY_BIT.hp | BODY_BIT.alive;

/** One body in one viewer's area. */
interface Track {
  readonly body: Body;
  /** Bits queued into the view's changes since it was last encoded. */
  queued: number;
  /** What this patch would send (set while choosing). */
  want: number;
  /** Position in the viewer's `list`. */
  slot: number;
  /**
   * The motion this viewer's client has for the body: where it was at `tick`, moving at
   * (vx, vy). The client extrapolates from it exactly as `extrapolate()` does here.
   */
  x: number;
  y: number;
  vx: number;
  vy: number;
  tick: number;
  /** freeStep(vx), freeStep(vy): what the client adds per tick. */
  stepX: number;
  stepY: number;
  /** aim, hp, alive changed since they were last sent to this viewer. */
  pending: number;
  /** Accumulated priority: grows every patch the update waits, resets when sent. */
  priority: number;
  /** Patch since which an update has been waiting (-1: nothing waiting). */
  waitingSince: number;
  /** Entered this patch: its whole body goes out, whatever the budget. */
  entering: boolean;
}

export type ViewerKind = 'player' | 'spectator';

/** A client's window on the room: a player's (centred on its body) or a spectator's. */
export class Viewer {
  view = new StateView();
  readonly tracks = new Map<Body, Track>();
  /** The same tracks, as an array: iterated every patch. */
  readonly list: Track[] = [];
  /** Last projectile checked against this viewer (skips the repeats of a projectile seen through several cells). */
  lastShotChecked = -1;
  readonly shots = new Set<Shot>();
  readonly enter: Box = { x0: 0, y0: 0, x1: 0, y1: 0 };
  readonly leave: Box = { x0: 0, y0: 0, x1: 0, y1: 0 };
  /** Projectiles crossing this box are sent. */
  readonly shotBox: Box = { x0: 0, y0: 0, x1: 0, y1: 0 };
  range: CellRange | undefined;
  /** The client has the room's full state: its view is written from the next patch on. */
  active = false;
  /** Its connection takes this patch (set by the serializer each patch): a dropped client's view waits. */
  ready = false;
  evaluatedPatch = -1;
  cx = Number.NaN;
  cy = Number.NaN;
  own: Body | undefined;
  /** Spectators: the player followed, or the point roamed to. */
  follow: string | undefined;
  roamX: number;
  roamY: number;
  /** Bytes queued into the view this patch. */
  bytes = 0;
  /** Tracks with entries queued, and the projectiles map's entries: emptied once the view is encoded. */
  /**
   * Tracks with bits queued in the view, the first `queuedCount` of them (a count, not
   * `length = 0`, which would drop the array's storage every patch).
   */
  readonly queuedTracks: Track[] = [];
  queuedCount = 0;
  constructor(readonly sessionId: string, readonly kind: ViewerKind, map: GameMap) {
    this.roamX = map.widthPx / 2;
    this.roamY = map.heightPx / 2;
  }
}

/**
 * Spatial interest management for one room, on schema 5 `StateView`s: each client's view holds
 * the bodies inside its area (a rectangle around its camera, with hysteresis), and every patch
 * it writes into each view exactly what that client needs: bodies entering (whole), leaving
 * (their fields deleted), projectiles whose flight crosses the area, and updates of bodies in
 * view, most important first under a per-client byte budget; the rest wait and gain priority.
 *
 * Cost per patch: the bodies that moved, times the viewers watching their grid cell; plus, for
 * each viewer whose camera moved, the bodies in the cells of its area; plus one pass over each
 * viewer's own area. Nothing walks the whole room per client.
 */
export class InterestManager implements SyncListener {
  readonly bodies = new Map<string, Body>();
  readonly viewers = new Map<string, Viewer>();
  private readonly shots = new Map<number, Shot>();
  private readonly grid: SpatialGrid<Body, Viewer>;
  private readonly shotGrid: SpatialGrid<Shot, never>;
  private readonly size: AreaSize;
  /** How far a camera may move before its area is recomputed (area.ts explains why that is safe). */
  private readonly slackPx: number;
  private readonly budget: number;
  private patch = 0;
  private moved: Body[] = [];
  private dirty: Body[] = [];
  private newShots: Shot[] = [];
  private readonly scratchRange: CellRange = { cx0: 0, cy0: 0, cx1: 0, cy1: 0 };
  private readonly scratchCentre = { x: 0, y: 0 };
  private readonly candidates: Track[] = [];
  /** Reference id of the projectiles map (its entries are written per view); known once the state is bound to its Root. */
  private mapRefId: number | undefined;
  /** The tick this patch's values are current at. */
  private now = 0;

  constructor(private readonly state: ArenaState, private readonly map: GameMap, private readonly options: InterestOptions) {
    this.grid = new SpatialGrid(map.widthPx, map.heightPx, options.cellPx);
    this.shotGrid = new SpatialGrid(map.widthPx, map.heightPx, options.cellPx);
    this.size = areaSize(options);
    this.slackPx = slackFor(this.size);
    this.budget = options.enabled ? options.budgetBytesPerPatch : 0;
  }

  // --- What the state sync reports ---------------------------------------------------------

  playerAdded(id: string, state: PlayerState): void {
    const body = new Body(id, state);
    body.x = state.x;
    body.y = state.y;
    body.cell = this.grid.cellOf(body.x, body.y);
    this.grid.add(body.cell, body);
    this.bodies.set(id, body);
    this.markMoved(body);
    const viewer = this.viewers.get(id);
    if (viewer?.kind === 'player') viewer.own = body;
  }

  playerChanged(id: string, changed: number, x: number, y: number, vx: number, vy: number): void {
    const body = this.bodies.get(id);
    if (body === undefined) return;
    body.dirty |= changed;
    body.vx = vx;
    body.vy = vy;
    if (!body.listed) {
      body.listed = true;
      this.dirty.push(body);
    }
    if ((changed & (BODY_BIT.x | BODY_BIT.y)) !== 0) {
      body.x = x;
      body.y = y;
      this.markMoved(body);
    }
  }

  playerRemoved(id: string): void {
    const body = this.bodies.get(id);
    if (body === undefined) return;
    this.bodies.delete(id);
    this.grid.remove(body.cell, body);
    const refId = body.refId;
    for (const v of body.watchers) {
      this.dropTrack(v, body);
      // The roster entry goes to everyone with the shared patch; nothing per view is left to send.
      v.view.unmarkVisible(body.state[$changes]!);
      v.view.changes.delete(refId);
    }
    body.watchers.clear();
    for (const v of this.viewers.values()) {
      if (v.own === body) v.own = undefined;
      if (v.follow === id) {
        v.follow = undefined;
        v.roamX = body.x;
        v.roamY = body.y;
      }
    }
  }

  projectileAdded(sim: SimProjectile, state: ProjectileState): void {
    const end = projectilePositionAt(sim, sim.endTick, TICK_DT_S);
    const shot = new Shot(sim.id, projectileKey(sim.id), state, sim.x0, sim.y0, end.x, end.y);
    const r = this.grid.rangeOf({ x0: Math.min(shot.ax, shot.bx), y0: Math.min(shot.ay, shot.by), x1: Math.max(shot.ax, shot.bx), y1: Math.max(shot.ay, shot.by) }, this.scratchRange);
    this.shotGrid.forEachCell(r, (cell) => {
      shot.cells.push(cell);
      this.shotGrid.add(cell, shot);
    });
    this.shots.set(sim.id, shot);
    this.newShots.push(shot);
  }

  projectileRemoving(id: number): void {
    const shot = this.shots.get(id);
    if (shot === undefined) return;
    this.shots.delete(id);
    for (const cell of shot.cells) this.shotGrid.remove(cell, shot);
    const tree = shot.state[$changes]!;
    const mapRefId = this.projectilesRefId();
    const bytes = projectileRemoveBytes(shot.index);
    for (const v of shot.watchers) {
      v.shots.delete(shot);
      // What view.remove(projectile) queues: the map's delete operation; nothing else is pending.
      v.view.unmarkVisible(tree);
      this.mapEntriesOf(v, mapRefId).set(shot.index, OPERATION.DELETE);
      v.bytes += bytes;
    }
    shot.watchers.clear();
  }

  // --- Viewers -------------------------------------------------------------------------------

  addViewer(sessionId: string, kind: ViewerKind): Viewer {
    const viewer = new Viewer(sessionId, kind, this.map);
    if (kind === 'player') viewer.own = this.bodies.get(sessionId);
    this.viewers.set(sessionId, viewer);
    return viewer;
  }

  removeViewer(sessionId: string): void {
    const v = this.viewers.get(sessionId);
    if (v === undefined) return;
    this.forget(v);
    v.view.dispose();
    this.viewers.delete(sessionId);
  }

  /**
   * The client now holds the room's full state (first join, or a reconnection with a fresh
   * decoder): start its view from nothing, introduced from the next patch on.
   */
  activate(sessionId: string): Viewer | undefined {
    const v = this.viewers.get(sessionId);
    if (v === undefined) return undefined;
    if (v.active) {
      this.forget(v);
      v.view.dispose();
      v.view = new StateView();
    }
    v.active = true;
    v.evaluatedPatch = -1;
    v.cx = Number.NaN;
    // A view binds to the state's Root on its first add(); this layer never calls add(), so bind
    // it here (visibility bits are per view id, which the binding hands out).
    (v.view as unknown as { _bindRoot(root: unknown): void })._bindRoot(this.state[$changes]!.root);
    // Bind the (filtered) projectiles map to this client, without any projectile in it yet.
    const mapTree = this.state.projectiles[$changes];
    (v.view as unknown as { addParentOf(tree: unknown, tag: number): void }).addParentOf(mapTree, -1);
    v.view.markVisible(mapTree);
    return v;
  }

  /** A spectator's camera: follow a player, or roam to a point (clamped to the map). */
  spectate(sessionId: string, msg: SpectateMessage): void {
    const v = this.viewers.get(sessionId);
    if (v === undefined || v.kind !== 'spectator') return;
    if ('follow' in msg) {
      if (this.bodies.has(msg.follow)) v.follow = msg.follow;
    } else {
      v.follow = undefined;
      v.roamX = Math.min(this.map.widthPx, Math.max(0, msg.x));
      v.roamY = Math.min(this.map.heightPx, Math.max(0, msg.y));
    }
  }

  /**
   * Who an event about these players concerns: the players themselves and every client that has
   * one of them in view (a kill across a 200-player map is noise to everyone else, and would
   * grow every client's traffic with the room's size).
   */
  audienceOf(...ids: string[]): Set<string> {
    const out = new Set<string>();
    for (const id of ids) {
      if (this.viewers.has(id)) out.add(id);
      const body = this.bodies.get(id);
      if (body !== undefined) for (const v of body.watchers) out.add(v.sessionId);
    }
    return out;
  }

  private forget(v: Viewer): void {
    this.afterEncode(v);
    for (const body of v.tracks.keys()) body.watchers.delete(v);
    v.tracks.clear();
    v.list.length = 0;
    for (const shot of v.shots) shot.watchers.delete(v);
    v.shots.clear();
    this.grid.rewatch(v, v.range, undefined);
    v.range = undefined;
  }

  // --- Every patch -----------------------------------------------------------------------------

  /** Nobody to send to: drop this patch's bookkeeping. */
  idle(): void {
    this.endPatch();
  }

  /** Decide and queue what each active client receives in this patch. */
  beforePatch(): void {
    const t0 = performance.now();
    const patch = ++this.patch;
    const grid = this.grid;
    this.now = this.state.tick;

    for (const body of this.moved) {
      const cell = grid.cellOf(body.x, body.y);
      body.prevCell = body.cell;
      if (cell !== body.cell) {
        grid.remove(body.cell, body);
        grid.add(cell, body);
        body.cell = cell;
      }
    }

    for (const v of this.viewers.values()) {
      v.bytes = 0;
      if (!v.active || !v.ready) continue;
      const c = this.centreOf(v, this.scratchCentre);
      if (v.evaluatedPatch < 0 || Math.abs(c.x - v.cx) > this.slackPx || Math.abs(c.y - v.cy) > this.slackPx) this.evaluate(v, c.x, c.y);
      // A player's own body is always in its view (it may appear after the camera settled).
      if (v.own !== undefined && !v.tracks.has(v.own)) this.enterBody(v, v.own);
    }

    for (const body of this.moved) {
      this.recheck(body, grid.watchersOf(body.cell));
      if (body.prevCell !== body.cell && body.prevCell >= 0) this.recheck(body, grid.watchersOf(body.prevCell));
    }

    for (const shot of this.newShots) {
      if (!this.shots.has(shot.id)) continue;
      for (const cell of shot.cells) {
        for (const v of grid.watchersOf(cell)) {
          if (v.lastShotChecked === shot.id || v.evaluatedPatch === patch || !v.ready) continue;
          v.lastShotChecked = shot.id;
          if (!v.shots.has(shot) && segmentTouchesBox(v.shotBox, shot.ax, shot.ay, shot.bx, shot.by)) this.addShot(v, shot);
        }
      }
    }

    for (const body of this.dirty) {
      const changed = body.dirty & STATE_BITS;
      if (changed === 0) continue;
      for (const v of body.watchers) v.tracks.get(body)!.pending |= changed;
    }

    const totals = interestTotals;
    totals.patches++;
    for (const v of this.viewers.values()) {
      if (!v.active || !v.ready) continue;
      this.flush(v, patch);
      totals.viewerPatches++;
      totals.viewBytes += v.bytes;
    }
    this.endPatch();
    totals.interestMs += performance.now() - t0;
  }

  private endPatch(): void {
    for (const v of this.viewers.values()) v.ready = false;
    for (const body of this.dirty) {
      body.dirty = 0;
      body.listed = false;
    }
    for (const body of this.moved) body.moved = false;
    this.dirty = [];
    this.moved = [];
    this.newShots = [];
  }

  private markMoved(body: Body): void {
    if (body.moved) return;
    body.moved = true;
    this.moved.push(body);
  }

  private centreOf(v: Viewer, out: { x: number; y: number }): { x: number; y: number } {
    const target = v.kind === 'player' ? v.own : v.follow === undefined ? undefined : this.bodies.get(v.follow);
    if (target !== undefined) return cameraCentre(this.map, target.x, target.y, out);
    if (v.kind === 'player') return cameraCentre(this.map, this.map.widthPx / 2, this.map.heightPx / 2, out);
    return cameraCentre(this.map, v.roamX, v.roamY, out);
  }

  /** The viewer's camera moved: recompute its area and look at everything around it. */
  private evaluate(v: Viewer, cx: number, cy: number): void {
    v.cx = cx;
    v.cy = cy;
    v.evaluatedPatch = this.patch;
    areaAround(cx, cy, this.size, this.slackPx, v.enter, v.leave, v.shotBox);
    const range = this.grid.rangeOf(v.leave, this.scratchRange);
    if (!sameRange(v.range, range)) {
      const next = { ...range };
      this.grid.rewatch(v, v.range, next);
      v.range = next;
    }
    for (let i = v.list.length - 1; i >= 0; i--) {
      const body = v.list[i]!.body;
      if (body !== v.own && !inBox(v.leave, body.x, body.y)) this.leaveBody(v, body);
    }
    const cols = this.grid.cols;
    const enterRange = this.grid.rangeOf(v.enter, this.scratchRange);
    for (let cy2 = enterRange.cy0; cy2 <= enterRange.cy1; cy2++) {
      for (let cx2 = enterRange.cx0; cx2 <= enterRange.cx1; cx2++) {
        for (const body of this.grid.itemsIn(cy2 * cols + cx2)) {
          if (!v.tracks.has(body) && inBox(v.enter, body.x, body.y)) this.enterBody(v, body);
        }
      }
    }
    const shotRange = this.shotGrid.rangeOf(v.shotBox, this.scratchRange);
    for (let cy2 = shotRange.cy0; cy2 <= shotRange.cy1; cy2++) {
      for (let cx2 = shotRange.cx0; cx2 <= shotRange.cx1; cx2++) {
        for (const shot of this.shotGrid.itemsIn(cy2 * cols + cx2)) {
          if (!v.shots.has(shot) && segmentTouchesBox(v.shotBox, shot.ax, shot.ay, shot.bx, shot.by)) this.addShot(v, shot);
        }
      }
    }
  }

  /** A body moved: is it now in or out of these viewers' areas? */
  private recheck(body: Body, viewers: ReadonlySet<Viewer>): void {
    for (const v of viewers) {
      if (v.evaluatedPatch === this.patch || body === v.own || !v.ready) continue;
      if (v.tracks.has(body)) {
        if (!inBox(v.leave, body.x, body.y)) this.leaveBody(v, body);
      } else if (inBox(v.enter, body.x, body.y)) {
        this.enterBody(v, body);
      }
    }
  }

  private enterBody(v: Viewer, body: Body): void {
    const track: Track = { body, queued: 0, want: 0, slot: v.list.length, x: 0, y: 0, vx: 0, vy: 0, tick: 0, stepX: 0, stepY: 0, pending: 0, priority: 0, waitingSince: -1, entering: true };
    v.tracks.set(body, track);
    v.list.push(track);
    body.watchers.add(v);
    v.view.markVisible(body.state[$changes]!);
    interestTotals.enters++;
  }

  /** Forget a track (swap-remove from the list). */
  private dropTrack(v: Viewer, body: Body): void {
    const track = v.tracks.get(body);
    if (track === undefined) return;
    v.tracks.delete(body);
    const last = v.list.pop()!;
    if (last !== track) {
      v.list[track.slot] = last;
      last.slot = track.slot;
    }
  }

  private leaveBody(v: Viewer, body: Body): void {
    // view.remove writes into the body's pending entries: never into a shared one.
    const pending = v.view.changes.get(body.refId);
    if (pending !== undefined && isSharedEntries(pending)) v.view.changes.set(body.refId, new Map(pending));
    this.dropTrack(v, body);
    body.watchers.delete(v);
    // Deletes the body fields on that client: "left my area", unlike a body that stops (vx = vy = 0).
    v.view.remove(body.state);
    v.bytes += bodyLeaveBytes(body.refId);
    interestTotals.leaves++;
  }

  /**
   * What `view.add(projectile)` queues, written directly (it is the hottest operation here): the
   * map entry, then the projectile's fields (the map's entries come first in the view's change
   * order, as the decoder needs), and the projectile marked visible.
   */
  private addShot(v: Viewer, shot: Shot): void {
    v.shots.add(shot);
    shot.watchers.add(v);
    v.view.markVisible(shot.state[$changes]!);
    this.mapEntriesOf(v, this.projectilesRefId()).set(shot.index, OPERATION.ADD);
    // Only the owner needs to know a shot is its own (it predicted it); for others it is just a shot.
    const own = shot.ownerId === v.sessionId;
    v.view.changes.set(shot.refId, (own ? shot.fieldsForOwner : shot.fields) as Map<number, OPERATION>);
    v.bytes += projectileAddBytes(shot.refId, shot.index, shot.key, own ? v.sessionId.length : undefined);
    interestTotals.projectilesSent++;
  }

  /**
   * Queue this patch's body updates into the view. A body's motion (x, y, t, and the velocity
   * if it changed) goes out only when the client's extrapolation from what it has would differ
   * from the server's position: a body running straight costs nothing. Entering bodies, the
   * player's own body and updates waiting for `maxDeferPatches` are sent regardless; the rest
   * by priority within the budget.
   */
  private flush(v: Viewer, patch: number): void {
    // Filled up to `n` (not emptied with `length = 0`, which drops the array's storage each time).
    const candidates = this.candidates;
    let n = 0;
    const totals = interestTotals;
    const now = this.now;
    const list = v.list;
    for (let i = 0; i < list.length; i++) {
      const track = list[i]!;
      const body = track.body;
      const own = body === v.own;
      if (!own) totals.visibleBodies++;
      if (track.entering) {
        this.send(v, body, track, ALL_BODY_BITS, patch);
        continue;
      }
      let want = track.pending;
      const ticks = now - track.tick;
      // The owner reconciles its prediction against exact current values: no extrapolation for it.
      const drifted = own
        ? body.x !== track.x || body.y !== track.y
        // extrapolate() with the steps cached: x + ticks × freeStep(v).
        : track.x + ticks * track.stepX !== body.x || track.y + ticks * track.stepY !== body.y || ticks >= MAX_BODY_SAMPLE_AGE_TICKS;
      if (drifted || body.vx !== track.vx || body.vy !== track.vy) {
        want |= MOTION_BITS;
        if (body.vx !== track.vx) want |= BODY_BIT.vx;
        if (body.vy !== track.vy) want |= BODY_BIT.vy;
      }
      if (want === 0) {
        track.waitingSince = -1;
        track.priority = 0;
        continue;
      }
      if (!own) totals.changedVisibleBodies++;
      if (track.waitingSince < 0) track.waitingSince = patch;
      if (own || this.budget === 0 || patch - track.waitingSince >= this.options.maxDeferPatches) {
        this.send(v, body, track, want, patch);
        continue;
      }
      track.priority += this.weight(v, body, track, want, ticks);
      track.want = want;
      candidates[n++] = track;
    }
    if (n === 0) return;
    sortByPriority(candidates, n);
    let left = this.budget - v.bytes;
    for (let i = 0; i < n; i++) {
      const track = candidates[i]!;
      const cost = bodyUpdateBytes(track.body.refId, track.want);
      if (cost <= left) {
        left -= cost;
        this.send(v, track.body, track, track.want, patch);
      } else {
        totals.deferred++;
      }
    }
  }

  /** Importance of an update, added to its priority every patch it waits. */
  private weight(v: Viewer, body: Body, track: Track, want: number, ticks: number): number {
    const dx = body.x - v.cx;
    const dy = body.y - v.cy;
    const half = this.options.priorityHalfDistancePx;
    let w = half / (half + Math.sqrt(dx * dx + dy * dy));
    if ((want & MOTION_BITS) !== 0) {
      // The farther the client's picture is off, the sooner it should be put right.
      const ex = Math.abs(extrapolate(track.x, track.vx, ticks) - body.x);
      const ey = Math.abs(extrapolate(track.y, track.vy, ticks) - body.y);
      w *= 1 + (ex > ey ? ex : ey) / 16;
    } else if ((want & (BODY_BIT.hp | BODY_BIT.alive)) === 0) {
      w *= 0.5; // aim alone: cosmetic
    }
    // Deaths, respawns and hits change what a player sees most.
    if ((want & (BODY_BIT.hp | BODY_BIT.alive)) !== 0) w *= 4;
    if (v.follow === body.id) w *= 4;
    return w;
  }

  private projectilesRefId(): number {
    return (this.mapRefId ??= this.state.projectiles[$refId]!);
  }

  /** The projectiles map's entries in the view's pending changes. */
  private mapEntriesOf(v: Viewer, refId: number): Map<number, number> {
    let entries = v.view.changes.get(refId) as Map<number, number> | undefined;
    if (entries === undefined) {
      entries = new Map<number, number>();
      v.view.changes.set(refId, entries as Map<number, OPERATION>);
    }
    return entries;
  }

  /** The view was encoded (its changes drained). */
  afterEncode(v: Viewer): void {
    for (let i = 0; i < v.queuedCount; i++) v.queuedTracks[i]!.queued = 0;
    v.queuedCount = 0;
  }

  private send(v: Viewer, body: Body, track: Track, want: number, patch: number): void {
    if (track.queued === 0) v.queuedTracks[v.queuedCount++] = track;
    track.queued |= want;
    v.view.changes.set(body.refId, entriesFor(track.queued) as Map<number, OPERATION>);
    v.bytes += bodyUpdateBytes(body.refId, want);
    if ((want & MOTION_BITS) !== 0) {
      track.x = body.x;
      track.y = body.y;
      track.vx = body.vx;
      track.vy = body.vy;
      track.stepX = freeStep(track.vx);
      track.stepY = freeStep(track.vy);
      track.tick = this.now;
    }
    track.pending = 0;
    track.priority = 0;
    track.waitingSince = -1;
    track.entering = false;
    interestTotals.updates++;
  }
}
