import { StateView, type OPERATION } from '@colyseus/schema';
import type { GameMap } from '../../shared/maps.ts';
import { indexInParentOf, refIdOf } from '../adapters/schemaView.ts';
import type { PlayerState, ProjectileState } from '../state/ArenaState.ts';
import type { Box } from './area.ts';
import type { CellRange } from './grid.ts';

/*
 * What interest management keeps: each body and projectile it tracks, each viewer (a client's
 * window on the room) and each body in a viewer's area. The jobs on them are in manager.ts (what
 * is in view), budget.ts (priority and byte budget) and viewEntries.ts (writing view entries).
 */

/** A player's body as interest management tracks it. */
export class Body {
  cell = -1;
  prevCell = -1;
  /** Position and velocity after the last step (plain numbers: the schema's are accessors). */
  x = 0;
  y = 0;
  vx = 0;
  vy = 0;
  /** The schema instance's reference id. */
  readonly refId: number;
  /** BODY_BIT mask of fields changed since the last patch. */
  dirty = 0;
  listed = false;
  moved = false;
  /** Viewers that have this body in view. */
  readonly watchers = new Set<Viewer>();
  constructor(readonly id: string, readonly state: PlayerState) {
    this.refId = refIdOf(state);
  }
}

/** A projectile in flight: its whole path is known at spawn. */
export class Shot {
  readonly cells: number[] = [];
  /**
   * Viewers it was sent to (in their views until it ends). An array, not a `Set`: it only grows
   * while the shot lives (a viewer leaves it only when the viewer is forgotten), and a `Set` would
   * reallocate its table as it grows, for every shot.
   */
  readonly watchers: Viewer[] = [];
  readonly refId: number;
  /** Its index in the projectiles map (what the map's add and delete operations carry). */
  readonly index: number;
  constructor(
    readonly id: number,
    readonly key: string,
    readonly state: ProjectileState,
    readonly ax: number, readonly ay: number, readonly bx: number, readonly by: number,
    entries: { forOwner: Map<number, number>; forOthers: Map<number, number> },
  ) {
    this.refId = refIdOf(state);
    this.index = indexInParentOf(state);
    this.ownerId = state.ownerId;
    this.fieldsForOwner = entries.forOwner;
    this.fields = entries.forOthers;
  }

  /**
   * Its fields as view entries, made once and shared by every view it goes to (the encoder only
   * reads them): with the owner id for its owner, without for everyone else.
   */
  readonly fieldsForOwner: Map<number, number>;
  readonly fields: Map<number, number>;
  readonly ownerId: string;
  /** While a candidate for some viewer's budget: its priority there (set just before sorting). */
  priority = 0;
  /** Sent in the viewer's flush under way (set and cleared within that flush). */
  sentNow = false;
}

/** One body in one viewer's area. */
export interface Track {
  readonly body: Body;
  /** Bits queued into the view's changes since it was last encoded. */
  queued: number;
  /** What this patch would send (set while choosing). */
  want: number;
  /** Position in the viewer's `list`. */
  slot: number;
  /**
   * The motion this viewer's client has for the body: where it was at `tick`, moving at
   * (vx, vy). The client extrapolates from it exactly as `extrapolate()` does here.
   */
  x: number;
  y: number;
  vx: number;
  vy: number;
  tick: number;
  /** freeStep(vx), freeStep(vy): what the client adds per tick. */
  stepX: number;
  stepY: number;
  /** aim, hp, alive changed since they were last sent to this viewer. */
  pending: number;
  /** Accumulated priority: grows every patch the update waits, resets when sent. */
  priority: number;
  /** Patch since which an update has been waiting (-1: nothing waiting). */
  waitingSince: number;
  /** Entered this patch: its whole body goes out, whatever the budget. */
  entering: boolean;
  /** Its place in the viewer's queued lists while `queued` is not 0. */
  queueSlot: number;
}

export type ViewerKind = 'player' | 'spectator';

/** A client's window on the room: a player's (centred on its body) or a spectator's. */
export class Viewer {
  view = new StateView();
  readonly tracks = new Map<Body, Track>();
  /** The same tracks, as an array: iterated every patch. */
  readonly list: Track[] = [];
  /** Last projectile checked against this viewer (skips the repeats of a projectile seen through several cells). */
  lastShotChecked = -1;
  /**
   * Projectiles crossing its area not sent yet, in the order they came, with their accumulated
   * priority (the first `pendingShotCount` of both lists): under the byte budget they wait like
   * updates do, nearest first, and are dropped if they end first. Lists, not a `Map<Shot, number>`:
   * a priority stored in a `Map` is a new heap number every patch.
   */
  readonly pendingShots: Shot[] = [];
  readonly pendingShotPriority: number[] = [];
  pendingShotCount = 0;
  /**
   * This patch's operations on the projectiles map's entries (ADD for a projectile sent, DELETE
   * for one ended), the first `collectionOpCount` of both lists; written before everything else
   * in the view's part (server/adapters/schemaViewDrain.ts). `collectionRefId`: the map's ref id.
   */
  collectionRefId = -1;
  readonly collectionIndexes: number[] = [];
  readonly collectionOps: OPERATION[] = [];
  collectionOpCount = 0;
  readonly enter: Box = { x0: 0, y0: 0, x1: 0, y1: 0 };
  readonly leave: Box = { x0: 0, y0: 0, x1: 0, y1: 0 };
  /** Projectiles crossing this box are sent. */
  readonly shotBox: Box = { x0: 0, y0: 0, x1: 0, y1: 0 };
  range: CellRange | undefined;
  /** The client has the room's full state: its view is written from the next patch on. */
  active = false;
  /** Its connection takes this patch (set by the serializer each patch): a dropped client's view waits. */
  ready = false;
  evaluatedPatch = -1;
  cx = Number.NaN;
  cy = Number.NaN;
  own: Body | undefined;
  /** Spectators: the player followed, or the point roamed to. */
  follow: string | undefined;
  roamX: number;
  roamY: number;
  /** Bytes queued into the view this patch. */
  bytes = 0;
  /**
   * This patch's body updates, the first `queuedCount` of each list (a count, not `length = 0`,
   * which would drop the lists' storage every patch): the track, its reference id and the shared
   * entry map of the fields queued (undefined: dropped since). They are written after the view's
   * own changes (StateView's change map, which projectiles and leaves use): kept out of that map,
   * a body update costs no insertion into it, and the map is not regrown every patch.
   */
  readonly queuedTracks: Track[] = [];
  readonly queuedRefIds: number[] = [];
  readonly queuedEntries: Array<Map<number, number> | undefined> = [];
  queuedCount = 0;
  /**
   * Served from the room's shared view part (sharedView.ts): it holds only its own body's track;
   * everything else reaches it through the room's one view.
   */
  grouped = false;
  /**
   * The room's shared view only: the projectiles it sent this patch (the first `sentShotCount`),
   * so their owners can be told they are theirs.
   */
  sentShots: Shot[] | undefined;
  sentShotCount = 0;
  constructor(readonly sessionId: string, readonly kind: ViewerKind, map: GameMap) {
    this.roamX = map.widthPx / 2;
    this.roamY = map.heightPx / 2;
  }
}
