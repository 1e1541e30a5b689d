import { describe, expect, it } from 'vitest';
import { POSITION_QUANTUM_PX, TICK_DT_S } from '../../../shared/limits.ts';
import { FIRE_COOLDOWN_TICKS, PLAYER_MAX_HEALTH, PLAYER_MAX_SPEED_PX_PER_S, PLAYER_RADIUS_PX, PROJECTILE_DAMAGE, RESPAWN_DELAY_TICKS, SPAWN_GATHER_BELOW_SHARE, SPAWN_GATHER_MIN_DISTANCE_PX } from '../../../shared/tuning.ts';
import type { PlayerInput } from '../../../shared/input.ts';
import { ARENA_MAP, BATTLE_MAP, type GameMap } from '../../../shared/maps.ts';
import { radiansToAim } from '../../../shared/math.ts';
import { hashWorld } from '../../../shared/sim/hash.ts';
import { stepWorld } from '../../../shared/sim/step.ts';
import { addPlayer, createWorld, type World } from '../../../shared/sim/world.ts';

/** An empty square map with one spawn point per corner, so tests control positions. */
const OPEN_MAP: GameMap = {
  id: 'open',
  widthPx: 1000,
  heightPx: 1000,
  obstacles: [],
  spawns: [{ x: 100, y: 100 }, { x: 900, y: 900 }],
};

function input(seq: number, over: Partial<PlayerInput> = {}): PlayerInput {
  return { seq, moveX: 0, moveY: 0, aim: 0, fire: false, ...over };
}

/** Place a live player exactly where a test wants it. */
function place(world: World, id: string, x: number, y: number) {
  const p = world.players.get(id) ?? addPlayer(world, id, id);
  Object.assign(p, { x, y, vx: 0, vy: 0, alive: true, hp: PLAYER_MAX_HEALTH, respawnTick: 0 });
  return p;
}

/**
 * A reproducible input stream for several players: each wanders on a fixed pattern and aims at
 * the next player, so people fire, get hit and die. Sometimes an input does not arrive.
 */
function scriptedInputs(world: World, tick: number, ids: string[]): Map<string, PlayerInput> {
  const m = new Map<string, PlayerInput>();
  ids.forEach((id, i) => {
    const k = tick * 7 + i * 13;
    if (k % 11 === 0) return;
    const me = world.players.get(id)!;
    const other = world.players.get(ids[(i + 1) % ids.length]!)!;
    const aim = radiansToAim(Math.atan2(other.y - me.y, other.x - me.x));
    m.set(id, input(tick, { moveX: ((k >> 3) % 3) - 1, moveY: ((k >> 5) % 3) - 1, aim, fire: true }));
  });
  return m;
}

