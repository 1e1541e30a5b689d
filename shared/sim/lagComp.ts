import { LAG_COMP_MAX_TICKS } from '../limits.ts';
import type { SimPlayer, Trail, World } from './world.ts';

export type { Trail };

/**
 * Per-tick history of where every player was, for lag compensation at tick resolution.
 *
 * Why our own and not Colyseus' `Rewind`: that one records on the patch cadence (not per tick),
 * clamps room-wide, and does not remember whether a target existed or was alive. Here each slot
 * holds the end-of-tick pose and a *life id* (the player's death count while alive, -1 while dead),
 * so a shot rewound into the past can only hit a target that was alive then *and is still in the
 * same life now*: no hits on the dead, on players who had not joined yet, or on a previous life
 * of someone who has since respawned. The history lives in the world and is rebuilt by every
 * step, so replays reproduce lag-compensated hits exactly.
 */
export const TRAIL_TICKS = LAG_COMP_MAX_TICKS + 2;

export interface PastPose {
  x: number;
  y: number;
  /** Death count of the life the player was in, or -1 if dead at that tick. */
  life: number;
}

export function newTrail(): Trail {
  return {
    ticks: new Int32Array(TRAIL_TICKS).fill(-1),
    x: new Float64Array(TRAIL_TICKS),
    y: new Float64Array(TRAIL_TICKS),
    life: new Int32Array(TRAIL_TICKS),
  };
}

/** Life id of a player as it is now: its death count while alive, -1 while dead. */
export function lifeOf(p: SimPlayer): number {
  return p.alive ? p.deaths : -1;
}

/** Remember every player's end-of-tick pose (called once at the end of each step). */
export function recordTrails(world: World): void {
  const slot = world.tick % TRAIL_TICKS;
  for (const p of world.players.values()) {
    let trail = world.trails.get(p.id);
    if (trail === undefined) {
      trail = newTrail();
      world.trails.set(p.id, trail);
    }
    trail.ticks[slot] = world.tick;
    trail.x[slot] = p.x;
    trail.y[slot] = p.y;
    trail.life[slot] = lifeOf(p);
  }
}

/** Where player `id` was at the end of `tick`, or undefined if unknown (not there, too old). */
export function pastPose(world: World, id: string, tick: number, out: PastPose): PastPose | undefined {
  const trail = world.trails.get(id);
  if (trail === undefined || tick < 0) return undefined;
  const slot = tick % TRAIL_TICKS;
  if (trail.ticks[slot] !== tick) return undefined;
  out.x = trail.x[slot]!;
  out.y = trail.y[slot]!;
  out.life = trail.life[slot]!;
  return out;
}
