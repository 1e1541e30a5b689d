import { schema, t, type SchemaType } from '@colyseus/schema';

/**
 * What clients see. Positions and velocities are on the simulation's 1/64 px grid, which float32
 * carries exactly. Velocity is sent so the owner can reconcile and others can extrapolate.
 */
export const PlayerState = schema({
  name: t.string().default(''),
  x: t.float32().default(0),
  y: t.float32().default(0),
  vx: t.float32().default(0),
  vy: t.float32().default(0),
  aim: t.uint16().default(0),
  hp: t.uint8().default(0),
  alive: t.boolean().default(false),
  kills: t.uint16().default(0),
  deaths: t.uint16().default(0),
}, 'Player');
export type PlayerState = SchemaType<typeof PlayerState>;

/**
 * A projectile is sent once (spawn point, velocity, spawn tick) and removed when it ends; its
 * flight is a straight line, so clients compute where it is instead of receiving positions.
 */
export const ProjectileState = schema({
  ownerId: t.string().default(''),
  x0: t.float32().default(0),
  y0: t.float32().default(0),
  vx: t.float32().default(0),
  vy: t.float32().default(0),
  spawnTick: t.uint32().default(0),
}, 'Projectile');
export type ProjectileState = SchemaType<typeof ProjectileState>;

export const ArenaState = schema({
  /** Simulation tick this state reflects; clients place snapshots on the server timeline by it. */
  tick: t.uint32().default(0),
  mapId: t.string().default('arena'),
  players: t.map(PlayerState),
  projectiles: t.map(ProjectileState),
}, 'ArenaState');
export type ArenaState = SchemaType<typeof ArenaState>;
