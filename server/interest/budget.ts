import { BODY_BIT, ALL_BODY_BITS } from '../state/changes.ts';
import { extrapolate, MAX_BODY_SAMPLE_AGE_TICKS } from '../../shared/wire.ts';
import type { InterestOptions } from './config.ts';
import { bodyUpdateBytes, projectileAddBytes } from './fields.ts';
import { interestTotals } from './stats.ts';
import type { Body, Shot, Track, Viewer } from './tracked.ts';
import { addShot, MOTION_BITS, sendUpdate } from './viewEntries.ts';

/*
 * Priority and the byte budget: which of a viewer's pending updates and projectiles go in this
 * patch's frame, most important first, and how importance grows while one waits.
 */

const byPriority = (a: { priority: number }, b: { priority: number }) => b.priority - a.priority;
/** Up to this many candidates are sorted in place by insertion (`Array.sort` allocates scratch). */
const INSERTION_SORT_MAX = 48;

/** The first `n` of `list`, highest priority first, stable, without allocating for the usual few. */
function sortByPriority<T extends { priority: number }>(list: T[], n: number): void {
  if (n > INSERTION_SORT_MAX) {
    list.length = n;
    list.sort(byPriority);
    return;
  }
  for (let i = 1; i < n; i++) {
    const item = list[i]!;
    let j = i - 1;
    while (j >= 0 && list[j]!.priority < item.priority) {
      list[j + 1] = list[j]!;
      j--;
    }
    list[j + 1] = item;
  }
}

/** Take the projectiles sent in this flush off the viewer's waiting list (keeping the order of the rest). */
function dropSent(v: Viewer): void {
  const pending = v.pendingShots;
  const priorities = v.pendingShotPriority;
  const count = v.pendingShotCount;
  let kept = 0;
  for (let i = 0; i < count; i++) {
    const shot = pending[i]!;
    if (shot.sentNow) {
      shot.sentNow = false;
      continue;
    }
    pending[kept] = shot;
    priorities[kept++] = priorities[i]!;
  }
  for (let i = kept; i < count; i++) pending[i] = undefined as never;
  v.pendingShotCount = kept;
}

/** Each client's frame within its byte budget (one per room; the candidate lists are reused every patch). */
export class PatchBudget {
  private readonly candidates: Track[] = [];
  private readonly shotCandidates: Shot[] = [];
  /** Bytes a frame may carry (0: no budget: everything goes at once). */
  readonly budget: number;

  constructor(private readonly options: InterestOptions) {
    this.budget = options.enabled ? options.budgetBytesPerPatch : 0;
  }

