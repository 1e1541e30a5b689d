import { describe, expect, it } from 'vitest';
import { BALL_GAME } from '../../../../shared/games/ball/definition.ts';
import { emptyBallInput, type BallInput } from '../../../../shared/games/ball/input.ts';
import {
  addBallPlayer, BALL_RADIUS_PX, createBallWorld, GOALS_TO_WIN, KICKOFF_DELAY_TICKS, PITCH, stepBall, type BallWorld,
} from '../../../../shared/games/ball/rules.ts';

const DT = 1 / 30;

/** Step with one input per player from `brain`, `ticks` times; bounded. */
function play(world: BallWorld, ticks: number, brain: (id: string, world: BallWorld) => Omit<BallInput, 'seq'>): void {
  for (let i = 0; i < ticks; i++) {
    const inputs = new Map<string, BallInput>();
    for (const id of world.players.keys()) inputs.set(id, { seq: world.tick + 1, ...brain(id, world) });
    stepBall(world, inputs, DT);
  }
}

/** Run at the ball, toward the far goal's side of it, kicking when close. */
function striker(id: string, world: BallWorld): Omit<BallInput, 'seq'> {
  const p = world.players.get(id)!;
  const b = world.ball;
  const goalX = p.team === 0 ? world.map.widthPx + 50 : -50;
  // Aim for a spot behind the ball, on the line from the goal through it.
  const gx = b.x - goalX;
  const gy = b.y - world.map.heightPx / 2;
  const len = Math.sqrt(gx * gx + gy * gy) || 1;
  const tx = b.x + (gx / len) * 20;
  const ty = b.y + (gy / len) * 20;
  const dx = tx - p.x;
  const dy = ty - p.y;
  const close = Math.hypot(b.x - p.x, b.y - p.y) < 40;
  return { moveX: Math.abs(dx) < 6 ? 0 : Math.sign(dx), moveY: Math.abs(dy) < 6 ? 0 : Math.sign(dy), kick: close };
}

