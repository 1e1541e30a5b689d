import { describe, expect, it } from 'vitest';
import { ballNotice, describeBallEnd } from '../../../../game-client/scenes/ball/teams.ts';
import type { BallMatchValues } from '../../../../shared/games/ball/definition.ts';
import { KICKOFF_DELAY_TICKS } from '../../../../shared/games/ball/rules.ts';
import { TICK_HZ } from '../../../../shared/limits.ts';
import type { MatchEnd } from '../../../../shared/messages.ts';

const match = (m: Partial<BallMatchValues>): BallMatchValues => ({ tick: 100, scoreLeft: 0, scoreRight: 0, winner: -1, resumeTick: 0, ...m });
const end = (reason: MatchEnd['reason']): MatchEnd => ({ reason, tick: 100, scores: [] });

describe('the ball match\'s words', () => {
  it('counts down to the kickoff after a goal in whole seconds, and says nothing while play runs', () => {
    const goalAt = 100;
    const m = match({ scoreLeft: 1, resumeTick: goalAt + KICKOFF_DELAY_TICKS });
    expect(ballNotice(m, goalAt, 0)).toBe(`Goal! Kickoff in ${Math.ceil(KICKOFF_DELAY_TICKS / TICK_HZ)}`);
    expect(ballNotice(m, goalAt + KICKOFF_DELAY_TICKS - 1, 0)).toBe('Goal! Kickoff in 1');
    expect(ballNotice(m, goalAt + KICKOFF_DELAY_TICKS, 0)).toBe('');
  });

  it('names the winner with the score, from the reader\'s side', () => {
    const won = match({ scoreLeft: 2, scoreRight: 5, winner: 1 });
    expect(ballNotice(won, 300, 1)).toBe('Orange wins 5–2 · you won!');
    expect(ballNotice(won, 300, 0)).toBe('Orange wins 5–2 · you lost');
    expect(describeBallEnd(end('decided'), won, 0)).toBe('Match over. Your team lost: Blue 2–5 Orange.');
    expect(describeBallEnd(end('decided'), won, undefined)).toBe('Match over. Orange won: Blue 2–5 Orange.');
  });

  it('gives a match cut short to the team ahead, or calls it a draw', () => {
    expect(describeBallEnd(end('shutdown'), match({ scoreLeft: 3, scoreRight: 1 }), 0)).toBe('Match over: the server is restarting. Your team won: Blue 3–1 Orange.');
    expect(describeBallEnd(end('time'), match({ scoreLeft: 2, scoreRight: 2 }), 1)).toBe('Match over. A draw: Blue 2–2 Orange.');
  });
});
