import type { Box } from './area.ts';

/** A rectangle of grid cells, inclusive. */
export interface CellRange {
  cx0: number;
  cy0: number;
  cx1: number;
  cy1: number;
}

/**
 * A uniform grid over the map. Each cell holds the things in it (`T`) and the watchers (`W`)
 * whose area overlaps it, so a thing that moves is checked only against the watchers of its
 * cell, and a watcher that moves only looks at the cells around it: nothing scans the room.
 */
export class SpatialGrid<T, W> {
  readonly cols: number;
  readonly rows: number;
  private readonly items: Array<Set<T>>;
  private readonly watchers: Array<Set<W>>;

  constructor(widthPx: number, heightPx: number, readonly cellPx: number) {
    this.cols = Math.max(1, Math.ceil(widthPx / cellPx));
    this.rows = Math.max(1, Math.ceil(heightPx / cellPx));
    this.items = Array.from({ length: this.cols * this.rows }, () => new Set<T>());
    this.watchers = Array.from({ length: this.cols * this.rows }, () => new Set<W>());
  }

  // Written so that a position that is not a number (a game's bug) lands in the first cell
  // instead of an index that is not one.
  private col(x: number): number {
    const c = Math.floor(x / this.cellPx);
    return c >= 0 ? (c >= this.cols ? this.cols - 1 : c) : 0;
  }

  private row(y: number): number {
    const r = Math.floor(y / this.cellPx);
    return r >= 0 ? (r >= this.rows ? this.rows - 1 : r) : 0;
  }

  cellOf(x: number, y: number): number {
    return this.row(y) * this.cols + this.col(x);
  }

  /** The cells a box overlaps (clamped to the grid). */
  rangeOf(b: Box, out: CellRange): CellRange {
    out.cx0 = this.col(b.x0);
    out.cx1 = this.col(b.x1);
    out.cy0 = this.row(b.y0);
    out.cy1 = this.row(b.y1);
    return out;
  }

  add(cell: number, item: T): void {
    this.items[cell]!.add(item);
  }

  remove(cell: number, item: T): void {
    this.items[cell]!.delete(item);
  }

  itemsIn(cell: number): ReadonlySet<T> {
    return this.items[cell]!;
  }

  watchersOf(cell: number): ReadonlySet<W> {
    return this.watchers[cell]!;
  }

  forEachCell(r: CellRange, fn: (cell: number) => void): void {
    for (let cy = r.cy0; cy <= r.cy1; cy++) {
      for (let cx = r.cx0; cx <= r.cx1; cx++) fn(cy * this.cols + cx);
    }
  }

  /** Move a watcher's registration from one range to another, touching only the cells that differ. */
  rewatch(w: W, from: CellRange | undefined, to: CellRange | undefined): void {
    if (from !== undefined) {
      for (let cy = from.cy0; cy <= from.cy1; cy++) {
        for (let cx = from.cx0; cx <= from.cx1; cx++) {
          if (to === undefined || cx < to.cx0 || cx > to.cx1 || cy < to.cy0 || cy > to.cy1) this.watchers[cy * this.cols + cx]!.delete(w);
        }
      }
    }
    if (to !== undefined) {
      for (let cy = to.cy0; cy <= to.cy1; cy++) {
        for (let cx = to.cx0; cx <= to.cx1; cx++) {
          if (from === undefined || cx < from.cx0 || cx > from.cx1 || cy < from.cy0 || cy > from.cy1) this.watchers[cy * this.cols + cx]!.add(w);
        }
      }
    }
  }
}

export function sameRange(a: CellRange | undefined, b: CellRange | undefined): boolean {
  return a !== undefined && b !== undefined && a.cx0 === b.cx0 && a.cx1 === b.cx1 && a.cy0 === b.cy0 && a.cy1 === b.cy1;
}
