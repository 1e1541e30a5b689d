import { AIM_STEPS_PER_TURN, POSITION_QUANTUM_PX } from './limits.ts';

/**
 * Deterministic math for the simulation. Only +, -, *, / and Math.sqrt are used: IEEE 754
 * rounds them identically in every engine, while Math.sin/cos/atan2 may differ between
 * browsers, which would make client prediction drift from the server.
 */

const INV_QUANTUM = 1 / POSITION_QUANTUM_PX;

/** Snap to the position grid, which the wire carries exactly (shared/wire.ts). `+ 0` turns -0 into 0 so hashes agree. */
export function quantize(v: number): number {
  return Math.round(v * INV_QUANTUM) / INV_QUANTUM + 0;
}

export function clamp(v: number, min: number, max: number): number {
  return v < min ? min : v > max ? max : v;
}

const TWO_PI = 6.283185307179586;
const HALF_PI = 1.5707963267948966;

/** sin(x) for |x| <= pi/4, Taylor to x^13 (error < 1e-15). */
function sinKernel(x: number): number {
  const x2 = x * x;
  return x * (1 + x2 * (-1 / 6 + x2 * (1 / 120 + x2 * (-1 / 5040 + x2 * (1 / 362880 + x2 * (-1 / 39916800 + x2 * (1 / 6227020800)))))));
}

/** cos(x) for |x| <= pi/4, Taylor to x^14. */
function cosKernel(x: number): number {
  const x2 = x * x;
  return 1 + x2 * (-1 / 2 + x2 * (1 / 24 + x2 * (-1 / 720 + x2 * (1 / 40320 + x2 * (-1 / 3628800 + x2 * (1 / 479001600 + x2 * (-1 / 87178291200)))))));
}

/**
 * Unit direction for an aim given in 1/65536 turns. The quadrant is taken from the integer,
 * so range reduction is exact.
 */
export function aimToDirection(aim: number): { x: number; y: number } {
  const steps = ((Math.trunc(aim) % AIM_STEPS_PER_TURN) + AIM_STEPS_PER_TURN) % AIM_STEPS_PER_TURN;
  const quarter = AIM_STEPS_PER_TURN / 4;
  const quadrant = Math.floor(steps / quarter);
  let rest = steps - quadrant * quarter; // 0 .. quarter-1
  // Reduce to [-pi/4, pi/4] around the nearest axis for the most accurate kernels.
  let s: number;
  let c: number;
  if (rest <= quarter / 2) {
    const a = (rest / AIM_STEPS_PER_TURN) * TWO_PI;
    s = sinKernel(a);
    c = cosKernel(a);
  } else {
    rest = quarter - rest;
    const a = (rest / AIM_STEPS_PER_TURN) * TWO_PI;
    s = cosKernel(a);
    c = sinKernel(a);
  }
  switch (quadrant) {
    case 0: return { x: c, y: s };
    case 1: return { x: -s, y: c };
    case 2: return { x: -c, y: -s };
    default: return { x: s, y: -c };
  }
}

/** Client-side helper: radians (any range) to the wire's aim steps. Not used by the simulation. */
export function radiansToAim(radians: number): number {
  const turns = radians / TWO_PI;
  const frac = turns - Math.floor(turns);
  return Math.round(frac * AIM_STEPS_PER_TURN) % AIM_STEPS_PER_TURN;
}

/** Display helper: aim steps to radians. */
export function aimToRadians(aim: number): number {
  return (aim / AIM_STEPS_PER_TURN) * TWO_PI;
}

export { HALF_PI, TWO_PI };
