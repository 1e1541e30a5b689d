import { defineInputLayout, inputRanges } from './game/input.ts';
import { AIM_STEPS_PER_TURN, LAG_COMP_MAX_TICKS, VIEW_TICK_MODULO } from './limits.ts';

/**
 * The arena shooter's input on the wire, declared once (shared/game/input.ts): one per fixed step.
 * What the simulation receives is `PlayerInput` (below), normalized from these fields. It lives
 * beside the simulation's input, not in shared/games/arena/, because the browser's net/ layer
 * (which imports no game) predicts the arena with it.
 */
export const ARENA_INPUT = defineInputLayout({
  /** Client sequence number (1, 2, 3, ...). */
  seq: { type: 'uint32' },
  /** -1 left, 0 none, 1 right. */
  moveX: { type: 'int8', range: [-1, 1] },
  /** -1 up, 0 none, 1 down (screen coordinates). */
  moveY: { type: 'int8', range: [-1, 1] },
  /** Aim in 1/65536 turns, 0 = +x, clockwise on screen. */
  aim: { type: 'uint16', range: [0, AIM_STEPS_PER_TURN - 1] },
  /** Trigger held this tick. */
  fire: { type: 'boolean' },
  /** Tick the shooter was viewing, modulo 256; read only on firing inputs (lag compensation). */
  viewTick: { type: 'uint8', range: [0, VIEW_TICK_MODULO - 1] },
});

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

/** Field ranges, used as the server's sanitize clamps (NaN and out-of-range values are clamped); declared in ARENA_INPUT. */
export const INPUT_RANGES = inputRanges(ARENA_INPUT);

export function emptyInput(seq = 0): PlayerInput {
  return { seq, moveX: 0, moveY: 0, aim: 0, fire: false };
}

/** Coerce an untrusted input into the domain the simulation expects (integers within range). */
const axis = (v: number): number => (v > 0 ? 1 : v < 0 ? -1 : 0);

export function normalizeInput(raw: PlayerInput): PlayerInput {
  return normalizeInputInto(raw.seq, raw.moveX, raw.moveY, raw.aim, raw.fire === true, raw.rewind, emptyInput());
}

/** `normalizeInput` of these values, written into `out` (a server reuses one object per player). */
export function normalizeInputInto(seq: number, moveX: number, moveY: number, rawAim: number, fire: boolean, rewind: number | undefined, out: PlayerInput): PlayerInput {
  const aim = Number.isFinite(rawAim) ? Math.trunc(rawAim) : 0;
  out.seq = seq;
  out.moveX = axis(moveX);
  out.moveY = axis(moveY);
  out.aim = aim < 0 ? 0 : aim >= AIM_STEPS_PER_TURN ? AIM_STEPS_PER_TURN - 1 : aim;
  out.fire = fire;
  out.rewind = clampRewind(rewind);
  return out;
}

function clampRewind(v: number | undefined): number {
  if (v === undefined || !Number.isFinite(v)) return 0;
  const r = Math.trunc(v);
  return r < 0 ? 0 : r > LAG_COMP_MAX_TICKS ? LAG_COMP_MAX_TICKS : r;
}
