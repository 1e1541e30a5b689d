import { StateView, type MapSchema, type Schema } from '@colyseus/schema';
import type { GameInterest } from '../../shared/game/interest.ts';
import { PLAYER_ENTITIES } from '../../shared/game/state.ts';
import type { GameMap } from '../../shared/maps.ts';
import type { SpectateMessage } from '../../shared/messages.ts';
import { inBox, type Box } from './area.ts';
import { SpatialGrid, type CellRange } from './grid.ts';
import { interestTotals } from './stats.ts';

/*
 * Spatial interest for any game the generic room serves (shared/game/interest.ts): each client's
 * view holds the entities of the game's spatial kinds inside its area, through schema's public
 * `StateView.add`/`remove`, and Colyseus' own patch path encodes each view. The arena's room has
 * its own layer (manager.ts), which writes view entries itself under a byte budget; this one knows
 * nothing of a game but its declaration.
 */

/** An entity of a spatial kind, where it was at the last patch. */
interface Placed {
  readonly entity: Schema;
  cell: number;
  x: number;
  y: number;
  /** The patch that last found it in the state (an older one: it was removed). */
  seen: number;
  /** Viewers that have it in view. */
  readonly watchers: Set<ReplicaViewer>;
}

/** A client's window on the room: centred on its own player, or a spectator's chosen one. */
class ReplicaViewer {
  readonly view = new StateView();
  readonly inView = new Set<Placed>();
  readonly enter: Box = { x0: 0, y0: 0, x1: 0, y1: 0 };
  readonly leave: Box = { x0: 0, y0: 0, x1: 0, y1: 0 };
  follow: string | undefined;
  constructor(readonly sessionId: string, readonly player: boolean, public roamX: number, public roamY: number) {}
}

/** Side of a grid cell, in areas: a viewer's area spans a few cells, so a scan stays near it. */
const CELLS_PER_AREA_WIDTH = 2;

export class ReplicaViews {
  private readonly viewers = new Map<string, ReplicaViewer>();
  private readonly placed = new Map<Schema, Placed>();
  private readonly grid: SpatialGrid<Placed, never>;
  private readonly scratchRange: CellRange = { cx0: 0, cy0: 0, cx1: 0, cy1: 0 };
  private readonly scratchCentre = { x: 0, y: 0 };
  private patch = 0;

  /** `kinds`: the layout's spatial kinds (shared/game/interest.ts' spatialKindsOf), maps of `state`. */
  constructor(private readonly state: Schema, private readonly kinds: readonly string[], private readonly map: GameMap, private readonly area: GameInterest) {
    this.grid = new SpatialGrid(map.widthPx, map.heightPx, Math.max(64, Math.ceil((2 * area.halfWidthPx) / CELLS_PER_AREA_WIDTH)));
  }

  /** A client joined (a player centred on its own entity, or a spectator): its patches are filtered from now on. */
  addViewer(client: { sessionId: string; view?: StateView }, player: boolean): void {
    const v = new ReplicaViewer(client.sessionId, player, this.map.widthPx / 2, this.map.heightPx / 2);
    this.viewers.set(client.sessionId, v);
    // Colyseus encodes this client's patches and full states through its view (and hands the same
    // view to the connection that takes the seat back after a drop).
    client.view = v.view;
  }

  removeViewer(sessionId: string): void {
    const v = this.viewers.get(sessionId);
    if (v === undefined) return;
    for (const p of v.inView) p.watchers.delete(v);
    v.view.dispose();
    this.viewers.delete(sessionId);
  }

  /** A spectator's camera: follow a player, or roam to a point (clamped to the map). */
  spectate(sessionId: string, msg: SpectateMessage): void {
    const v = this.viewers.get(sessionId);
    if (v === undefined || v.player) return;
    if ('follow' in msg) {
      if (this.players()?.has(msg.follow) === true) v.follow = msg.follow;
    } else {
      v.follow = undefined;
      v.roamX = Math.min(this.map.widthPx, Math.max(0, msg.x));
      v.roamY = Math.min(this.map.heightPx, Math.max(0, msg.y));
    }
  }

