import { OPERATION, StateView } from '@colyseus/schema';
import { TICK_DT_S } from '../../shared/limits.ts';
import type { GameMap } from '../../shared/maps.ts';
import { projectilePositionAt, type SimProjectile } from '../../shared/sim/world.ts';
import type { SpectateMessage } from '../../shared/messages.ts';
import type { ArenaState, PlayerState, ProjectileState } from '../state/ArenaState.ts';
import { ALL_BODY_BITS, BODY_BIT, projectileKey, type SyncListener } from '../state/changes.ts';
import { bindView, changeTreeOf, liveFieldMask, refIdOf } from '../adapters/schemaView.ts';
import { areaAround, cameraCentre, cameraIsFixed, inBox, segmentTouchesBox, slackFor, type AreaSize } from './area.ts';
import { PatchBudget } from './budget.ts';
import { areaSize, type InterestOptions } from './config.ts';
import { bodyUpdateBytes, projectileOwnerIdBytes, projectileRemoveBytes } from './fields.ts';
import { sameRange, SpatialGrid, type CellRange } from './grid.ts';
import { interestTotals } from './stats.ts';
import { inStepWithShared, SHARED_VIEWER_ID, takeSharedOwnUpdate } from './sharedView.ts';
import { Body, Shot, Viewer, type ViewerKind } from './tracked.ts';
import { addShot, afterEncode, dropTrack, enterBody, hasShot, isSharedEntries, leaveBody, ownerIdEntries, projectileEntriesFor, queueCollectionOp } from './viewEntries.ts';

export { Body, Shot, Viewer, isSharedEntries, type ViewerKind };

/*
 * What is in view: which bodies and projectiles each client's area holds, kept up to date as
 * bodies and cameras move. Priority and the byte budget are in budget.ts, writing the view's
 * entries in viewEntries.ts, the tracked entities in tracked.ts.
 */

/** The rest are sent when they change. */
const STATE_BITS = BODY_BIT.aim | BODY_BIT.hp | BODY_BIT.alive;
/** Kept out of the room's view's budget: a client's own body update, which rides after that part in its frame. */
const OWN_UPDATE_RESERVE_BYTES = bodyUpdateBytes(0xffff, ALL_BODY_BITS);

