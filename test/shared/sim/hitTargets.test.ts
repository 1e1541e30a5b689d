import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { segmentCircleHit } from '../../../shared/sim/collision.ts';
import { firstHitAmong, HIT_RADIUS_PX, HitTargets, type Hittable } from '../../../shared/sim/hitTargets.ts';

/** The hit test without culling: every live player but the shooter, in order, the smallest path parameter first. */
function everyPlayer(players: Hittable[], ownerId: string, ax: number, ay: number, bx: number, by: number): Hittable | undefined {
  let best: Hittable | undefined;
  let bestT = 2;
  for (const p of players) {
    if (!p.alive || p.id === ownerId) continue;
    const t = segmentCircleHit(ax, ay, bx, by, p.x, p.y, HIT_RADIUS_PX);
    if (t >= 0 && t < bestT) {
      bestT = t;
      best = p;
    }
  }
  return best;
}

describe('the hit test over flat target arrays', () => {
  it('finds exactly the player the test over every player finds, players at and around the edge of reach included', () => {
    const coord = fc.double({ min: -50, max: 50, noNaN: true });
    // Offsets that put players on, just inside and just outside the hit radius of a path's ends.
    const nearEdge = fc.oneof(coord, fc.constantFrom(HIT_RADIUS_PX, -HIT_RADIUS_PX, HIT_RADIUS_PX + 1e-9, -HIT_RADIUS_PX - 1e-9, HIT_RADIUS_PX + 1, 0));
    const player = fc.record({ dx: nearEdge, dy: nearEdge, alive: fc.boolean(), end: fc.boolean() });
    fc.assert(fc.property(coord, coord, coord, coord, fc.array(player, { maxLength: 40 }), fc.nat({ max: 40 }), (ax, ay, bx, by, specs, owner) => {
      const players: Hittable[] = specs.map((s, i) => ({ id: `p${i}`, alive: s.alive, x: (s.end ? bx : ax) + s.dx, y: (s.end ? by : ay) + s.dy }));
      const targets = new HitTargets();
      targets.fill(players);
      const ownerId = `p${owner}`;
      expect(firstHitAmong(targets, ownerId, ax, ay, bx, by)).toBe(everyPlayer(players, ownerId, ax, ay, bx, by));
    }), { numRuns: 3000, seed: 12 });
  });

  it('a player dead since the fill is not hit; a refill forgets the players of the last one', () => {
    const a = { id: 'a', alive: true, x: 10, y: 0 };
    const b = { id: 'b', alive: true, x: 20, y: 0 };
    const targets = new HitTargets<typeof a>();
    targets.fill([a, b]);
    expect(firstHitAmong(targets, 'shooter', 0, 0, 30, 0)).toBe(a);
    a.alive = false;
    expect(firstHitAmong(targets, 'shooter', 0, 0, 30, 0)).toBe(b);
    expect(firstHitAmong(targets, 'b', 0, 0, 30, 0)).toBeUndefined();
    targets.fill([b]);
    expect(targets.count).toBe(1);
    expect(targets.players.filter((p) => p !== undefined)).toEqual([b]);
    // More players than the arrays first hold: they grow.
    const many = Array.from({ length: 300 }, (_, i) => ({ id: `m${i}`, alive: true, x: i * 100, y: 0 }));
    targets.fill(many);
    expect(firstHitAmong(targets, 'shooter', 29_900, -50, 29_900, 50)?.id).toBe('m299');
  });
});
