import { freeStep } from '../../shared/wire.ts';
import { ALL_BODY_BITS, BODY_BIT } from '../state/changes.ts';
import type { Viewer } from './tracked.ts';

/*
 * One view for a whole room where every client's area is the same (a map no larger than the
 * viewport: cameraIsFixed in area.ts, the arena). There, every client would be sent the same body
 * updates and projectiles, decided and encoded once per client: the room keeps one view of its
 * own instead (a viewer that belongs to no client), whose part of the patch is encoded once and
 * copied into every client's frame after the shared part. What differs per client rides after it:
 * its own body's exact values (prediction reconciles against them, where everyone else is sent a
 * body only when dead reckoning would be wrong) and the owner id of its own projectiles.
 *
 * A client starts on its own view (its first patch carries every body whole) and is served from
 * the room's view once both hold the same: nothing waiting under the byte budget on either side,
 * so each has every body exactly as dead reckoning gives it now (positions and steps are on the
 * wire's grid, so reckoning from either's samples gives the same numbers, bit for bit) and every
 * projectile in flight. A reconnection starts it on its own view again.
 */

/** The room's own viewer (not a session id: those are Colyseus' nanoids). */
export const SHARED_VIEWER_ID = '\u0000room';

/**
 * The room's view sent this client's own body's fields `shared.tracks.get(own).queued` in this
 * patch: its own track takes them as sent, so only what is still missing goes in its own part.
 * Call after the room's view is flushed and before its queue is drained.
 */
export function takeSharedOwnUpdate(v: Viewer, shared: Viewer, now: number): void {
  const own = v.own;
  if (own === undefined) return;
  const track = v.tracks.get(own);
  const sent = shared.tracks.get(own);
  if (track === undefined || sent === undefined || sent.queued === 0) return;
  const q = sent.queued;
  if ((q & BODY_BIT.x) !== 0) track.x = own.x;
  if ((q & BODY_BIT.y) !== 0) track.y = own.y;
  if ((q & BODY_BIT.t) !== 0) track.tick = now;
  if ((q & BODY_BIT.vx) !== 0) {
    track.vx = own.vx;
    track.stepX = freeStep(own.vx);
  }
  if ((q & BODY_BIT.vy) !== 0) {
    track.vy = own.vy;
    track.stepY = freeStep(own.vy);
  }
  track.pending &= ~q;
  if (track.entering && q === ALL_BODY_BITS) track.entering = false;
}

/**
 * Whether this client, served from its own view so far, now holds what the room's view's clients
 * hold (after both were flushed and encoded this patch): the same bodies, none waiting on either
 * side, and no projectile waiting (each then has every one in flight).
 */
export function inStepWithShared(v: Viewer, shared: Viewer): boolean {
  if (v.pendingShotCount > 0 || shared.pendingShotCount > 0 || v.list.length !== shared.list.length) return false;
  return settled(v) && settled(shared);
}

function settled(v: Viewer): boolean {
  const list = v.list;
  for (let i = 0; i < list.length; i++) {
    const t = list[i]!;
    if (t.entering || t.waitingSince >= 0 || t.pending !== 0) return false;
  }
  return true;
}