/** A player's own body is always in its view (it may appear after the camera settled). */
function keepOwnInView(v: Viewer): void {
  if (v.own !== undefined && !v.tracks.has(v.own)) enterBody(v, v.own);
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
  /** Priority and the byte budget (budget.ts). */
  private readonly patchBudget: PatchBudget;
  private patch = 0;
  private readonly moved: Body[] = [];
  private movedCount = 0;
  private readonly dirty: Body[] = [];
  private dirtyCount = 0;
  private readonly newShots: Shot[] = [];
  private newShotCount = 0;
  private readonly scratchRange: CellRange = { cx0: 0, cy0: 0, cx1: 0, cy1: 0 };
  private readonly scratchCentre = { x: 0, y: 0 };
  /** Bytes of this patch's frame outside the view part (prefix, shared part, the report's share): the budget covers the whole frame. */
  private frameOverheadBytes = 0;
  /** Reference id of the projectiles map (its entries are written per view); known once the state is bound to its Root. */
  private mapRefId: number | undefined;
  /** The tick this patch's values are current at. */
  private now = 0;
  /**
   * The room's own view where every client's area is the same (sharedView.ts): its part of each
   * patch is encoded once and served to every client in step with it (`Viewer.grouped`).
   */
  readonly roomView: Viewer | undefined;
  /** What the room's view got this patch, counted for each client served from it (the counters are per client). */
  private readonly roomViewCounts = { visible: 0, changed: 0, updates: 0, deferred: 0, deferredProjectiles: 0, projectiles: 0 };

  constructor(private readonly state: ArenaState, private readonly map: GameMap, private readonly options: InterestOptions) {
    this.grid = new SpatialGrid(map.widthPx, map.heightPx, options.cellPx);
    this.shotGrid = new SpatialGrid(map.widthPx, map.heightPx, options.cellPx);
    this.size = areaSize(options);
    this.slackPx = slackFor(this.size);
    this.patchBudget = new PatchBudget(options);
    if (cameraIsFixed(map)) {
      this.roomView = new Viewer(SHARED_VIEWER_ID, 'spectator', map);
      this.roomView.sentShots = [];
    }
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
      this.dirty[this.dirtyCount++] = body;
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
      dropTrack(v, body);
      // The roster entry goes to everyone with the shared patch; nothing per view is left to send.
      v.view.unmarkVisible(changeTreeOf(body.state));
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
    const shot = new Shot(sim.id, projectileKey(sim.id), state, sim.x0, sim.y0, end.x, end.y, projectileEntriesFor(liveFieldMask(state)));
    const r = this.grid.rangeOf({ x0: Math.min(shot.ax, shot.bx), y0: Math.min(shot.ay, shot.by), x1: Math.max(shot.ax, shot.bx), y1: Math.max(shot.ay, shot.by) }, this.scratchRange);
    this.shotGrid.forEachCell(r, (cell) => {
      shot.cells.push(cell);
      this.shotGrid.add(cell, shot);
    });
    this.shots.set(sim.id, shot);
    this.newShots[this.newShotCount++] = shot;
  }

  projectileRemoving(id: number): void {
    const shot = this.shots.get(id);
    if (shot === undefined) return;
    this.shots.delete(id);
    for (const cell of shot.cells) this.shotGrid.remove(cell, shot);
    const tree = changeTreeOf(shot.state);
    const mapRefId = this.projectilesRefId();
    const bytes = projectileRemoveBytes(shot.index);
    for (const v of shot.watchers) {
      // What view.remove(projectile) queues: the map's delete operation; nothing else is pending.
      v.view.unmarkVisible(tree);
      queueCollectionOp(v, mapRefId, shot.index, OPERATION.DELETE);
      v.bytes += bytes;
    }
    shot.watchers.length = 0;
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
    if (v.active) this.deactivate(v);
    this.startView(v);
    // Not served by a patch already under way (its view is new; the next patch starts it).
    v.ready = false;
    return v;
  }

  /** A view starting from nothing: its area is evaluated at its first patch. */
  private startView(v: Viewer): void {
    v.active = true;
    v.evaluatedPatch = -1;
    v.cx = Number.NaN;
    // A view binds to the state's Root on its first add(); this layer never calls add(), so bind
    // it here, with the (filtered) projectiles map shown to this client without any projectile yet.
    bindView(v.view, this.state, this.state.projectiles);
  }

  /** Forget everything the view held, with a fresh (unbound) view in its place. */
  private deactivate(v: Viewer): void {
    this.forget(v);
    v.view.dispose();
    v.view = new StateView();
    v.active = false;
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
      if (body !== undefined) for (const v of body.watchers) if (v !== this.roomView) out.add(v.sessionId);
    }
    // Served from the room's view, they have every body in view (their own tracks are not kept).
    if (this.roomView !== undefined) for (const v of this.viewers.values()) if (v.grouped) out.add(v.sessionId);
    return out;
  }

  private forget(v: Viewer): void {
    v.grouped = false;
    afterEncode(v);
    for (const body of v.tracks.keys()) body.watchers.delete(v);
    v.tracks.clear();
    v.list.length = 0;
    for (let i = 0; i < v.pendingShotCount; i++) v.pendingShots[i] = undefined as never;
    v.pendingShotCount = 0;
    this.stopWatching(v);
  }

  /** Off every projectile's and grid cell's watcher lists: nothing is found for its own view any more. */
  private stopWatching(v: Viewer): void {
    for (const shot of this.shots.values()) {
      const at = shot.watchers.indexOf(v);
      if (at >= 0) shot.watchers.splice(at, 1);
    }
    this.grid.rewatch(v, v.range, undefined);
    v.range = undefined;
  }

  // --- Every patch -----------------------------------------------------------------------------

  /** Nobody to send to: drop this patch's bookkeeping. */
  idle(): void {
    this.endBookkeeping();
    this.afterPatch();
    // Changes made while nobody is served are not tracked: the room's view starts again, and
    // anyone served from it has left (a client that comes back gets the full state and its own view first).
    if (this.roomView !== undefined && this.roomView.active) this.deactivate(this.roomView);
  }

  /**
   * Decide what is in each active client's view for this patch (bodies and projectiles entering and
   * leaving, changes pending per track); `flushViewer` then queues what each receives under its
   * budget. `overheadBytes`: what each client's frame carries besides its view part (timing prefix,
   * the shared part, and on average the netcode report and events that ride with patches), so the
   * budget covers the whole frame.
   */
  beforePatch(overheadBytes = 0): void {
    const t0 = performance.now();
    this.frameOverheadBytes = overheadBytes;
    const patch = ++this.patch;
    const grid = this.grid;
    this.now = this.state.tick;

    const moved = this.moved;
    for (let i = 0; i < this.movedCount; i++) {
      const body = moved[i]!;
      const cell = grid.cellOf(body.x, body.y);
      body.prevCell = body.cell;
      if (cell !== body.cell) {
        grid.remove(body.cell, body);
        grid.add(cell, body);
        body.cell = cell;
      }
    }

    const roomView = this.roomView;
    if (roomView !== undefined) {
      if (!roomView.active) this.startView(roomView);
      roomView.bytes = 0;
      roomView.ready = true;
      this.place(roomView);
    }
    for (const v of this.viewers.values()) {
      v.bytes = 0;
      if (!v.active || !v.ready) continue;
      // Served from the room's view, everything but its own body reaches it through that view.
      if (v.grouped) keepOwnInView(v);
      else this.place(v);
    }

    for (let i = 0; i < this.movedCount; i++) {
      const body = moved[i]!;
      this.recheck(body, grid.watchersOf(body.cell));
      if (body.prevCell !== body.cell && body.prevCell >= 0) this.recheck(body, grid.watchersOf(body.prevCell));
    }

    for (let i = 0; i < this.newShotCount; i++) {
      const shot = this.newShots[i]!;
      if (!this.shots.has(shot.id)) continue;
      for (const cell of shot.cells) {
        for (const v of grid.watchersOf(cell)) {
          if (v.lastShotChecked === shot.id || v.evaluatedPatch === patch || !v.ready) continue;
          v.lastShotChecked = shot.id;
          if (!hasShot(v, shot) && segmentTouchesBox(v.shotBox, shot.ax, shot.ay, shot.bx, shot.by)) this.offerShot(v, shot);
        }
      }
    }

    for (let i = 0; i < this.dirtyCount; i++) {
      const body = this.dirty[i]!;
      const changed = body.dirty & STATE_BITS;
      if (changed === 0) continue;
      for (const v of body.watchers) v.tracks.get(body)!.pending |= changed;
    }

    this.endBookkeeping();
    interestTotals.patches++;
    interestTotals.interestMs += performance.now() - t0;
  }

  /**
   * What the budget lets through to this client in this patch: after `beforePatch`, once per ready
   * viewer, before its view is encoded (the serializer runs it for a batch of clients at a time, so
   * a large room's clients can be served in slices: server/netcode/patchSlices.ts).
   */
  flushViewer(v: Viewer): void {
    if (!v.active || !v.ready) return;
    const t0 = performance.now();
    v.ready = false;
    const totals = interestTotals;
    // Served from the room's view: its frame carries that part, then what is left of its own body.
    if (v.grouped) this.countRoomView(v, totals);
    this.patchBudget.flush(v, this.patch, this.now, this.frameOverheadBytes, this.shots, this.mapRefIdOf);
    totals.viewerPatches++;
    totals.viewBytes += v.bytes;
    totals.interestMs += performance.now() - t0;
  }

  /** Every client of the patch served (or skipped). */
  afterPatch(): void {
    for (const v of this.viewers.values()) v.ready = false;
  }

  /** Lists filled up to their counts and reused (emptying an array drops its storage, and refilling it reallocates). */
  private endBookkeeping(): void {
    for (let i = 0; i < this.dirtyCount; i++) {
      const body = this.dirty[i]!;
      body.dirty = 0;
      body.listed = false;
      this.dirty[i] = undefined as never;
    }
    for (let i = 0; i < this.movedCount; i++) {
      this.moved[i]!.moved = false;
      this.moved[i] = undefined as never;
    }
    for (let i = 0; i < this.newShotCount; i++) this.newShots[i] = undefined as never;
    this.dirtyCount = 0;
    this.movedCount = 0;
    this.newShotCount = 0;
  }

  /** The viewer's area for this patch (recomputed when its camera moved), with its own body in view. */
  private place(v: Viewer): void {
    const c = this.centreOf(v, this.scratchCentre);
    if (v.evaluatedPatch < 0 || Math.abs(c.x - v.cx) > this.slackPx || Math.abs(c.y - v.cy) > this.slackPx) this.evaluate(v, c.x, c.y);
    keepOwnInView(v);
  }

  private markMoved(body: Body): void {
    if (body.moved) return;
    body.moved = true;
    this.moved[this.movedCount++] = body;
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
      if (body !== v.own && !inBox(v.leave, body.x, body.y)) leaveBody(v, body);
    }
    const cols = this.grid.cols;
    const enterRange = this.grid.rangeOf(v.enter, this.scratchRange);
    for (let cy2 = enterRange.cy0; cy2 <= enterRange.cy1; cy2++) {
      for (let cx2 = enterRange.cx0; cx2 <= enterRange.cx1; cx2++) {
        for (const body of this.grid.itemsIn(cy2 * cols + cx2)) {
          if (!v.tracks.has(body) && inBox(v.enter, body.x, body.y)) enterBody(v, body);
        }
      }
    }
    const shotRange = this.shotGrid.rangeOf(v.shotBox, this.scratchRange);
    for (let cy2 = shotRange.cy0; cy2 <= shotRange.cy1; cy2++) {
      for (let cx2 = shotRange.cx0; cx2 <= shotRange.cx1; cx2++) {
        for (const shot of this.shotGrid.itemsIn(cy2 * cols + cx2)) {
          if (!hasShot(v, shot) && segmentTouchesBox(v.shotBox, shot.ax, shot.ay, shot.bx, shot.by)) this.offerShot(v, shot);
        }
      }
    }
  }

  /** A body moved: is it now in or out of these viewers' areas? */
  private recheck(body: Body, viewers: ReadonlySet<Viewer>): void {
    for (const v of viewers) {
      if (v.evaluatedPatch === this.patch || body === v.own || !v.ready) continue;
      if (v.tracks.has(body)) {
        if (!inBox(v.leave, body.x, body.y)) leaveBody(v, body);
      } else if (inBox(v.enter, body.x, body.y)) {
        enterBody(v, body);
      }
    }
  }

  /** A projectile crosses this viewer's area: sent now without a budget, else it waits its turn in `flush`. */
  private offerShot(v: Viewer, shot: Shot): void {
    if (this.patchBudget.budget === 0) addShot(v, shot, this.projectilesRefId());
    // (Slots past the count are kept undefined, so includes() sees only the waiting ones.)
    else if (!v.pendingShots.includes(shot)) {
      v.pendingShots[v.pendingShotCount] = shot;
      v.pendingShotPriority[v.pendingShotCount++] = 0;
    }
  }

  /**
   * The room's view's part of this patch, when it has one (sharedView.ts): after `beforePatch` and
   * before any client's `flushViewer`, queue what the budget lets through to it; `encode` writes
   * it (the serializer puts it after the shared part) and must drain its queue. What it sent of
   * each client's own body and whose projectiles it sent are handed to those clients' own parts.
   */
  flushRoomView(encode: (roomView: Viewer) => void): boolean {
    const roomView = this.roomView;
    if (roomView === undefined || !roomView.active) return false;
    const t0 = performance.now();
    roomView.ready = false;
    const totals = interestTotals;
    const visible = totals.visibleBodies, changed = totals.changedVisibleBodies, updates = totals.updates, deferred = totals.deferred, deferredProjectiles = totals.deferredProjectiles;
    this.patchBudget.flush(roomView, this.patch, this.now, this.frameOverheadBytes + OWN_UPDATE_RESERVE_BYTES, this.shots, this.mapRefIdOf);
    // The room's view is no client: what it got is counted for each client served from it instead.
    const counts = this.roomViewCounts;
    counts.visible = totals.visibleBodies - visible;
    counts.changed = totals.changedVisibleBodies - changed;
    counts.updates = totals.updates - updates;
    counts.deferred = totals.deferred - deferred;
    counts.deferredProjectiles = totals.deferredProjectiles - deferredProjectiles;
    counts.projectiles = roomView.sentShotCount;
    totals.visibleBodies = visible;
    totals.changedVisibleBodies = changed;
    totals.updates = updates;
    totals.deferred = deferred;
    totals.deferredProjectiles = deferredProjectiles;
    totals.projectilesSent -= roomView.sentShotCount;
    const now = this.now;
    for (const v of this.viewers.values()) if (v.grouped && v.active) takeSharedOwnUpdate(v, roomView, now);
    const sent = roomView.sentShots!;
    for (let i = 0; i < roomView.sentShotCount; i++) {
      const shot = sent[i]!;
      sent[i] = undefined as never;
      const owner = this.viewers.get(shot.ownerId);
      if (owner === undefined || !owner.grouped) continue;
      owner.view.changes.set(shot.refId, ownerIdEntries as Map<number, OPERATION>);
      owner.bytes += projectileOwnerIdBytes(shot.refId, shot.ownerId.length);
    }
    roomView.sentShotCount = 0;
    totals.interestMs += performance.now() - t0;
    encode(roomView);
    afterEncode(roomView);
    return true;
  }

  /** A client served from the room's view: its frame carries that part, and its counters what that part held. */
  private countRoomView(v: Viewer, totals: typeof interestTotals): void {
    const roomView = this.roomView!;
    const c = this.roomViewCounts;
    v.bytes += roomView.bytes;
    // Its own body is no other player in view.
    totals.visibleBodies += c.visible - (v.own !== undefined && roomView.tracks.has(v.own) ? 1 : 0);
    totals.changedVisibleBodies += c.changed;
    totals.updates += c.updates;
    totals.deferred += c.deferred;
    totals.deferredProjectiles += c.deferredProjectiles;
    totals.projectilesSent += c.projectiles;
  }

  /** The view was encoded (its changes drained): a client on its own view joins the room's once it is in step with it. */
  afterEncode(v: Viewer): void {
    afterEncode(v);
    const roomView = this.roomView;
    if (roomView !== undefined && roomView.active && !v.grouped && v.active && v !== roomView && inStepWithShared(v, roomView)) this.joinRoomView(v);
  }

  /** From now on everything but its own body reaches it through the room's view: drop the rest of its own bookkeeping. */
  private joinRoomView(v: Viewer): void {
    const list = v.list;
    for (let i = list.length - 1; i >= 0; i--) {
      const body = list[i]!.body;
      if (body === v.own) continue;
      dropTrack(v, body);
      body.watchers.delete(v);
    }
    this.stopWatching(v);
    v.grouped = true;
  }

  private readonly mapRefIdOf = (): number => this.projectilesRefId();

  private projectilesRefId(): number {
    return (this.mapRefId ??= refIdOf(this.state.projectiles));
  }

}
