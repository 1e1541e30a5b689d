import { OPERATION } from '@colyseus/schema';
import { changeTreeOf } from '../adapters/schemaView.ts';
import { BODY_BIT } from '../state/changes.ts';
import { freeStep } from '../../shared/wire.ts';
import { BODY_FIELD_INDEX, bodyLeaveBytes, bodyUpdateBytes, PROJECTILE_OWNER_INDEX, projectileAddBytes } from './fields.ts';
import { interestTotals } from './stats.ts';
import type { Body, Shot, Track, Viewer } from './tracked.ts';

/*
 * Writing view entries: what a body entering, updating and leaving, and a projectile entering,
 * put into a client's view, written directly in the form schema's StateView holds them (the
 * hottest operations of interest management; server/adapters/schemaViewDrain.ts encodes them).
 */

/** Body fields that move it: sent together, whenever the client's extrapolation would be wrong. */
export const MOTION_BITS = BODY_BIT.x | BODY_BIT.y | BODY_BIT.t;

/**
 * A projectile's view entries depend only on which of its fields are set: one pair of maps per
 * combination, shared by every shot (the encoder only reads them), so a shot allocates no maps.
 */
const projectileEntries = new Map<number, { forOwner: Map<number, number>; forOthers: Map<number, number> }>();
export function projectileEntriesFor(live: number): { forOwner: Map<number, number>; forOthers: Map<number, number> } {
  let entries = projectileEntries.get(live);
  if (entries === undefined) {
    const forOwner = new Map<number, number>();
    for (let i = 0, bits = live; bits !== 0; i++, bits >>>= 1) if (bits & 1) forOwner.set(i, OPERATION.ADD);
    const forOthers = new Map(forOwner);
    forOthers.delete(PROJECTILE_OWNER_INDEX);
    entries = { forOwner, forOthers };
    projectileEntries.set(live, entries);
    for (const m of [forOwner, forOthers]) sharedEntrySet.add(m);
  }
  return entries;
}

/**
 * A body update's view entries depend only on which fields it sends: one map per combination of
 * body bits, made once and shared by every view (the encoder only reads them), so queuing an
 * update allocates nothing. (ADD, not REPLACE: the view drain reads operation 0 as "no value".)
 */
const sharedEntries: Array<Map<number, number> | undefined> = [];
const sharedEntrySet = new Set<Map<number, number>>();
function entriesFor(mask: number): Map<number, number> {
  let m = sharedEntries[mask];
  if (m === undefined) {
    m = new Map();
    for (let i = 0, bits = mask; bits !== 0; i++, bits >>>= 1) if (bits & 1) m.set(BODY_FIELD_INDEX[i]!, OPERATION.ADD);
    sharedEntries[mask] = m;
    sharedEntrySet.add(m);
  }
  return m;
}
/**
 * A body leaving a view: every body field deleted on that client, as `StateView.remove` queues it
 * (the body fields are the view fields: fields.ts checks). One map shared by every leave (the
 * encoder only reads it), so a leave allocates nothing and is encoded once per body and patch.
 */
const leaveEntries = new Map<number, number>(BODY_FIELD_INDEX.map((index) => [index, OPERATION.DELETE]));
sharedEntrySet.add(leaveEntries);

/**
 * A projectile's owner id alone: what its owner gets besides a projectile it received without
 * it (from the room's shared view part, sharedView.ts). Shared like the others.
 */
export const ownerIdEntries = new Map<number, number>([[PROJECTILE_OWNER_INDEX, OPERATION.ADD]]);
sharedEntrySet.add(ownerIdEntries);

/** Whether a view's entries for a ref are one of the shared maps (which fields they carry is then fixed by the map). */
export function isSharedEntries(m: unknown): boolean {
  return sharedEntrySet.has(m as Map<number, number>);
}

/** A body enters the viewer's area: it is marked visible, and its whole body goes in the next frame (budget.ts). */
export function enterBody(v: Viewer, body: Body): void {
  const track: Track = { body, queued: 0, want: 0, slot: v.list.length, x: 0, y: 0, vx: 0, vy: 0, tick: 0, stepX: 0, stepY: 0, pending: 0, priority: 0, waitingSince: -1, entering: true, queueSlot: -1 };
  v.tracks.set(body, track);
  v.list.push(track);
  body.watchers.add(v);
  v.view.markVisible(changeTreeOf(body.state));
  interestTotals.enters++;
}

