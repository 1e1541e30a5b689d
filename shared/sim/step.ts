import { FIRE_COOLDOWN_TICKS, PLAYER_MAX_HEALTH, PROJECTILE_DAMAGE, PROJECTILE_SPAWN_OFFSET_PX, PROJECTILE_SPEED_PX_PER_S, PROJECTILE_TTL_TICKS, RESPAWN_DELAY_TICKS, SPAWN_GATHER_BELOW_SHARE, SPAWN_GATHER_MIN_DISTANCE_PX } from '../tuning.ts';
import type { PlayerInput } from '../input.ts';
import type { GameMap } from '../maps.ts';
import { aimToDirection, quantize } from '../math.ts';
import { nextRandom } from '../rng.ts';
import { segmentCircleHit, segmentWallHit } from './collision.ts';
import { firstHitAmong, HIT_RADIUS_PX, HitTargets } from './hitTargets.ts';
import { lifeOf, pastPose, recordTrails, type PastPose } from './lagComp.ts';
import { stepMovement } from './movement.ts';
import { projectilePositionAt, type SimPlayer, type SimProjectile, type World } from './world.ts';

/**
 * Advance the world by one fixed step. Deterministic: the result depends only on the world,
 * the inputs and `dtS` (no clock, no Math.random; randomness comes from `world.rng`).
 * It updates `world` in place (no allocation per tick on the server) and returns it.
 *
 * `inputs` holds at most one input per player for this step; a player without one does not
 * move this step, so a player's path depends only on its own input sequence. That is what lets
 * client prediction replay it exactly, whatever the network did to the timing.
 */
export function stepWorld(world: World, inputs: ReadonlyMap<string, PlayerInput>, dtS: number): World {
  world.tick += 1;
  world.events = [];
  const tick = world.tick;

  for (const player of world.players.values()) {
    if (!player.alive && player.respawnTick <= tick) respawn(world, player);
  }

  let rewound: SimProjectile[] | undefined;
  for (const player of world.players.values()) {
    const input = inputs.get(player.id);
    if (input === undefined || input.seq <= player.lastInputSeq) continue;
    player.lastInputSeq = input.seq;
    player.aim = input.aim;
    if (!player.alive) continue;
    stepMovement(player, input.moveX, input.moveY, dtS, world.map);
    if (input.fire && tick >= player.fireReadyTick) {
      const shot = fire(world, player, input.rewind ?? 0, dtS);
      if (shot !== undefined && shot.spawnTick < tick - 1) (rewound ??= []).push(shot);
    }
  }
  // Lag-compensated shots fly their past ticks now, against where targets were then.
  if (rewound !== undefined) for (const shot of rewound) catchUp(world, shot, dtS);

  if (world.projectiles.size > 0) hitTargets.fill(world.players.values());
  for (const projectile of world.projectiles.values()) {
    if (projectile.spawnTick >= tick) continue;
    const hit = projectile.endTick > tick - 1 ? findPlayerHit(world, projectile, tick, dtS) : undefined;
    if (hit !== undefined) {
      world.projectiles.delete(projectile.id);
      damage(world, hit, projectile);
    } else if (tick >= projectile.endTick) {
      world.projectiles.delete(projectile.id);
    }
  }
  recordTrails(world);
  return world;
}

/** The tick (possibly fractional) at which a shot from (x0, y0) meets a wall or expires. */
export function projectileEndTick(
  map: GameMap, fromX: number, fromY: number, vx: number, vy: number, spawnTick: number, dtS: number,
): number {
  const flightS = PROJECTILE_TTL_TICKS * dtS;
  const f = segmentWallHit(fromX, fromY, fromX + vx * flightS, fromY + vy * flightS, map.obstacles, map.widthPx, map.heightPx);
  return spawnTick + f * PROJECTILE_TTL_TICKS;
}

/** Spawn point and velocity of a shot fired from (x, y) with `aim`; shared with client prediction. */
export function shotFrom(x: number, y: number, aim: number): { x0: number; y0: number; vx: number; vy: number } {
  const dir = aimToDirection(aim);
  return {
    x0: quantize(x + dir.x * PROJECTILE_SPAWN_OFFSET_PX),
    y0: quantize(y + dir.y * PROJECTILE_SPAWN_OFFSET_PX),
    vx: quantize(dir.x * PROJECTILE_SPEED_PX_PER_S),
    vy: quantize(dir.y * PROJECTILE_SPEED_PX_PER_S),
  };
}

/** A muzzle inside a wall (player hugging it) fires nothing. */
export function muzzleBlocked(map: GameMap, x: number, y: number, x0: number, y0: number): boolean {
  return segmentWallHit(x, y, x0, y0, map.obstacles, map.widthPx, map.heightPx) < 1;
}

/**
 * Fire. With `rewind` r > 0 the shot starts its flight r ticks in the past, at the tick the
 * shooter was looking at: its spawn tick is `tick - r`, so every client computes its position
 * on that timeline, and `catchUp` sweeps the past ticks against the recorded history.
 */
function fire(world: World, shooter: SimPlayer, rewind: number, dtS: number): SimProjectile | undefined {
  const { x0, y0, vx, vy } = shotFrom(shooter.x, shooter.y, shooter.aim);
  shooter.fireReadyTick = world.tick + FIRE_COOLDOWN_TICKS;
  if (muzzleBlocked(world.map, shooter.x, shooter.y, x0, y0)) return undefined;
  const id = world.nextProjectileId++;
  const r = Math.max(0, Math.min(rewind, world.tick - 1));
  const spawnTick = world.tick - r;
  const projectile: SimProjectile = {
    id,
    ownerId: shooter.id,
    x0,
    y0,
    vx,
    vy,
    spawnTick,
    endTick: projectileEndTick(world.map, x0, y0, vx, vy, spawnTick, dtS),
  };
  world.projectiles.set(id, projectile);
  world.events.push({ type: 'fire', tick: world.tick, playerId: shooter.id, projectileId: id });
  return projectile;
}