describe('simulation step', () => {
  it('is deterministic: same seed and inputs give the same world, bit for bit, over 1,000 steps', () => {
    const run = (seed: number) => {
      const world = createWorld(ARENA_MAP, seed);
      const ids = ['a', 'b', 'c', 'd'];
      for (const id of ids) addPlayer(world, id, id);
      const hashes: string[] = [];
      for (let t = 1; t <= 1000; t++) {
        stepWorld(world, scriptedInputs(world, t, ids), TICK_DT_S);
        if (t % 100 === 0) hashes.push(hashWorld(world));
      }
      return { hashes, world };
    };
    const a = run(42);
    const b = run(42);
    expect(a.hashes).toEqual(b.hashes);
    // The run did something: people fired, got hit and died.
    const kills = [...a.world.players.values()].reduce((n, p) => n + p.kills, 0);
    expect(a.world.nextProjectileId).toBeGreaterThan(50);
    expect(kills).toBeGreaterThan(0);
    // And the seed matters (respawn tie-breaks come from it).
    expect(run(43).hashes).not.toEqual(a.hashes);
  });

  it('spawns a new player on the next step, at a spawn point', () => {
    const world = createWorld(OPEN_MAP, 1);
    addPlayer(world, 'a', 'a');
    stepWorld(world, new Map(), TICK_DT_S);
    const p = world.players.get('a')!;
    expect(p.alive).toBe(true);
    expect(OPEN_MAP.spawns).toContainEqual({ x: p.x, y: p.y });
    expect(world.events.some((e) => e.type === 'spawn' && e.playerId === 'a')).toBe(true);
  });

  it('on a battle map, places a player near the others while the room is sparse, and spreads them once it is not', () => {
    // Two friends on the 6400 × 4000 map: the second spawns in sight of the first, not corners apart.
    for (const seed of [1, 2, 3]) {
      const world = createWorld(BATTLE_MAP, seed);
      const first = place(world, 'first', 6000, 3750);
      addPlayer(world, 'second', 'second');
      stepWorld(world, new Map(), TICK_DT_S);
      const second = world.players.get('second')!;
      const d = Math.hypot(second.x - first.x, second.y - first.y);
      expect(d).toBeGreaterThanOrEqual(SPAWN_GATHER_MIN_DISTANCE_PX);
      expect(d).toBeLessThanOrEqual(800);
    }
    // A busy room spreads out: the farthest point from everyone alive, as on other maps.
    const world = createWorld(BATTLE_MAP, 1);
    const busy = Math.ceil(BATTLE_MAP.spawns.length * SPAWN_GATHER_BELOW_SHARE);
    for (let i = 0; i < busy; i++) place(world, `p${i}`, 400 + (i % 4) * 100, 250 + Math.floor(i / 4) * 100);
    addPlayer(world, 'late', 'late');
    stepWorld(world, new Map(), TICK_DT_S);
    const late = world.players.get('late')!;
    expect(Math.hypot(late.x - 400, late.y - 250)).toBeGreaterThan(5000);
    // The arena keeps the farthest rule even with one other player.
    const arena = createWorld(ARENA_MAP, 1);
    place(arena, 'a', 80, 80);
    addPlayer(arena, 'b', 'b');
    stepWorld(arena, new Map(), TICK_DT_S);
    expect(arena.players.get('b')).toMatchObject({ x: 1520, y: 920 });
  });

  it('accelerates to the maximum speed and no further, and friction brings it to rest', () => {
    const world = createWorld(OPEN_MAP, 1);
    const p = place(world, 'a', 200, 500);
    let seq = 0;
    for (let i = 0; i < 30; i++) stepWorld(world, new Map([['a', input(++seq, { moveX: 1 })]]), TICK_DT_S);
    expect(p.vx).toBe(PLAYER_MAX_SPEED_PX_PER_S);
    expect(p.vy).toBe(0);
    const xMoving = p.x;
    for (let i = 0; i < 30; i++) stepWorld(world, new Map([['a', input(++seq)]]), TICK_DT_S);
    expect(p.vx).toBe(0);
    expect(p.x).toBeGreaterThan(xMoving);
    const xStopped = p.x;
    stepWorld(world, new Map([['a', input(++seq)]]), TICK_DT_S);
    expect(p.x).toBe(xStopped);
  });

  it('moves diagonally no faster than straight', () => {
    const world = createWorld(OPEN_MAP, 1);
    const p = place(world, 'a', 200, 200);
    for (let s = 1; s <= 30; s++) stepWorld(world, new Map([['a', input(s, { moveX: 1, moveY: 1 })]]), TICK_DT_S);
    expect(Math.hypot(p.vx, p.vy)).toBeLessThanOrEqual(PLAYER_MAX_SPEED_PX_PER_S + 0.05);
    expect(Math.hypot(p.vx, p.vy)).toBeGreaterThan(PLAYER_MAX_SPEED_PX_PER_S - 0.5);
  });

  it('does not move a player whose input did not arrive, and ignores a repeated or stale sequence number', () => {
    const world = createWorld(OPEN_MAP, 1);
    const p = place(world, 'a', 500, 500);
    stepWorld(world, new Map([['a', input(1, { moveX: 1 })]]), TICK_DT_S);
    const after1 = { x: p.x, vx: p.vx };
    stepWorld(world, new Map(), TICK_DT_S);
    expect(p.x).toBe(after1.x);
    stepWorld(world, new Map([['a', input(1, { moveX: 1 })]]), TICK_DT_S);
    stepWorld(world, new Map([['a', input(0, { moveX: 1 })]]), TICK_DT_S);
    expect(p.x).toBe(after1.x);
    expect(p.lastInputSeq).toBe(1);
    stepWorld(world, new Map([['a', input(2, { moveX: 1 })]]), TICK_DT_S);
    expect(p.x).toBeGreaterThan(after1.x);
  });

  it('stops at obstacles and the world edge', () => {
    const walled: GameMap = { ...OPEN_MAP, obstacles: [{ x: 600, y: 400, w: 50, h: 200 }] };
    const world = createWorld(walled, 1);
    const p = place(world, 'a', 500, 500);
    for (let s = 1; s <= 60; s++) stepWorld(world, new Map([['a', input(s, { moveX: 1 })]]), TICK_DT_S);
    expect(p.x).toBeLessThanOrEqual(600 - PLAYER_RADIUS_PX + 0.02);
    expect(p.x).toBeGreaterThan(600 - PLAYER_RADIUS_PX - 1);
    expect(p.vx).toBe(0);
    for (let s = 61; s <= 200; s++) stepWorld(world, new Map([['a', input(s, { moveY: -1 })]]), TICK_DT_S);
    expect(p.y).toBe(PLAYER_RADIUS_PX);
  });

  it('keeps positions and velocities on the POSITION_QUANTUM_PX grid the wire carries', () => {
    const world = createWorld(ARENA_MAP, 9);
    addPlayer(world, 'a', 'a');
    for (let t = 1; t <= 200; t++) {
      stepWorld(world, new Map([['a', input(t, { moveX: t % 40 < 20 ? 1 : -1, moveY: t % 30 < 10 ? 1 : 0 })]]), TICK_DT_S);
      const p = world.players.get('a')!;
      for (const v of [p.x, p.y, p.vx, p.vy]) {
        expect(Number.isInteger(v / POSITION_QUANTUM_PX)).toBe(true);
      }
    }
  });

  it('fires with a cooldown, damages, kills, credits the shooter and respawns after the delay', () => {
    const world = createWorld(OPEN_MAP, 3);
    const shooter = place(world, 'shooter', 300, 500);
    const target = place(world, 'target', 500, 500);
    let seq = 0;
    const fireTicks: number[] = [];
    const hitTicks: number[] = [];
    let killTick = -1;
    for (let i = 0; i < 120 && killTick < 0; i++) {
      // Target keeps still (sends no input); shooter holds the trigger, aiming at +x (aim 0).
      stepWorld(world, new Map([['shooter', input(++seq, { fire: true, aim: 0 })]]), TICK_DT_S);
      for (const e of world.events) {
        if (e.type === 'fire') fireTicks.push(e.tick);
        if (e.type === 'hit') hitTicks.push(e.tick);
        if (e.type === 'kill') killTick = e.tick;
      }
    }
    expect(fireTicks[1]! - fireTicks[0]!).toBe(FIRE_COOLDOWN_TICKS);
    expect(hitTicks.length).toBe(Math.ceil(PLAYER_MAX_HEALTH / PROJECTILE_DAMAGE));
    expect(killTick).toBeGreaterThan(0);
    expect(target.alive).toBe(false);
    expect(target.deaths).toBe(1);
    expect(shooter.kills).toBe(1);
    expect(target.hp).toBe(0);

    // Dead targets are not hit again and do not come back before the delay...
    while (world.tick < killTick + RESPAWN_DELAY_TICKS - 1) {
      stepWorld(world, new Map([['shooter', input(++seq, { fire: true })]]), TICK_DT_S);
      expect(world.events.some((e) => e.type === 'hit')).toBe(false);
      expect(target.alive).toBe(false);
    }
    // ...then respawn at full health on the spawn point farthest from the shooter.
    stepWorld(world, new Map([['shooter', input(++seq)]]), TICK_DT_S);
    expect(target.alive).toBe(true);
    expect(target.hp).toBe(PLAYER_MAX_HEALTH);
    expect({ x: target.x, y: target.y }).toEqual({ x: 900, y: 900 });
  });

  it('does not hit the shooter, and a wall stops a projectile', () => {
    const walled: GameMap = { ...OPEN_MAP, obstacles: [{ x: 400, y: 300, w: 20, h: 400 }] };
    const world = createWorld(walled, 3);
    const shooter = place(world, 'shooter', 300, 500);
    const target = place(world, 'target', 500, 500);
    for (let s = 1; s <= 60; s++) stepWorld(world, new Map([['shooter', input(s, { fire: true })]]), TICK_DT_S);
    expect(target.hp).toBe(PLAYER_MAX_HEALTH);
    expect(shooter.hp).toBe(PLAYER_MAX_HEALTH);
    for (const p of world.projectiles.values()) expect(p.endTick - p.spawnTick).toBeLessThan(5);
  });

  it('hits fast-moving targets without tunnelling (swept test)', () => {
    const world = createWorld(OPEN_MAP, 3);
    place(world, 'shooter', 100, 500);
    const target = place(world, 'target', 700, 500);
    // A projectile covers ~29 px per tick, more than a target's radius: only a swept test sees the hit.
    stepWorld(world, new Map([['shooter', input(1, { fire: true })]]), TICK_DT_S);
    for (let s = 2; s <= 40; s++) stepWorld(world, new Map(), TICK_DT_S);
    expect(target.hp).toBe(PLAYER_MAX_HEALTH - PROJECTILE_DAMAGE);
  });
});
