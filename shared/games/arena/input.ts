import { defineInputLayout } from '../../game/input.ts';
import { AIM_STEPS_PER_TURN, VIEW_TICK_MODULO } from '../../limits.ts';

/**
 * The arena shooter's input on the wire, declared once (shared/game/input.ts): one per fixed step.
 * What the simulation receives is `PlayerInput` (shared/input.ts), normalized from these fields.
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
