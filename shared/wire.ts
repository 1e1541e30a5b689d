import { AIM_STEPS_PER_TURN, AIM_WIRE_BITS, POSITION_QUANTUM_PX, TICK_DT_S } from './limits.ts';
import { quantize } from './math.ts';

/**
 * How continuous values travel: declared ranges and precisions, in the shape of schema 5's
 * `t.quantized()` options (plain data here, so shared/ needs no Colyseus). Both ends compute
 * `min + (q / span) * range` with the same IEEE operations, and the ranges are chosen so that
 * value is exactly `q × POSITION_QUANTUM_PX`: the simulation's own grid. A client therefore
 * decodes bit for bit the number the server simulated, and prediction never fights rounding.
 * test/shared/wire.test.ts checks every one of the 65,536 codes both ways.
 */

/** Unsigned 16-bit steps of the position grid: 0 … 8191.875 px. Every map must fit. */
export const POSITION_WIRE = { min: 0, max: 65535 * POSITION_QUANTUM_PX, bits: 16 } as const;

/**
 * Velocities, px/s, on the same grid: a symmetric 16-bit range (schema 5 puts zero exactly on
 * a step for `min === -max`), ±4095.875 px/s; players reach 290 px/s, projectiles 880.
 */
export const VELOCITY_WIRE = { min: -32767 * POSITION_QUANTUM_PX, max: 32767 * POSITION_QUANTUM_PX, bits: 16 } as const;

/**
 * Aim of other players (display only): AIM_WIRE_BITS bits of a turn, wrapping. The simulation
 * keeps the input's 16-bit aim; shots carry their own velocity, so nothing is predicted from this.
 */
export const AIM_WIRE = { min: 0, max: AIM_STEPS_PER_TURN, bits: AIM_WIRE_BITS as 8, mode: 'wrap' } as const;

/** The largest map side the position wire can carry. */
export const MAX_MAP_SIDE_PX = POSITION_WIRE.max;

// --- Exact dead reckoning -----------------------------------------------------------------------

/** Bodies carry the tick of their values in 16 bits (`t`); the server re-sends well before it wraps. */
export const BODY_TICK_MODULO = 65536;
/** A body's values are re-sent at least this often, so a 16-bit tick stamp is never ambiguous. */
export const MAX_BODY_SAMPLE_AGE_TICKS = 30_000;

/**
 * How far a body moving freely at `v` (px/s) goes in one tick: the simulation adds `v × dt` and
 * snaps to the grid, and from a point on the grid that is exactly this step.
 */
export function freeStep(v: number): number {
  return quantize(v * TICK_DT_S);
}

/**
 * Where a body sampled at `x` with velocity `v` is `ticks` ticks later if it moved freely. All
 * values are multiples of the grid, so this is exact on both sides. The server re-sends a body
 * whenever its true position differs from this (a turn, a wall, a missed input, a respawn), so
 * for whole ticks between updates it is the server's position, bit for bit.
 */
export function extrapolate(x: number, v: number, ticks: number): number {
  return x + ticks * freeStep(v);
}

/** The full tick of a 16-bit stamp, given the current tick (at most MAX_BODY_SAMPLE_AGE_TICKS later). */
export function unwrapTick(stamp: number, nowTick: number): number {
  return nowTick - ((((nowTick - stamp) % BODY_TICK_MODULO) + BODY_TICK_MODULO) % BODY_TICK_MODULO);
}
