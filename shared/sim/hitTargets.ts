import { PLAYER_RADIUS_PX, PROJECTILE_RADIUS_PX } from '../tuning.ts';
import { segmentCircleHit } from './collision.ts';

/** How near a projectile's path a player's centre can be and be hit. */
export const HIT_RADIUS_PX = PLAYER_RADIUS_PX + PROJECTILE_RADIUS_PX;
/**
 * Players whose centre is farther than the hit radius plus this from a path's bounding box are
 * not tested: they cannot be hit (the margin keeps floating-point rounding on the safe side, so
 * the answer is exactly the full test's).
 */
const CULL_MARGIN_PX = 1;

/** What the hit test needs of a player. */
export interface Hittable { readonly id: string; readonly alive: boolean; readonly x: number; readonly y: number }

/**
 * The players a step's projectiles can hit, in the world's order, live when filled (a death
 * afterwards is read on the player): their positions in flat arrays, so the hit test's inner loop,
 * projectiles × players, reads contiguous numbers and passes over most players with four
 * comparisons. At 200 players this halved the step (the loop over the world's Map of players, for
 * every projectile, was most of it).
 */
export class HitTargets<P extends Hittable = Hittable> {
  count = 0;
  xs = new Float64Array(64);
  ys = new Float64Array(64);
  readonly players: Array<P | undefined> = [];

  fill(players: Iterable<P>): void {
    let n = 0;
    for (const player of players) {
      if (!player.alive) continue;
      if (n === this.xs.length) {
        const xs = new Float64Array(2 * n);
        const ys = new Float64Array(2 * n);
        xs.set(this.xs);
        ys.set(this.ys);
        this.xs = xs;
        this.ys = ys;
      }
      this.xs[n] = player.x;
      this.ys[n] = player.y;
      this.players[n++] = player;
    }
    // No reference kept to players of an earlier fill (or another world).
    for (let i = n; i < this.count; i++) this.players[i] = undefined;
    this.count = n;
  }
}

/**
 * The first of `targets` still alive, other than `ownerId`, that the path A→B comes within the hit
 * radius of (the smallest path parameter; the earlier in order on a tie), or undefined.
 */
export function firstHitAmong<P extends Hittable>(targets: HitTargets<P>, ownerId: string, ax: number, ay: number, bx: number, by: number): P | undefined {
  const reach = HIT_RADIUS_PX + CULL_MARGIN_PX;
  const x0 = (ax < bx ? ax : bx) - reach;
  const x1 = (ax < bx ? bx : ax) + reach;
  const y0 = (ay < by ? ay : by) - reach;
  const y1 = (ay < by ? by : ay) + reach;
  const { xs, ys, players, count } = targets;
  let best: P | undefined;
  let bestT = 2;
  for (let i = 0; i < count; i++) {
    const x = xs[i]!;
    const y = ys[i]!;
    if (x < x0 || x > x1 || y < y0 || y > y1) continue;
    const target = players[i]!;
    if (!target.alive || target.id === ownerId) continue;
    const t = segmentCircleHit(ax, ay, bx, by, x, y, HIT_RADIUS_PX);
    if (t >= 0 && t < bestT) {
      bestT = t;
      best = target;
    }
  }
  return best;
}
