import { PLAYER_MAX_HEALTH } from '../tuning.ts';
import type { GameMap } from '../maps.ts';

/** The part of a player that movement touches; client prediction replays only this. */
export interface Mover {
  x: number;
  y: number;
  vx: number;
  vy: number;
}

export interface SimPlayer extends Mover {
  readonly id: string;
  name: string;
  /** Last aim applied, in 1/65536 turns. */
  aim: number;
  hp: number;
  alive: boolean;
  /** World tick at which a dead player comes back (0 while alive). */
  respawnTick: number;
  /** First world tick at which this player may fire again. */
  fireReadyTick: number;
  kills: number;
  deaths: number;
  /** Sequence number of the last input applied to this player. */
  lastInputSeq: number;
}

/**
 * Projectiles fly in a straight line at constant velocity, so their spawn point, velocity and
 * spawn tick describe their whole flight: clients compute positions instead of receiving them.
 */
export interface SimProjectile {
  readonly id: number;
  readonly ownerId: string;
  readonly x0: number;
  readonly y0: number;
  readonly vx: number;
  readonly vy: number;
  readonly spawnTick: number;
  /** Tick at which it expires or meets a wall (computed once at spawn; walls do not move). */
  readonly endTick: number;
}

export type SimEvent =
  | { type: 'hit'; tick: number; shooterId: string; targetId: string; damage: number; projectileId: number }
  | { type: 'kill'; tick: number; killerId: string; victimId: string }
  | { type: 'spawn'; tick: number; playerId: string; x: number; y: number }
  | { type: 'fire'; tick: number; playerId: string; projectileId: number };

export interface World {
  /** Number of steps taken so far. */
  tick: number;
  /** State of the seeded generator (see rng.ts). */
  rng: number;
  readonly map: GameMap;
  /** Insertion-ordered: iteration order is part of determinism. */
  readonly players: Map<string, SimPlayer>;
  readonly projectiles: Map<number, SimProjectile>;
  nextProjectileId: number;
  /** What happened during the last step (cleared at the start of each step). */
  events: SimEvent[];
  /** Recent per-tick poses for lag compensation (derived from past steps; see lagComp.ts). */
  readonly trails: Map<string, Trail>;
}

export function createWorld(map: GameMap, seed: number): World {
  return {
    tick: 0,
    rng: seed >>> 0,
    map,
    players: new Map(),
    projectiles: new Map(),
    nextProjectileId: 1,
    events: [],
    trails: new Map(),
  };
}

/** A new player starts dead with a zero-tick timer, so the next step spawns it at a free point. */
export function addPlayer(world: World, id: string, name: string): SimPlayer {
  const player: SimPlayer = {
    id,
    name,
    x: 0,
    y: 0,
    vx: 0,
    vy: 0,
    aim: 0,
    hp: PLAYER_MAX_HEALTH,
    alive: false,
    respawnTick: world.tick,
    fireReadyTick: 0,
    kills: 0,
    deaths: 0,
    lastInputSeq: 0,
  };
  world.players.set(id, player);
  return player;
}

export function removePlayer(world: World, id: string): void {
  world.players.delete(id);
  world.trails.delete(id);
}

/** Position of a projectile at a given tick (valid for spawnTick <= tick <= endTick). */
export function projectilePositionAt(p: Pick<SimProjectile, 'x0' | 'y0' | 'vx' | 'vy' | 'spawnTick'>, tick: number, dtS: number): { x: number; y: number } {
  const t = (tick - p.spawnTick) * dtS;
  return { x: p.x0 + p.vx * t, y: p.y0 + p.vy * t };
}

/** Where a player was at each of the last ticks, for lag compensation (sim/lagComp.ts fills it; slot = tick % TRAIL_TICKS). */
export interface Trail {
  /** Tick each slot holds (-1: empty). Slot = tick % TRAIL_TICKS. */
  readonly ticks: Int32Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly life: Int32Array;
}
