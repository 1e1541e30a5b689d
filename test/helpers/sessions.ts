import type { ArenaSession, InputSample } from '../../game-client/net/session.ts';
import { sleep } from './wait.ts';

const IDLE: InputSample = { moveX: 0, moveY: 0, aim: 0, fire: false };

/**
 * Run a session's frame loop (as a scene or bot does) for `ms`, sending `sample()` as input,
 * or until `until()` is true. Bounded by `ms` either way.
 */
export async function play(session: ArenaSession, ms: number, sample: () => InputSample = () => IDLE, until?: () => boolean): Promise<void> {
  const end = performance.now() + ms;
  while (performance.now() < end && session.status !== 'closed') {
    session.update(performance.now(), sample);
    if (until?.()) return;
    await sleep(10);
  }
}

/**
 * Keep a session's frame loop running in the background (at most `maxMs`) while a test does
 * other things; call the returned function to stop it.
 */
export function keepPlaying(session: ArenaSession, sample: () => InputSample = () => IDLE, maxMs = 120_000): () => Promise<void> {
  let stopped = false;
  const loop = (async () => {
    const end = performance.now() + maxMs;
    while (!stopped && performance.now() < end && session.status !== 'closed') {
      session.update(performance.now(), sample);
      await sleep(10);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}
