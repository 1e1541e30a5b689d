import type { GameMap } from '../../shared/maps.ts';

/** How far behind the ball (on its line to the goal) a striker lines up. */
const LINE_UP_PX = 30;
/** Within this of the goal a lined-up striker kicks; farther out it dribbles (a kick overshoots). */
const SHOOTING_RANGE_PX = 300;
/** Steering dead band: closer than this on an axis, that axis rests. */
const DEAD_BAND_PX = 4;
/** Players stay this far from the side walls when lining up (the point must be reachable). */
const WALL_MARGIN_PX = 20;

export interface Point { x: number; y: number }

const sign = (v: number) => (v > DEAD_BAND_PX ? 1 : v < -DEAD_BAND_PX ? -1 : 0);

/**
 * The ball game's bot behaviour, one input per tick: chase the ball, get behind it on the line to
 * the opponent's goal (going around it when ahead of it), then dribble it there and shoot when
 * close. `team` 0 attacks the right goal. Pure: the same view gives the same input.
 */
export function strikerInput(me: Point, ball: Point, team: 0 | 1, map: GameMap): { moveX: number; moveY: number; kick: boolean } {
  const dir = team === 0 ? 1 : -1;
  const goalX = team === 0 ? map.widthPx + 40 : -40;
  const gx = goalX - ball.x;
  const gy = map.heightPx / 2 - ball.y;
  const g = Math.hypot(gx, gy) || 1;
  const bx = ball.x - (gx / g) * LINE_UP_PX;
  const by = Math.min(map.heightPx - WALL_MARGIN_PX, Math.max(WALL_MARGIN_PX, ball.y - (gy / g) * LINE_UP_PX));
  const fromBallX = (ball.x - me.x) * dir;
  const onLine = Math.hypot(me.x - bx, me.y - by) < 16
    || (fromBallX > 12 && Math.abs((me.y - ball.y) - (by - ball.y) * fromBallX / LINE_UP_PX) < 10);
  const ahead = fromBallX < 24;
  let tx: number;
  let ty: number;
  if (onLine) {
    tx = ball.x + (gx / g) * 60;
    ty = ball.y + (gy / g) * 60;
  } else if (ahead) {
    // Around the ball, not through it (that would push it toward the own goal).
    tx = ball.x - 60 * dir;
    ty = ball.y + (me.y < ball.y ? -60 : 60);
  } else {
    tx = bx;
    ty = by;
  }
  return { moveX: sign(tx - me.x), moveY: sign(ty - me.y), kick: onLine && g < SHOOTING_RANGE_PX };
}
