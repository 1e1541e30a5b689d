import { PLAYER_ACCEL_PX_PER_S2, PLAYER_DECEL_PX_PER_S2, PLAYER_MAX_SPEED_PX_PER_S, PLAYER_RADIUS_PX } from '../tuning.ts';
import type { GameMap } from '../maps.ts';
import { quantize } from '../math.ts';
import { resolveCircleVsRects } from './collision.ts';
import type { Mover } from './world.ts';

const DIAGONAL = 0.7071067811865476;

/**
 * Advance one player's body by one input. The server's world step and the client's prediction
 * both call this, so a replayed input lands on exactly the server's numbers.
 */
export function stepMovement(m: Mover, moveX: number, moveY: number, dtS: number, map: GameMap): void {
  const scale = moveX !== 0 && moveY !== 0 ? PLAYER_MAX_SPEED_PX_PER_S * DIAGONAL : PLAYER_MAX_SPEED_PX_PER_S;
  const targetVx = moveX * scale;
  const targetVy = moveY * scale;
  const dvx = targetVx - m.vx;
  const dvy = targetVy - m.vy;
  const maxDelta = (moveX !== 0 || moveY !== 0 ? PLAYER_ACCEL_PX_PER_S2 : PLAYER_DECEL_PX_PER_S2) * dtS;
  const len2 = dvx * dvx + dvy * dvy;
  if (len2 <= maxDelta * maxDelta) {
    m.vx = targetVx;
    m.vy = targetVy;
  } else {
    const k = maxDelta / Math.sqrt(len2);
    m.vx += dvx * k;
    m.vy += dvy * k;
  }
  m.vx = quantize(m.vx);
  m.vy = quantize(m.vy);

  m.x += m.vx * dtS;
  m.y += m.vy * dtS;
  resolveCircleVsRects(m, PLAYER_RADIUS_PX, map.obstacles);

  const r = PLAYER_RADIUS_PX;
  if (m.x < r) { m.x = r; if (m.vx < 0) m.vx = 0; }
  if (m.x > map.widthPx - r) { m.x = map.widthPx - r; if (m.vx > 0) m.vx = 0; }
  if (m.y < r) { m.y = r; if (m.vy < 0) m.vy = 0; }
  if (m.y > map.heightPx - r) { m.y = map.heightPx - r; if (m.vy > 0) m.vy = 0; }

  m.x = quantize(m.x);
  m.y = quantize(m.y);
  m.vx = quantize(m.vx);
  m.vy = quantize(m.vy);
}
