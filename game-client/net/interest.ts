import { extrapolate, unwrapTick } from '../../shared/wire.ts';
import type { PlayerStateView } from './stateTypes.ts';

/**
 * What interest management means for a client (docs/INTEREST.md, docs/PROTOCOL.md):
 *
 * - `state.players` holds everyone in the room (the roster: name, kills, deaths), but a
 *   player's body (x, y, vx, vy, t, aim, hp, alive) only while it is inside this client's area.
 * - **Left my area**: the body fields are deleted (read `undefined`); the roster entry stays.
 *   **Left the room**: the entry itself is removed.
 * - **Stopped moving**: the body is still there, with vx = vy = 0.
 * - Other players' bodies are dead-reckoned: (x, y) is where the body was at tick `t`, moving
 *   at (vx, vy), and the server sends nothing more while it keeps moving exactly as
 *   `extrapolate()` says (which is exact, on the simulation's grid). Use `bodyAt()` for where
 *   a body is at any tick; never read x, y of another player as "now". Our own body is always
 *   current (t is the state's tick), which is what prediction reconciles against.
 */

/** Whether this player's body is in our area (its fields are present). */
export function inArea(p: PlayerStateView): boolean {
  return p.x !== undefined && p.y !== undefined && p.t !== undefined;
}

/** The tick a body's x, y, vx, vy are current at (`stateTick`: the state's tick, at or after it). */
export function sampleTick(p: PlayerStateView, stateTick: number): number {
  return unwrapTick(p.t, stateTick);
}

/**
 * Where a body in our area is at `tick` (fractional ticks give the in-between position): its
 * sample, moved on by whole free-movement steps, exactly the server's position for every whole
 * tick up to the next update it sends.
 */
export function bodyAt(p: PlayerStateView, tick: number, stateTick: number): { x: number; y: number } {
  const ticks = tick - sampleTick(p, stateTick);
  return { x: extrapolate(p.x, p.vx, ticks), y: extrapolate(p.y, p.vy, ticks) };
}