describe('the ball game rules', () => {
  it('holds a player whose input did not come this step (place and speed), whose body still stops the ball without pushing it', () => {
    const world = createBallWorld();
    const p = addBallPlayer(world, 'a', 'a');
    play(world, 10, () => ({ moveX: 1, moveY: 0, kick: false }));
    const before = { x: p.x, y: p.y, vx: p.vx, vy: p.vy };
    expect(before.vx).toBeGreaterThan(0);
    stepBall(world, new Map(), DT);
    expect({ x: p.x, y: p.y, vx: p.vx, vy: p.vy }).toEqual(before);
    // The next input carries on from there: late inputs only delay a player's path.
    stepBall(world, new Map([['a', { ...emptyBallInput(world.tick + 1), moveX: 1 }]]), DT);
    expect(p.x).toBeGreaterThan(before.x);
    // A ball rolling into a player that is holding: stopped at its body, not pushed on by its speed.
    Object.assign(world.ball, { x: p.x + 60, y: p.y, vx: -300, vy: 0 });
    for (let i = 0; i < 10; i++) stepBall(world, new Map(), DT);
    expect(world.ball.x - p.x).toBeGreaterThanOrEqual(BALL_RADIUS_PX);
    expect(world.ball.vx).toBeLessThanOrEqual(0);
  });

  it('puts players on the smaller team, in their own half', () => {
    const world = createBallWorld();
    const teams = ['a', 'b', 'c', 'd', 'e'].map((id) => addBallPlayer(world, id, id));
    expect(teams.map((p) => p.team)).toEqual([0, 1, 0, 1, 0]);
    for (const p of teams) expect(p.team === 0 ? p.x < PITCH.widthPx / 2 : p.x > PITCH.widthPx / 2).toBe(true);
  });

  it('standings give each player\'s team and place teams by the score: the leading team 1, the other 2; level, both 1', () => {
    const world = createBallWorld();
    for (const id of ['a', 'b', 'c', 'd']) addBallPlayer(world, id, id);
    world.players.get('c')!.goals = 1;
    const placings = () => Object.fromEntries(BALL_GAME.standings!(world).map((l) => [l.id, [l.team, l.placing]]));
    expect(placings()).toEqual({ a: [0, 1], b: [1, 1], c: [0, 1], d: [1, 1] });
    world.score[1] = 2;
    world.score[0] = 1;
    expect(placings()).toEqual({ a: [0, 2], b: [1, 1], c: [0, 2], d: [1, 1] });
    // Best first: the winners, then the scorer among the losers.
    expect(BALL_GAME.standings!(world).map((l) => l.id)).toEqual(['b', 'd', 'c', 'a']);
  });

  it('a player running into the ball pushes it along, and a kick sends it faster', () => {
    const push = createBallWorld();
    const a = addBallPlayer(push, 'a', 'a');
    a.x = push.ball.x - 80;
    a.y = push.ball.y;
    play(push, 30, () => ({ moveX: 1, moveY: 0, kick: false }));
    expect(push.ball.x).toBeGreaterThan(PITCH.widthPx / 2 + 20);
    expect(push.ball.vx).toBeGreaterThan(0);
    expect(push.lastTouchId).toBe('a');

    const kick = createBallWorld();
    const k = addBallPlayer(kick, 'k', 'k');
    k.x = kick.ball.x - 80;
    k.y = kick.ball.y;
    play(kick, 30, () => ({ moveX: 1, moveY: 0, kick: true }));
    expect(kick.ball.x).toBeGreaterThan(push.ball.x);
  });

  it('a ball rolling into the left goal scores for the right team, then play restarts from kickoff', () => {
    const world = createBallWorld();
    addBallPlayer(world, 'a', 'a');
    const b = addBallPlayer(world, 'b', 'b');
    world.ball.x = 60;
    world.ball.vx = -600;
    world.lastTouchId = b.id;
    let ticks = 0;
    while (world.score[1] === 0 && ticks++ < 60) stepBall(world, new Map(), DT);
    expect(world.score).toEqual([0, 1]);
    expect(b.goals).toBe(1);
    expect(world.events).toEqual([{ type: 'goal', team: 1, scorerId: 'b', tick: world.tick }]);
    play(world, KICKOFF_DELAY_TICKS, () => ({ moveX: 1, moveY: 1, kick: false }));
    expect(world.ball).toEqual({ x: PITCH.widthPx / 2, y: PITCH.heightPx / 2, vx: 0, vy: 0 });
  });

  it('bounces off the end wall outside the goal mouth (no goal)', () => {
    const world = createBallWorld();
    world.ball.y = BALL_RADIUS_PX + 30;
    world.ball.x = 40;
    world.ball.vx = -600;
    for (let i = 0; i < 20; i++) stepBall(world, new Map(), DT);
    expect(world.score).toEqual([0, 0]);
    expect(world.ball.vx).toBeGreaterThan(0);
  });

  it('two strikers against each other play until a team has five, within a bounded time', () => {
    const world = createBallWorld();
    addBallPlayer(world, 'a', 'a');
    addBallPlayer(world, 'b', 'b');
    addBallPlayer(world, 'c', 'c');
    let ticks = 0;
    while (!BALL_GAME.isOver!(world) && ticks < 30 * 60 * 10) {
      play(world, 1, striker);
      ticks++;
    }
    expect(BALL_GAME.isOver!(world)).toBe(true);
    expect(Math.max(...world.score)).toBe(GOALS_TO_WIN);
    expect(world.winner).toBe(world.score[0] === GOALS_TO_WIN ? 0 : 1);
    // After the end nothing moves any more.
    const ball = { ...world.ball };
    const score = [...world.score];
    play(world, 10, striker);
    expect(world.ball).toEqual(ball);
    expect(world.score).toEqual(score);
  });

  it('ignores an input that is not newer than the last one applied', () => {
    const run = (secondSeq: number) => {
      const world = createBallWorld();
      const a = addBallPlayer(world, 'a', 'a');
      stepBall(world, new Map([['a', { ...emptyBallInput(5), moveX: 1 }]]), DT);
      stepBall(world, new Map([['a', { ...emptyBallInput(secondSeq), moveX: 1 }]]), DT);
      return a;
    };
    const stale = run(5);
    const fresh = run(6);
    expect(stale.lastInputSeq).toBe(5);
    expect(fresh.lastInputSeq).toBe(6);
    // The stale one coasts (decelerates); the fresh one keeps accelerating.
    expect(fresh.vx).toBeGreaterThan(stale.vx);
  });
});