  /**
   * Before each patch, once the state holds this patch's values: place the spatial entities, then
   * bring each view up to its area (entities that left it removed, those that came into it added).
   */
  update(): void {
    const t0 = performance.now();
    const patch = ++this.patch;
    for (const kind of this.kinds) {
      this.mapOf(kind).forEach((entity) => {
        const e = entity as unknown as { x: number; y: number };
        let p = this.placed.get(entity);
        if (p === undefined) {
          p = { entity, cell: this.grid.cellOf(e.x, e.y), x: e.x, y: e.y, seen: patch, watchers: new Set() };
          this.placed.set(entity, p);
          this.grid.add(p.cell, p);
          return;
        }
        p.seen = patch;
        p.x = e.x;
        p.y = e.y;
        const cell = this.grid.cellOf(e.x, e.y);
        if (cell !== p.cell) {
          this.grid.remove(p.cell, p);
          this.grid.add(cell, p);
          p.cell = cell;
        }
      });
    }
    for (const p of this.placed.values()) {
      if (p.seen === patch) continue;
      // Gone from the state: the collection's delete reaches the views that had it by itself.
      this.grid.remove(p.cell, p);
      for (const v of p.watchers) v.inView.delete(p);
      this.placed.delete(p.entity);
    }
    const totals = interestTotals;
    totals.patches++;
    for (const v of this.viewers.values()) this.refresh(v);
    totals.viewerPatches += this.viewers.size;
    totals.interestMs += performance.now() - t0;
  }

  private refresh(v: ReplicaViewer): void {
    const { x, y } = this.centreOf(v, this.scratchCentre);
    const a = this.area;
    setBox(v.enter, x, y, a.halfWidthPx, a.halfHeightPx);
    setBox(v.leave, x, y, a.halfWidthPx + a.hysteresisPx, a.halfHeightPx + a.hysteresisPx);
    for (const p of v.inView) {
      if (inBox(v.leave, p.x, p.y)) continue;
      v.view.remove(p.entity);
      v.inView.delete(p);
      p.watchers.delete(v);
      interestTotals.leaves++;
    }
    const r = this.grid.rangeOf(v.enter, this.scratchRange);
    for (let cy = r.cy0; cy <= r.cy1; cy++) {
      for (let cx = r.cx0; cx <= r.cx1; cx++) {
        for (const p of this.grid.itemsIn(cy * this.grid.cols + cx)) {
          if (v.inView.has(p) || !inBox(v.enter, p.x, p.y)) continue;
          v.view.add(p.entity);
          v.inView.add(p);
          p.watchers.add(v);
          interestTotals.enters++;
        }
      }
    }
  }

  /**
   * Where a viewer's area is centred: on its player (or the one it follows), kept far enough inside
   * the map that the area covers what a camera clamped to the map's edges shows.
   */
  private centreOf(v: ReplicaViewer, out: { x: number; y: number }): { x: number; y: number } {
    const target = this.players()?.get(v.player ? v.sessionId : v.follow ?? '') as { x: number; y: number } | undefined;
    const x = target?.x ?? (v.player ? this.map.widthPx / 2 : v.roamX);
    const y = target?.y ?? (v.player ? this.map.heightPx / 2 : v.roamY);
    out.x = clampCentre(x, this.map.widthPx, this.area.halfWidthPx);
    out.y = clampCentre(y, this.map.heightPx, this.area.halfHeightPx);
    return out;
  }

  /** The players' entities, if the layout has them (a viewer without one looks at the map's middle). */
  private players(): MapSchema<Schema> | undefined {
    return (this.state as unknown as Record<string, MapSchema<Schema> | undefined>)[PLAYER_ENTITIES];
  }

  private mapOf(kind: string): MapSchema<Schema> {
    return (this.state as unknown as Record<string, MapSchema<Schema>>)[kind]!;
  }
}

function setBox(b: Box, x: number, y: number, hw: number, hh: number): void {
  b.x0 = x - hw;
  b.x1 = x + hw;
  b.y0 = y - hh;
  b.y1 = y + hh;
}

/** A centre kept `half` inside a span of `size` (the span's middle when it is narrower than the area). */
function clampCentre(c: number, size: number, half: number): number {
  return size <= 2 * half ? size / 2 : Math.min(size - half, Math.max(half, c));
}
