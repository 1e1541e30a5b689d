import { describe, expect, it } from 'vitest';
import { SpatialGrid } from '../../../server/interest/grid.ts';

/** The uniform grid both interest layers place entities on (server/interest/grid.ts). */
describe('SpatialGrid', () => {
  const grid = new SpatialGrid<string, never>(1000, 600, 200);

  it('places a point in its cell, row by row, and clamps points off the map to the edge cells', () => {
    expect([grid.cols, grid.rows]).toEqual([5, 3]);
    expect(grid.cellOf(0, 0)).toBe(0);
    expect(grid.cellOf(450, 250)).toBe(1 * 5 + 2);
    expect(grid.cellOf(-50, 9999)).toBe(2 * 5 + 0);
    expect(grid.cellOf(1e9, -1e9)).toBe(4);
  });

  it('puts a position that is not a number in the first cell, not at an index that is not one', () => {
    expect(grid.cellOf(Number.NaN, 250)).toBe(5);
    expect(grid.cellOf(450, Number.NaN)).toBe(2);
    grid.add(grid.cellOf(Number.NaN, Number.NaN), 'lost');
    expect([...grid.itemsIn(0)]).toEqual(['lost']);
  });
});
