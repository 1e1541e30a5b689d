import { defineInputLayout } from '../../game/input.ts';

/** The ball game's input on the wire, declared once (shared/game/input.ts): one per fixed step. */
export const BALL_INPUT = defineInputLayout({
  /** Client sequence number (1, 2, 3, ...). */
  seq: { type: 'uint32' },
  /** -1 left, 0 none, 1 right. */
  moveX: { type: 'int8', range: [-1, 1] },
  /** -1 up, 0 none, 1 down (screen coordinates). */
  moveY: { type: 'int8', range: [-1, 1] },
  /** Kick held this tick: a ball touching the player leaves harder, away from it. */
  kick: { type: 'boolean' },
});

/** One player's command for one step, as the rules read it. */
export interface BallInput {
  seq: number;
  moveX: number;
  moveY: number;
  kick: boolean;
}

export function emptyBallInput(seq = 0): BallInput {
  return { seq, moveX: 0, moveY: 0, kick: false };
}
