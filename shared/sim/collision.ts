import type { Rect } from '../maps.ts';
import type { Mover } from './world.ts';

/**
 * Push a circle out of every rectangle it overlaps and remove the velocity component that points
 * into the surface, so players slide along walls and round corners.
 */
export function resolveCircleVsRects(m: Mover, radius: number, rects: readonly Rect[]): void {
  for (const r of rects) {
    const cx = m.x < r.x ? r.x : m.x > r.x + r.w ? r.x + r.w : m.x;
    const cy = m.y < r.y ? r.y : m.y > r.y + r.h ? r.y + r.h : m.y;
    const dx = m.x - cx;
    const dy = m.y - cy;
    const d2 = dx * dx + dy * dy;
    if (d2 >= radius * radius) continue;
    if (d2 > 0) {
      const d = Math.sqrt(d2);
      const nx = dx / d;
      const ny = dy / d;
      m.x = cx + nx * radius;
      m.y = cy + ny * radius;
      const vn = m.vx * nx + m.vy * ny;
      if (vn < 0) {
        m.vx -= vn * nx;
        m.vy -= vn * ny;
      }
    } else {
      // Centre inside the rectangle: leave by the nearest side.
      const left = m.x - r.x;
      const right = r.x + r.w - m.x;
      const top = m.y - r.y;
      const bottom = r.y + r.h - m.y;
      const min = Math.min(left, right, top, bottom);
      if (min === left) { m.x = r.x - radius; if (m.vx > 0) m.vx = 0; }
      else if (min === right) { m.x = r.x + r.w + radius; if (m.vx < 0) m.vx = 0; }
      else if (min === top) { m.y = r.y - radius; if (m.vy > 0) m.vy = 0; }
      else { m.y = r.y + r.h + radius; if (m.vy < 0) m.vy = 0; }
    }
  }
}

/**
 * First parameter t in [0, 1] at which segment A->B comes within `radius` of point C,
 * or -1 if it never does.
 */
export function segmentCircleHit(
  ax: number, ay: number, bx: number, by: number,
  cx: number, cy: number, radius: number,
): number {
  const dx = bx - ax;
  const dy = by - ay;
  const fx = ax - cx;
  const fy = ay - cy;
  const c = fx * fx + fy * fy - radius * radius;
  if (c <= 0) return 0;
  const a = dx * dx + dy * dy;
  if (a === 0) return -1;
  const b = 2 * (fx * dx + fy * dy);
  const disc = b * b - 4 * a * c;
  if (disc < 0) return -1;
  const t = (-b - Math.sqrt(disc)) / (2 * a);
  return t >= 0 && t <= 1 ? t : -1;
}

/** First parameter t in [0, 1] at which segment A->B enters rectangle R (slab method), or -1. */
export function segmentRectHit(ax: number, ay: number, bx: number, by: number, r: Rect): number {
  let tMin = 0;
  let tMax = 1;
  const dx = bx - ax;
  const dy = by - ay;
  if (dx === 0) {
    if (ax < r.x || ax > r.x + r.w) return -1;
  } else {
    let t1 = (r.x - ax) / dx;
    let t2 = (r.x + r.w - ax) / dx;
    if (t1 > t2) { const s = t1; t1 = t2; t2 = s; }
    if (t1 > tMin) tMin = t1;
    if (t2 < tMax) tMax = t2;
    if (tMin > tMax) return -1;
  }
  if (dy === 0) {
    if (ay < r.y || ay > r.y + r.h) return -1;
  } else {
    let t1 = (r.y - ay) / dy;
    let t2 = (r.y + r.h - ay) / dy;
    if (t1 > t2) { const s = t1; t1 = t2; t2 = s; }
    if (t1 > tMin) tMin = t1;
    if (t2 < tMax) tMax = t2;
    if (tMin > tMax) return -1;
  }
  return tMin;
}

/**
 * First parameter t in [0, 1] at which segment A->B meets an obstacle or leaves the
 * world rectangle, or 1 if it does neither.
 */
export function segmentWallHit(
  ax: number, ay: number, bx: number, by: number,
  rects: readonly Rect[], widthPx: number, heightPx: number,
): number {
  let best = 1;
  for (const r of rects) {
    const t = segmentRectHit(ax, ay, bx, by, r);
    if (t >= 0 && t < best) best = t;
  }
  const dx = bx - ax;
  const dy = by - ay;
  if (dx < 0) best = Math.min(best, (0 - ax) / dx);
  if (dx > 0) best = Math.min(best, (widthPx - ax) / dx);
  if (dy < 0) best = Math.min(best, (0 - ay) / dy);
  if (dy > 0) best = Math.min(best, (heightPx - ay) / dy);
  return best < 0 ? 0 : best;
}
