import { describe, expect, it } from 'vitest';
import { LAG_COMP_MAX_TICKS, TICK_DT_S } from '../../../shared/limits.ts';
import { PLAYER_MAX_HEALTH, PROJECTILE_DAMAGE } from '../../../shared/tuning.ts';
import { normalizeInput, type PlayerInput } from '../../../shared/input.ts';
import type { GameMap } from '../../../shared/maps.ts';
import { stepWorld } from '../../../shared/sim/step.ts';
import { addPlayer, createWorld, type World } from '../../../shared/sim/world.ts';

const OPEN_MAP: GameMap = { id: 'open', widthPx: 1000, heightPx: 1000, obstacles: [], spawns: [{ x: 100, y: 100 }, { x: 900, y: 900 }] };
const L = 10;

function input(seq: number, over: Partial<PlayerInput> = {}): PlayerInput {
  return { seq, moveX: 0, moveY: 0, aim: 0, fire: false, ...over };
}

/**
 * The shooter stands at (100, 500) aiming +x. The target stood at (300, 500), then ran down for
 * the last RUN ticks. A shot takes ~6 ticks to get there: the shooter, viewing the world L ticks
 * late, sees it stand still for the whole flight.
 */
const RUN = 5;
function scenario(opts: { lateJoin?: boolean } = {}): { world: World; seq: number } {
  const world = createWorld(OPEN_MAP, 7);
  const shooter = addPlayer(world, 'shooter', 'shooter');
  Object.assign(shooter, { x: 100, y: 500, alive: true, respawnTick: 0 });
  if (!opts.lateJoin) {
    const target = addPlayer(world, 'target', 'target');
    Object.assign(target, { x: 300, y: 500, alive: true, respawnTick: 0 });
  }
  let seq = 0;
  for (let i = 0; i < 20; i++) stepWorld(world, new Map(), TICK_DT_S);
  for (let i = 0; i < L - RUN; i++) stepWorld(world, new Map(), TICK_DT_S);
  // The target runs away (the shooter's view has not seen that yet).
  for (let i = 0; i < RUN; i++) stepWorld(world, new Map([['target', input(++seq, { moveY: 1 })]]), TICK_DT_S);
  if (opts.lateJoin) {
    // Joins right where the shooter aims, but only now: the shot's past had nobody there.
    const target = addPlayer(world, 'target', 'target');
    Object.assign(target, { x: 300, y: 500, alive: true, respawnTick: 0 });
  }
  return { world, seq };
}

function fireAndFly(world: World, rewind: number): number {
  stepWorld(world, new Map([['shooter', input(1000, { fire: true, rewind })]]), TICK_DT_S);
  for (let i = 0; i < 40; i++) stepWorld(world, new Map(), TICK_DT_S);
  return world.players.get('target')!.hp;
}

describe('lag compensation at tick resolution', () => {
  it('a shot at what the shooter saw hits when rewound to its view', () => {
    const { world } = scenario();
    expect(Math.abs(world.players.get('target')!.y - 500)).toBeGreaterThan(30);
    expect(fireAndFly(world, L)).toBe(PLAYER_MAX_HEALTH - PROJECTILE_DAMAGE);
  });

  it('the same shot misses without rewind, and when rewound less than the view lag', () => {
    expect(fireAndFly(scenario().world, 0)).toBe(PLAYER_MAX_HEALTH);
    expect(fireAndFly(scenario().world, 2)).toBe(PLAYER_MAX_HEALTH);
  });

  it('the rewound shot carries its past spawn tick, so clients draw it on the shooter\'s timeline', () => {
    const { world } = scenario();
    stepWorld(world, new Map([['shooter', input(1000, { fire: true, rewind: 3 })]]), TICK_DT_S);
    const shot = [...world.projectiles.values()][0]!;
    expect(shot.spawnTick).toBe(world.tick - 3);
  });

  it('cannot hit a target that was not there yet', () => {
    expect(fireAndFly(scenario({ lateJoin: true }).world, L)).toBe(PLAYER_MAX_HEALTH);
  });

  it('cannot hit a previous life of a target that has since respawned, nor a dead one', () => {
    const respawned = scenario().world;
    respawned.players.get('target')!.deaths += 1; // a new life since the shooter's view
    expect(fireAndFly(respawned, L)).toBe(PLAYER_MAX_HEALTH);

    const dead = scenario().world;
    Object.assign(dead.players.get('target')!, { alive: false, respawnTick: 1e9 });
    expect(fireAndFly(dead, L)).toBe(PLAYER_MAX_HEALTH);
  });

  it('clamps an input\'s rewind to the history the world keeps', () => {
    expect(normalizeInput(input(1, { rewind: 1e9 })).rewind).toBe(LAG_COMP_MAX_TICKS);
    expect(normalizeInput(input(1, { rewind: -4 })).rewind).toBe(0);
    expect(normalizeInput(input(1, { rewind: Number.NaN })).rewind).toBe(0);
  });
});
