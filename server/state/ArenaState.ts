import { schema, t, type SchemaType } from '@colyseus/schema';
import { AIM_WIRE, POSITION_WIRE, VELOCITY_WIRE } from '../../shared/wire.ts';

/**
 * What clients see. `name`, `kills` and `deaths` are the room's roster: every client gets them.
 * The body (`.view()` fields) reaches a client only while the player is inside that client's
 * area of interest (server/interest/): it is deleted (reads `undefined`) when the player leaves
 * the area. Positions and velocities travel as 16-bit steps of the simulation's own grid
 * (shared/wire.ts), so a client decodes exactly the server's numbers.
 */
export const PlayerState = schema({
  name: t.string().default(''),
  kills: t.uint16().default(0),
  deaths: t.uint16().default(0),
  x: t.quantized(POSITION_WIRE).view().default(0),
  y: t.quantized(POSITION_WIRE).view().default(0),
  vx: t.quantized(VELOCITY_WIRE).view().default(0),
  vy: t.quantized(VELOCITY_WIRE).view().default(0),
  /**
   * Tick (mod 65536) that x, y, vx, vy are current at. Other players' bodies are sent only when
   * their position stops following shared/wire.ts `extrapolate()` from there (dead reckoning).
   */
  t: t.uint16().view().default(0),
  aim: t.quantized(AIM_WIRE).view().default(0),
  hp: t.uint8().view().default(0),
  alive: t.boolean().view().default(false),
}, 'Player');
export type PlayerState = SchemaType<typeof PlayerState>;

/**
 * A projectile is sent once (spawn point, velocity, spawn tick) and removed when it ends; its
 * flight is a straight line, so clients compute where it is instead of receiving positions.
 */
export const ProjectileState = schema({
  ownerId: t.string().default(''),
  x0: t.quantized(POSITION_WIRE).default(0),
  y0: t.quantized(POSITION_WIRE).default(0),
  vx: t.quantized(VELOCITY_WIRE).default(0),
  vy: t.quantized(VELOCITY_WIRE).default(0),
  spawnTick: t.uint32().default(0),
}, 'Projectile');
export type ProjectileState = SchemaType<typeof ProjectileState>;

export const ArenaState = schema({
  /** Simulation tick this state reflects; clients place snapshots on the server timeline by it. */
  tick: t.uint32().default(0),
  mapId: t.string().default('arena'),
  /**
   * The match clock and connection policy (server/lifecycle/matchLifecycle.ts). They live in the
   * state, not in a message, so a client has them from the join's first full state: a message
   * sent at join can reach a client before its handler exists, and a player would be told the
   * wrong reconnection window.
   */
  /** Tick at which the match ends; -1: it runs until everyone leaves. */
  matchEndsAtTick: t.int32().default(-1),
  /** The server is shutting down: no new players, the match ends at `matchEndsAtTick` at the latest. */
  draining: t.boolean().default(false),
  /** Seconds a dropped player's seat is kept for reconnection. */
  reconnectWindowS: t.uint16().default(0),
  /** Everyone in the room (the roster); each body only within the client's area (see above). */
  players: t.map(PlayerState),
  /** Projectiles whose flight crosses the client's area (a per-client view). */
  projectiles: t.map(ProjectileState).view(),
  /**
   * Live players per cell of a coarse grid (shared/crowd.ts), on maps larger than the camera's
   * view (empty otherwise): everyone's minimap, refreshed once a second.
   */
  crowd: t.array('uint8'),
}, 'ArenaState');
export type ArenaState = SchemaType<typeof ArenaState>;
