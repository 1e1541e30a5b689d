import { AIM_STEPS_PER_TURN, LAG_COMP_MAX_TICKS, VIEW_TICK_MODULO } from './constants.ts';

/**
 * One player's command for one fixed step. The client samples it once per tick and sends it on
 * Colyseus' input channel; the server applies exactly one per tick per player.
 */
export interface PlayerInput {
  /** Client sequence number (1, 2, 3, ...). Inputs at or below the last applied one are dropped. */
  seq: number;
  /** -1 left, 0 none, 1 right. */
  moveX: number;
  /** -1 up, 0 none, 1 down (screen coordinates). */
  moveY: number;
  /** Aim in 1/65536 turns, 0 = +x, increasing clockwise on screen (y grows downwards). */
  aim: number;
  /** Trigger held this tick. */
  fire: boolean;
  /**
   * Lag compensation: how many ticks before the tick that applies this input the shooter's view
   * was. Set by the server from the wire's `viewTick` after clamping it per client (0 or absent:
   * none). A shot fired with rewind r starts its flight r ticks in the past (see sim/lagComp.ts).
   */
  rewind?: number;
}

/** Field ranges, used as the server's sanitize clamps (NaN and out-of-range values are clamped). */
export const INPUT_RANGES = {
  moveX: [-1, 1],
  moveY: [-1, 1],
  aim: [0, AIM_STEPS_PER_TURN - 1],
  viewTick: [0, VIEW_TICK_MODULO - 1],
} as const;

export function emptyInput(seq = 0): PlayerInput {
  return { seq, moveX: 0, moveY: 0, aim: 0, fire: false };
}

/** Coerce an untrusted input into the domain the simulation expects (integers within range). */
const axis = (v: number): number => (v > 0 ? 1 : v < 0 ? -1 : 0);

export function normalizeInput(raw: PlayerInput): PlayerInput {
  const aim = Number.isFinite(raw.aim) ? Math.trunc(raw.aim) : 0;
  return {
    seq: raw.seq,
    moveX: axis(raw.moveX),
    moveY: axis(raw.moveY),
    aim: aim < 0 ? 0 : aim >= AIM_STEPS_PER_TURN ? AIM_STEPS_PER_TURN - 1 : aim,
    fire: raw.fire === true,
    rewind: clampRewind(raw.rewind),
  };
}

function clampRewind(v: number | undefined): number {
  if (v === undefined || !Number.isFinite(v)) return 0;
  const r = Math.trunc(v);
  return r < 0 ? 0 : r > LAG_COMP_MAX_TICKS ? LAG_COMP_MAX_TICKS : r;
}