/**
 * Fly a rewound shot through ticks spawnTick+1 .. now-1 against the recorded poses of those
 * ticks (the live loop then handles the current tick).
 */
function catchUp(world: World, p: SimProjectile, dtS: number): void {
  for (let t = p.spawnTick + 1; t < world.tick; t++) {
    const hit = findPlayerHit(world, p, t, dtS);
    if (hit !== undefined) {
      world.projectiles.delete(p.id);
      damage(world, hit, p);
      return;
    }
    if (t >= p.endTick) {
      world.projectiles.delete(p.id);
      return;
    }
  }
}

const pose: PastPose = { x: 0, y: 0, life: 0 };
/** The players this step's projectiles can hit (refilled each step: nothing carries over between calls). */
const hitTargets = new HitTargets<SimPlayer>();

/**
 * The first live player (other than the shooter) this projectile's path crosses during `tick`.
 * For a past tick, targets are where the history recorded them, and hittable only if they were
 * alive then, are alive now, and are still in the same life.
 */
function findPlayerHit(world: World, p: SimProjectile, tick: number, dtS: number): SimPlayer | undefined {
  const from = projectilePositionAt(p, tick - 1, dtS);
  const to = projectilePositionAt(p, Math.min(tick, p.endTick), dtS);
  if (tick === world.tick) return firstHitAmong(hitTargets, p.ownerId, from.x, from.y, to.x, to.y);
  let best: SimPlayer | undefined;
  let bestT = 2;
  for (const target of world.players.values()) {
    if (!target.alive || target.id === p.ownerId) continue;
    const then = pastPose(world, target.id, tick, pose);
    if (then === undefined || then.life !== lifeOf(target)) continue;
    const t = segmentCircleHit(from.x, from.y, to.x, to.y, then.x, then.y, HIT_RADIUS_PX);
    if (t >= 0 && t < bestT) {
      bestT = t;
      best = target;
    }
  }
  return best;
}

function damage(world: World, target: SimPlayer, p: SimProjectile): void {
  target.hp = Math.max(0, target.hp - PROJECTILE_DAMAGE);
  world.events.push({ type: 'hit', tick: world.tick, shooterId: p.ownerId, targetId: target.id, damage: PROJECTILE_DAMAGE, projectileId: p.id });
  if (target.hp > 0) return;
  target.alive = false;
  target.vx = 0;
  target.vy = 0;
  target.deaths += 1;
  target.respawnTick = world.tick + RESPAWN_DELAY_TICKS;
  const killer = world.players.get(p.ownerId);
  if (killer) killer.kills += 1;
  world.events.push({ type: 'kill', tick: world.tick, killerId: p.ownerId, victimId: target.id });
}

/**
 * Choose a spawn point: the one farthest from every live player, or, on a map that gathers
 * players while it is sparse, the one nearest to them that is still at a safe distance (so a
 * few players on a large map meet instead of spawning corners apart). Ties go to the seeded
 * generator.
 */
function respawn(world: World, player: SimPlayer): void {
  const spawns = world.map.spawns;
  let live = 0;
  for (const other of world.players.values()) if (other.alive && other !== player) live++;
  const gather = world.map.spawnRule === 'gather-when-sparse' && live > 0 && live < spawns.length * SPAWN_GATHER_BELOW_SHARE;
  const nearest = spawns.map((s) => nearestLiveD2(world, player, s.x, s.y));
  const minD2 = SPAWN_GATHER_MIN_DISTANCE_PX * SPAWN_GATHER_MIN_DISTANCE_PX;
  // Gathering: the closest of the points far enough away; otherwise (or if none is) the farthest.
  const closeEnough = gather && nearest.some((d2) => d2 >= minD2);
  let bestScore = -Infinity;
  const best: number[] = [];
  for (let i = 0; i < spawns.length; i++) {
    const d2 = nearest[i]!;
    if (closeEnough && d2 < minD2) continue;
    const score = closeEnough ? -d2 : d2;
    if (score > bestScore) {
      bestScore = score;
      best.length = 0;
      best.push(i);
    } else if (score === bestScore) {
      best.push(i);
    }
  }
  const roll = nextRandom(world.rng);
  world.rng = roll.state;
  const spawn = spawns[best[Math.floor(roll.value * best.length)]!]!;
  player.x = spawn.x;
  player.y = spawn.y;
  player.vx = 0;
  player.vy = 0;
  player.hp = PLAYER_MAX_HEALTH;
  player.alive = true;
  player.respawnTick = 0;
  world.events.push({ type: 'spawn', tick: world.tick, playerId: player.id, x: spawn.x, y: spawn.y });
}

/** Squared distance from (x, y) to the nearest live player other than `self` (Infinity: none). */
function nearestLiveD2(world: World, self: SimPlayer, x: number, y: number): number {
  let nearest = Infinity;
  for (const other of world.players.values()) {
    if (!other.alive || other === self) continue;
    const dx = other.x - x;
    const dy = other.y - y;
    const d2 = dx * dx + dy * dy;
    if (d2 < nearest) nearest = d2;
  }
  return nearest;
}