/** Forget a track (swap-remove from the list). */
export function dropTrack(v: Viewer, body: Body): void {
  const track = v.tracks.get(body);
  if (track === undefined) return;
  // An update queued for it this patch is not written.
  if (track.queued !== 0) v.queuedEntries[track.queueSlot] = undefined;
  v.tracks.delete(body);
  const last = v.list.pop()!;
  if (last !== track) {
    v.list[track.slot] = last;
    last.slot = track.slot;
  }
}

/** A body leaves the viewer's area: its body fields are deleted on that client. */
export function leaveBody(v: Viewer, body: Body): void {
  dropTrack(v, body);
  body.watchers.delete(v);
  // Deletes the body fields on that client: "left my area", unlike a body that stops (vx = vy = 0).
  const pending = v.view.changes.get(body.refId);
  if (pending === undefined || isSharedEntries(pending)) {
    v.view.unmarkVisible(changeTreeOf(body.state));
    v.view.changes.set(body.refId, leaveEntries as Map<number, OPERATION>);
  } else {
    v.view.remove(body.state);
  }
  v.bytes += bodyLeaveBytes(body.refId);
  interestTotals.leaves++;
}

/**
 * What `view.add(projectile)` queues, written directly (it is the hottest operation here): the
 * map entry (queued on the viewer, written before the view's changes, as the decoder needs),
 * then the projectile's fields, and the projectile marked visible.
 */
export function addShot(v: Viewer, shot: Shot, mapRefId: number): void {
  shot.watchers.push(v);
  if (v.sentShots !== undefined) v.sentShots[v.sentShotCount++] = shot;
  v.view.markVisible(changeTreeOf(shot.state));
  queueCollectionOp(v, mapRefId, shot.index, OPERATION.ADD);
  // Only the owner needs to know a shot is its own (it predicted it); for others it is just a shot.
  const own = shot.ownerId === v.sessionId;
  v.view.changes.set(shot.refId, (own ? shot.fieldsForOwner : shot.fields) as Map<number, OPERATION>);
  v.bytes += projectileAddBytes(shot.refId, shot.index, shot.key, own ? v.sessionId.length : undefined);
  interestTotals.projectilesSent++;
}

/** Whether the projectile was sent to this viewer (and is in its view until it ends). */
export function hasShot(v: Viewer, shot: Shot): boolean {
  return shot.watchers.includes(v);
}

/**
 * An operation on the projectiles map's entry `index` for this view. Like the map's own change
 * map, the last operation on an entry this patch is the one that counts.
 */
export function queueCollectionOp(v: Viewer, refId: number, index: number, op: OPERATION): void {
  v.collectionRefId = refId;
  for (let i = 0; i < v.collectionOpCount; i++) {
    if (v.collectionIndexes[i] === index) {
      v.collectionOps[i] = op;
      return;
    }
  }
  const slot = v.collectionOpCount++;
  v.collectionIndexes[slot] = index;
  v.collectionOps[slot] = op;
}

/** The view was encoded (its changes drained). */
export function afterEncode(v: Viewer): void {
  v.collectionOpCount = 0;
  for (let i = 0; i < v.queuedCount; i++) {
    v.queuedTracks[i]!.queued = 0;
    v.queuedEntries[i] = undefined;
  }
  v.queuedCount = 0;
}

/**
 * Queue a body update of the fields in `want` (their shared entry map, written after the view's
 * own changes) and remember what the client now has; `now`: the tick the values are current at.
 */
export function sendUpdate(v: Viewer, body: Body, track: Track, want: number, now: number): void {
  if (track.queued === 0) {
    const slot = v.queuedCount++;
    v.queuedTracks[slot] = track;
    v.queuedRefIds[slot] = body.refId;
    track.queueSlot = slot;
  }
  track.queued |= want;
  v.queuedEntries[track.queueSlot] = entriesFor(track.queued);
  v.bytes += bodyUpdateBytes(body.refId, want);
  if ((want & MOTION_BITS) !== 0) {
    track.x = body.x;
    track.y = body.y;
    track.vx = body.vx;
    track.vy = body.vy;
    track.stepX = freeStep(track.vx);
    track.stepY = freeStep(track.vy);
    track.tick = now;
  }
  track.pending = 0;
  track.priority = 0;
  track.waitingSince = -1;
  track.entering = false;
  interestTotals.updates++;
}