  /**
   * Queue this patch's body updates into the view. A body's motion (x, y, t, and the velocity
   * if it changed) goes out only when the client's extrapolation from what it has would differ
   * from the server's position: a body running straight costs nothing. Entering bodies, the
   * player's own body and updates waiting for `maxDeferPatches` are sent regardless; the rest
   * by priority within the budget.
   */
  flush(v: Viewer, patch: number, now: number, frameOverheadBytes: number, shotsInFlight: ReadonlyMap<number, Shot>, mapRefId: () => number): void {
    // Filled up to `n` (not emptied with `length = 0`, which drops the array's storage each time).
    const candidates = this.candidates;
    let n = 0;
    const totals = interestTotals;
    const list = v.list;
    for (let i = 0; i < list.length; i++) {
      const track = list[i]!;
      const body = track.body;
      const own = body === v.own;
      if (!own) totals.visibleBodies++;
      if (track.entering) {
        sendUpdate(v, body, track, ALL_BODY_BITS, now);
        continue;
      }
      let want = track.pending;
      const ticks = now - track.tick;
      // The owner reconciles its prediction against exact current values: no extrapolation for it.
      const drifted = own
        ? body.x !== track.x || body.y !== track.y
        // extrapolate() with the steps cached: x + ticks × freeStep(v).
        : track.x + ticks * track.stepX !== body.x || track.y + ticks * track.stepY !== body.y || ticks >= MAX_BODY_SAMPLE_AGE_TICKS;
      if (drifted || body.vx !== track.vx || body.vy !== track.vy) {
        want |= MOTION_BITS;
        if (body.vx !== track.vx) want |= BODY_BIT.vx;
        if (body.vy !== track.vy) want |= BODY_BIT.vy;
      }
      if (want === 0) {
        track.waitingSince = -1;
        track.priority = 0;
        continue;
      }
      if (!own) totals.changedVisibleBodies++;
      if (track.waitingSince < 0) track.waitingSince = patch;
      if (own || this.budget === 0 || patch - track.waitingSince >= this.options.maxDeferPatches) {
        sendUpdate(v, body, track, want, now);
        continue;
      }
      track.want = want;
      candidates[n++] = track;
    }
    const shots = this.shotCandidates;
    let m = 0;
    if (v.pendingShotCount > 0) {
      // Compacted in place, in the order they came: ended ones leave (shots[j] is pending[j]).
      const pending = v.pendingShots;
      const priorities = v.pendingShotPriority;
      const count = v.pendingShotCount;
      for (let i = 0; i < count; i++) {
        const shot = pending[i]!;
        // Ended before its turn came: nothing to send any more.
        if (!shotsInFlight.has(shot.id)) continue;
        pending[m] = shot;
        priorities[m] = priorities[i]!;
        shots[m++] = shot;
      }
      for (let i = m; i < count; i++) pending[i] = undefined as never;
      v.pendingShotCount = m;
    }
    if (n === 0 && m === 0) return;
    let left = this.budget - frameOverheadBytes - v.bytes;
    // Everything fits (the usual case in a room of a few players): all of it goes, in any order,
    // so neither priorities nor sorting are needed.
    let wanted = 0;
    for (let i = 0; i < n; i++) wanted += bodyUpdateBytes(candidates[i]!.body.refId, candidates[i]!.want);
    for (let j = 0; j < m; j++) wanted += this.shotCost(v, shots[j]!);
    if (wanted <= left) {
      for (let i = 0; i < n; i++) sendUpdate(v, candidates[i]!.body, candidates[i]!, candidates[i]!.want, now);
      for (let j = 0; j < m; j++) {
        shots[j]!.sentNow = true;
        addShot(v, shots[j]!, mapRefId());
      }
      if (m > 0) dropSent(v);
      return;
    }
    // Otherwise each waiting item gains priority, and the most important go first.
    for (let i = 0; i < n; i++) {
      const track = candidates[i]!;
      track.priority += this.weight(v, track.body, track, track.want, now - track.tick);
    }
    for (let j = 0; j < m; j++) {
      const shot = shots[j]!;
      const grown = v.pendingShotPriority[j]! + this.shotWeight(v, shot);
      v.pendingShotPriority[j] = grown;
      shot.priority = grown;
    }
    sortByPriority(candidates, n);
    sortByPriority(shots, m);
    // Updates and projectiles compete for what the frame has left, highest priority first; an
    // item that does not fit waits (and gains priority), a smaller one after it may still go.
    for (let i = 0, j = 0; i < n || j < m;) {
      if (j >= m || (i < n && candidates[i]!.priority >= shots[j]!.priority)) {
        const track = candidates[i++]!;
        const cost = bodyUpdateBytes(track.body.refId, track.want);
        if (cost <= left) {
          left -= cost;
          sendUpdate(v, track.body, track, track.want, now);
        } else {
          totals.deferred++;
        }
      } else {
        const shot = shots[j++]!;
        const cost = this.shotCost(v, shot);
        if (cost <= left) {
          left -= cost;
          shot.sentNow = true;
          addShot(v, shot, mapRefId());
        } else {
          totals.deferredProjectiles++;
        }
      }
    }
    if (m > 0) dropSent(v);
  }

  /** Wire bytes of sending this projectile to this viewer (its owner also gets the owner id). */
  private shotCost(v: Viewer, shot: Shot): number {
    return projectileAddBytes(shot.refId, shot.index, shot.key, shot.ownerId === v.sessionId ? v.sessionId.length : undefined);
  }

  /**
   * Importance of a projectile not sent yet, added to its priority every patch it waits: by how
   * close its flight passes the camera, doubled (a shot is an event a player reacts to).
   */
  private shotWeight(v: Viewer, shot: Shot): number {
    const dx = shot.bx - shot.ax;
    const dy = shot.by - shot.ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 > 0 ? Math.max(0, Math.min(1, ((v.cx - shot.ax) * dx + (v.cy - shot.ay) * dy) / len2)) : 0;
    const ex = shot.ax + t * dx - v.cx;
    const ey = shot.ay + t * dy - v.cy;
    const half = this.options.priorityHalfDistancePx;
    return (2 * half) / (half + Math.sqrt(ex * ex + ey * ey));
  }

  /** Importance of an update, added to its priority every patch it waits. */
  private weight(v: Viewer, body: Body, track: Track, want: number, ticks: number): number {
    const dx = body.x - v.cx;
    const dy = body.y - v.cy;
    const half = this.options.priorityHalfDistancePx;
    let w = half / (half + Math.sqrt(dx * dx + dy * dy));
    if ((want & MOTION_BITS) !== 0) {
      // The farther the client's picture is off, the sooner it should be put right.
      const ex = Math.abs(extrapolate(track.x, track.vx, ticks) - body.x);
      const ey = Math.abs(extrapolate(track.y, track.vy, ticks) - body.y);
      w *= 1 + (ex > ey ? ex : ey) / 16;
    } else if ((want & (BODY_BIT.hp | BODY_BIT.alive)) === 0) {
      w *= 0.5; // aim alone: cosmetic
    }
    // Deaths, respawns and hits change what a player sees most.
    if ((want & (BODY_BIT.hp | BODY_BIT.alive)) !== 0) w *= 4;
    if (v.follow === body.id) w *= 4;
    return w;
  }
}
