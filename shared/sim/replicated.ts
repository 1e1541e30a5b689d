import { defineReplicated, viewFieldsOf, type StateView, type ValuesOf } from '../game/state.ts';
import { AIM_WIRE, POSITION_WIRE, VELOCITY_WIRE } from '../wire.ts';

/**
 * What clients of the arena see, declared once (shared/game/state.ts): the server's schema
 * (server/state/ArenaState.ts), the client's types (game-client/net/stateTypes.ts) and the
 * interest layer's field bits and byte costs (server/state/changes.ts, server/interest/fields.ts)
 * are all derived from it.
 *
 * A player's `name`, `kills` and `deaths` are the room's roster: every client gets them. Its body
 * (the `view` fields) reaches a client only while the player is inside that client's area of
 * interest (server/interest/), and reads `undefined` when the player leaves it. Positions and
 * velocities travel as 16-bit steps of the simulation's own grid (shared/wire.ts), so a client
 * decodes exactly the server's numbers.
 */
export const ARENA_REPLICATED = defineReplicated({
  match: {
    /** Simulation tick this state reflects; clients place snapshots on the server timeline by it. */
    tick: 'uint32',
    /**
     * Live players per cell of a coarse grid (shared/crowd.ts), on maps larger than the camera's
     * view (empty otherwise): everyone's minimap, refreshed once a second.
     */
    crowd: { array: 'uint8' },
  },
  entities: {
    players: {
      name: 'string',
      kills: 'uint16',
      deaths: 'uint16',
      x: { quantized: POSITION_WIRE, view: true },
      y: { quantized: POSITION_WIRE, view: true },
      vx: { quantized: VELOCITY_WIRE, view: true },
      vy: { quantized: VELOCITY_WIRE, view: true },
      /**
       * Tick (mod 65536) that x, y, vx, vy are current at. Other players' bodies are sent only when
       * their position stops following shared/wire.ts `extrapolate()` from there (dead reckoning).
       */
      t: { type: 'uint16', view: true },
      aim: { quantized: AIM_WIRE, view: true },
      hp: { type: 'uint8', view: true },
      alive: { type: 'boolean', view: true },
    },
    /**
     * A projectile is sent once (spawn point, velocity, spawn tick) and removed when it ends; its
     * flight is a straight line, so clients compute where it is instead of receiving positions.
     * Only projectiles whose flight crosses a client's area reach it (`perClient`).
     */
    projectiles: {
      ownerId: 'string',
      x0: { quantized: POSITION_WIRE },
      y0: { quantized: POSITION_WIRE },
      vx: { quantized: VELOCITY_WIRE },
      vy: { quantized: VELOCITY_WIRE },
      spawnTick: 'uint32',
    },
  },
  perClient: ['projectiles'],
  names: { state: 'ArenaState', kinds: { players: 'Player', projectiles: 'Projectile' } },
});

/** A player's body: the fields a client has only while the player is in its area, in declaration order. */
export const BODY_FIELDS = viewFieldsOf(ARENA_REPLICATED.entities.players);
export type BodyField = (typeof BODY_FIELDS)[number];

/** A player as a client reads it (body fields `undefined` while outside this client's area: see game-client/net/interest.ts). */
export type ArenaPlayerValues = ValuesOf<typeof ARENA_REPLICATED.entities.players>;
export type ArenaProjectileValues = ValuesOf<typeof ARENA_REPLICATED.entities.projectiles>;
/** The arena's state as a client decodes it. */
export type ArenaStateValues = StateView<typeof ARENA_REPLICATED>;
