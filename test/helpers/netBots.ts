import type { RenderFrame } from '../../game-client/net/renderModel.ts';
import type { ArenaSession, InputSample } from '../../game-client/net/session.ts';
import { sleep } from './wait.ts';

/** The seeded wandering brain: tools/bots/wanderer.ts (the netcode benchmark drives it too). */
export { wanderer } from '../../tools/bots/wanderer.ts';

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
 * The server side of the same question, for a server in its own process: whether any of its fixed
 * steps fired more than `lateMs` late (`game_tick_lateness_seconds` on /metrics; 250 ms is a
 * bucket bound). A server process starved that long catches up in a burst and drops the inputs its
 * buffer had no room for, and its patches stop meanwhile, so the corrections and empty buffers
 * that follow are the machine's doing, not the netcode's. A quiet machine never stalls it that long
 * (its steps take about a millisecond; a young-generation GC pause a few).
 */
export async function serverStalled(endpoint: string, lateMs = 250, share = 0): Promise<boolean> {
  const text = await (await fetch(`${endpoint}/metrics`)).text();
  const read = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? NaN);
  const steps = read(/^game_tick_lateness_seconds_count(?:\{\})? (\d+)/m);
  const punctual = read(new RegExp(`^game_tick_lateness_seconds_bucket\\{le="${lateMs / 1000}"\\} (\\d+)`, 'm'));
  if (!Number.isFinite(steps) || !Number.isFinite(punctual)) throw new Error(`no step lateness at ${endpoint}/metrics`);
  return steps - punctual > steps * share;
}

/**
 * Drive sessions like a browser would: every `frameMs` (30 frames a second by default, a bot's
 * pace), `frame()`, then `update()` with the brain's input decided on that frame; `onFrame` sees each frame. Bounded by
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
  const end = performance.now() + durationMs;
  let previous = performance.now();
  while (performance.now() < end) {
    const now = performance.now();
    health.frames++;
    if (now - previous > 3 * frameMs) health.lateFrames++;
    previous = now;
    sessions.forEach((s, i) => {
      if (s.status !== 'playing') return;
      // The brain decides on the frame its input will claim to have seen: drawn at `now`, the
      // render tick `update` then stamps on a shot (advancing the playout twice at one `now` is
      // a no-op), as tools/bots does. The frame of the previous pass is a whole pass older, which
      // a late pass turned into a 100 ms lie.
      const frame = s.frame(now);
      s.update(now, () => brains[i]!(frame));
      onFrame(i, frame, now);
    });
    await sleep(frameMs);
  }
  return health;
}
