import { BODY_FIELDS, type BodyField } from '../../shared/sim/replicated.ts';
import type { SimProjectile } from '../../shared/sim/world.ts';
import type { PlayerState, ProjectileState } from './ArenaState.ts';

/*
 * How a change to the replicated state is described, between the room's state sync
 * (server/rooms/stateSync.ts), which writes the state, and interest management
 * (server/interest/), which decides who is told: body field bits, projectile keys, the listener.
 */

/** Bits of a player's body fields (its `view` fields, shared/sim/replicated.ts), in declaration order. */
export const BODY_BIT: Readonly<Record<BodyField, number>> = Object.fromEntries(BODY_FIELDS.map((f, i) => [f, 1 << i])) as Record<BodyField, number>;
export const ALL_BODY_BITS = (1 << BODY_FIELDS.length) - 1;

/** A projectile's key in the state: its id in base 36 (short on the wire; opaque to clients). */
export function projectileKey(id: number): string {
  return id.toString(36);
}

/** Who needs to know what the sync changed (the room's interest manager). */
export interface SyncListener {
  playerAdded(id: string, state: PlayerState): void;
  /**
   * `changed`: BODY_BIT mask of the body fields whose wire value changed this step (`t` changes
   * every step and is not reported); the body's position and velocity after the step.
   */
  playerChanged(id: string, changed: number, x: number, y: number, vx: number, vy: number): void;
  playerRemoved(id: string): void;
  projectileAdded(sim: SimProjectile, state: ProjectileState): void;
  /** Called before the projectile leaves the state, so views can drop it first. */
  projectileRemoving(id: number): void;
}
