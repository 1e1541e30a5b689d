import { describe, expect, it } from 'vitest';
import { addBallPlayer, createBallWorld, GOALS_TO_WIN, PITCH, stepBall } from '../../../shared/games/ball/rules.ts';
import { TICK_DT_S, TICK_HZ } from '../../../shared/limits.ts';
import { strikerInput } from '../../../tools/bots/ballStriker.ts';

/** The ball game's bot behaviour, run on the rules themselves (tick counts, not wall time). */
describe('ball striker behaviour', () => {
  it.each([0, 1] as const)('team %i alone against an idle opponent scores five into the right goal within four minutes of play', (team) => {
    const world = createBallWorld();
    addBallPlayer(world, 'a', 'A');
    addBallPlayer(world, 'b', 'B');
    const striker = team === 0 ? 'a' : 'b';
    let seq = 0;
    for (let t = 0; t < 240 * TICK_HZ && world.winner === -1; t++) {
      const me = world.players.get(striker)!;
      expect(me.team).toBe(team);
      stepBall(world, new Map([[striker, { seq: ++seq, ...strikerInput(me, world.ball, team, PITCH) }]]), TICK_DT_S);
    }
    expect(world.winner).toBe(team);
    expect(world.score[team]).toBe(GOALS_TO_WIN);
    expect(world.score[1 - team]).toBe(0);
  });

  it('chases the ball from anywhere: the first input moves toward it or around it, never stands still far from it', () => {
    for (const me of [{ x: 100, y: 100 }, { x: 1500, y: 900 }, { x: 800, y: 20 }]) {
      const input = strikerInput(me, { x: 800, y: 480 }, 0, PITCH);
      expect(Math.abs(input.moveX) + Math.abs(input.moveY)).toBeGreaterThan(0);
    }
  });
});
