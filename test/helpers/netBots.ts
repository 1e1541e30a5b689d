import { radiansToAim } from '../../shared/math.ts';
import { nextRandom } from '../../shared/rng.ts';
import type { RenderFrame } from '../../game-client/net/renderModel.ts';
import type { ArenaSession, InputSample } from '../../game-client/net/session.ts';
import { sleep } from './wait.ts';

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

/** How punctual the frame loop was: a loaded machine shows as late frames. */
export interface LoopHealth {
  frames: number;
  /** Frames that came more than three frame intervals after the previous one. */
  lateFrames: number;
}

/**
 * True when the machine was too loaded to run a real-time game in this process (more than 3%
 * of frames over three intervals late): real-time assertions then say nothing about the
 * netcode, and tests skip them (they run whenever the machine is not overloaded, e.g. in CI).
 */
export function overloaded(health: LoopHealth): boolean {
  return health.lateFrames > health.frames * 0.03;
}

/**
 * Drive sessions like a browser would: every `frameMs` (30 frames a second by default, a bot's
 * pace), `update()` with the brain's input, then `frame()`; `onFrame` sees each frame. Bounded by
 * `durationMs`.
 */
export async function playFor(
  sessions: ArenaSession[],
  brains: Array<(frame: RenderFrame | undefined) => InputSample>,
  durationMs: number,
  onFrame: (index: number, frame: RenderFrame, nowMs: number) => void = () => undefined,
  frameMs = 33,
  health: LoopHealth = { frames: 0, lateFrames: 0 },
): Promise<LoopHealth> {
  const last: Array<RenderFrame | undefined> = sessions.map(() => undefined);
  const end = performance.now() + durationMs;
  let previous = performance.now();
  while (performance.now() < end) {
    const now = performance.now();
    health.frames++;
    if (now - previous > 3 * frameMs) health.lateFrames++;
    previous = now;
    sessions.forEach((s, i) => {
      if (s.status !== 'playing') return;
      s.update(now, () => brains[i]!(last[i]));
      const frame = s.frame(now);
      last[i] = frame;
      onFrame(i, frame, now);
    });
    await sleep(frameMs);
  }
  return health;
}
