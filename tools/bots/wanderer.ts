import { radiansToAim } from '../../shared/math.ts';
import { nextRandom } from '../../shared/rng.ts';
import type { RenderFrame } from '../../game-client/net/renderModel.ts';
import type { InputSample } from '../../game-client/net/session.ts';

/**
 * A simple seeded player brain for netcode tests and the netcode benchmark: it wanders
 * (changing direction about once a second), aims at the nearest live player it sees and holds
 * the trigger when someone is within range.
 */
export function wanderer(seed: number, opts: { fire?: boolean; rangePx?: number } = {}): (frame: RenderFrame | undefined) => InputSample {
  let rng = seed >>> 0;
  const roll = () => {
    const r = nextRandom(rng);
    rng = r.state;
    return r.value;
  };
  let moveX = 1;
  let moveY = 0;
  let turnIn = 0;
  const range = opts.rangePx ?? 450;
  return (frame) => {
    if (--turnIn <= 0) {
      moveX = Math.floor(roll() * 3) - 1;
      moveY = Math.floor(roll() * 3) - 1;
      if (moveX === 0 && moveY === 0) moveX = 1;
      turnIn = 15 + Math.floor(roll() * 30);
    }
    const self = frame?.self;
    let aim = 0;
    let fire = false;
    if (self && frame) {
      let best: { x: number; y: number } | undefined;
      let bestD = Infinity;
      for (const p of frame.players) {
        if (p.isSelf || !p.alive) continue;
        const d = Math.hypot(p.x - self.x, p.y - self.y);
        if (d < bestD) { bestD = d; best = p; }
      }
      if (best) {
        aim = radiansToAim(Math.atan2(best.y - self.y, best.x - self.x));
        fire = (opts.fire ?? true) && bestD < range;
      }
    }
    return { moveX, moveY, aim, fire };
  };
}
