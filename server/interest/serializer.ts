import { ClientState, Protocol, ProtocolModifier, SchemaSerializer, type Client } from '@colyseus/core';
import { encode, type Iterator, type Schema } from '@colyseus/schema';
import { rootOf } from '../adapters/schemaView.ts';
import { CorkedSockets } from '../adapters/wsSocket.ts';
import { InterestEncoder } from '../adapters/schemaViewDrain.ts';
import { PatchSlices, type PatchSliceLimits } from '../netcode/patchSlices.ts';
import { isSharedEntries, type InterestManager, type Viewer } from './manager.ts';
import { interestTotals } from './stats.ts';

/** `PatchTimingContext` of @colyseus/core (not exported): server time for the TIMED prefix. */
interface PatchTiming { sNow: number }

const TIMED_PREFIX_BYTES = 8;
/** Every client in one go (in-process measurements and tests that drive the serializer directly). */
const UNSLICED: PatchSliceLimits = { sliceMs: Number.POSITIVE_INFINITY, minClients: Number.POSITIVE_INFINITY };

/**
 * Finish a patch encoded with a gap for the prefix (`[code][8 free bytes][schema bytes]`, its own
 * buffer): with timing, the TIMED prefix in place; without, the code moved next to the body.
 */
function framed(b: Uint8Array, inputAck: number, timing: PatchTiming | undefined): Uint8Array {
  if (timing === undefined) {
    b[TIMED_PREFIX_BYTES] = b[0]!;
    return b.subarray(TIMED_PREFIX_BYTES);
  }
  b[0] = b[0]! | ProtocolModifier.TIMED;
  const it: Iterator = { offset: 1 };
  encode.uint32(b, timing.sNow >>> 0, it);
  encode.uint32(b, inputAck >>> 0, it);
  return b;
}

/**
 * `[code | TIMED][uint32 server ms][uint32 last processed input][schema bytes]`, as Colyseus'
 * own serializer frames a patch for rooms with `defineInput()`; a fresh buffer per client
 * (the transport may hold it after we return).
 */
function timedFrame(body: Uint8Array, sNow: number, inputSeq: number): Buffer {
  const out = Buffer.allocUnsafe(1 + TIMED_PREFIX_BYTES + body.length - 1);
  out[0] = body[0]! | ProtocolModifier.TIMED;
  const it: Iterator = { offset: 1 };
  encode.uint32(out, sNow >>> 0, it);
  encode.uint32(out, inputSeq >>> 0, it);
  out.set(body.subarray(1), it.offset);
  return out;
}

/**
 * The room's serializer with interest management: the shared part of a patch (roster, tick) is
 * encoded once for everyone; then each client gets its own view's bytes, which the interest
 * manager prepared in time proportional to what changed near that client. The wire format is
 * Colyseus' own, so the SDK decodes it unchanged.
 */
export class InterestSerializer<T extends Schema> extends SchemaSerializer<T> {
  /** This patch's clients, served in slices (the room's cadence drives the rest: `slices.continue()`). */
  readonly slices: PatchSlices<Client>;
  /** What the patch in progress shares: the end of its shared part, whether it has one, its timing. */
  private sharedOffset = 0;
  /**
   * The end of the room's view part, written after the shared part (server/interest/sharedView.ts;
   * `sharedOffset` when the room has none): clients served from the room's view get both.
   */
  private roomViewOffset = 0;
  /** Bytes of each frame outside its view part (the budget covers the whole frame). */
  private frameOutsideView = 0;
  private shared = false;
  /** Inside `applyPatches`: the room's `batchWrites` has every client's socket corked. */
  private firstTurn = false;
  private timing: PatchTiming | undefined;
  private sent = false;

  /**
   * `afterFrame(client)`: sent right after each client's patch frame (the room's netcode report and
   * events that must follow the patch); `slices`: how a large room's patch is split (none by default).
   */
  constructor(
    private readonly interest: InterestManager,
    private readonly inputAck: (sessionId: string) => number,
    private readonly reservedBytesPerPatch = 0,
    private readonly afterFrame: (client: Client) => void = () => {},
    slices: PatchSliceLimits = UNSLICED,
  ) {
    super();
    this.slices = new PatchSlices<Client>((client) => this.serve(client), () => this.finishPatch(), slices, () => this.corked.uncorkAll(), (client) => this.budget(client));
  }

  /** Sockets corked in this slice (each one's frames leave in one `writev` when it ends). */
  private readonly corked = new CorkedSockets();

  override reset(newState: T): void {
    // Keep the Root the room's default serializer already bound the state to: reference ids
    // are handed out by it, and a second Root would hand the same ones out again.
    this.encoder = new InterestEncoder(newState, rootOf(newState), isSharedEntries);
    this.hasFilters = true;
    this.hasUnreliableFields = false;
    this.fullEncodeBuffer[0] = Protocol.ROOM_STATE;
    this.needFullEncode = true;
  }

  /** Sent when a client's join is acknowledged (and after a reconnection): the shared state only. */
  override getFullState(client?: Client, timing?: PatchTiming): Uint8Array {
    if (this.needFullEncode || this.encoder.root.changes.next !== undefined) {
      this.sharedOffsetCache = { offset: 1 };
      this.fullEncodeCache = this.encoder.encodeAll(this.sharedOffsetCache, this.fullEncodeBuffer);
      this.needFullEncode = false;
    }
    if (client === undefined) return this.fullEncodeCache;
    // Its view starts empty: what is in its area arrives with the next patch. The snapshot
    // carries the view as it is now (just the projectiles map, bound) so the client never sees
    // the state without it.
    const viewer = this.interest.activate(client.sessionId);
    const body = viewer === undefined
      ? this.fullEncodeCache
      : this.encoder.encodeAllView(viewer.view, this.sharedOffsetCache.offset, { ...this.sharedOffsetCache }, this.fullEncodeBuffer);
    viewer?.view.changes.clear();
    return timing ? timedFrame(body, timing.sNow, this.inputAck(client.sessionId)) : body;
  }

  override applyPatches(clients: Client[], _state?: unknown, timing?: PatchTiming): boolean {
    // A patch still being served (the cadence finishes one before the next; this is the fallback).
    this.slices.finishNow();
    const encoder = this.encoder;
    if (clients.length === 0) {
      if (encoder.hasChanges) this.needFullEncode = true;
      encoder.discardChanges();
      this.interest.idle();
      return false;
    }
    for (let i = 0; i < clients.length; i++) {
      const viewer = this.interest.viewers.get(clients[i]!.sessionId);
      if (viewer !== undefined) viewer.ready = clients[i]!.state === ClientState.JOINED;
    }
    const totals = interestTotals;
    const t0 = performance.now();
    const shared = encoder.hasChanges;
    if (shared) this.needFullEncode = true;
    // The patch is encoded after a gap for the TIMED prefix, so each client's frame is one buffer:
    // [code][8-byte prefix, filled per client][shared part][its view's part].
    const it: Iterator = { offset: 1 + TIMED_PREFIX_BYTES };
    encoder.sharedBuffer[0] = Protocol.ROOM_STATE_PATCH;
    if (shared) encoder.encode(it);
    this.sharedOffset = it.offset;
    this.shared = shared;
    this.timing = timing;
    this.sent = false;
    const t1 = performance.now();
    totals.sharedEncodeMs += t1 - t0;

    // Views are written knowing what else each frame carries, so the byte budget covers it all.
    this.frameOutsideView = (timing ? this.sharedOffset : this.sharedOffset - TIMED_PREFIX_BYTES) + this.reservedBytesPerPatch;
    // The interest pass, then each client's budget, view and frame: in slices when the room is large
    // (server/netcode/patchSlices.ts), the interest pass then in a turn of its own.
    this.firstTurn = true;
    try {
      return this.slices.begin(clients, t0, this.interestPass) || shared || this.sent;
    } finally {
      this.firstTurn = false;
    }
  }

  /** What is in each view this patch (server/interest/manager.ts), before any client's part. */
  private readonly interestPass = (): void => {
    this.interest.beforePatch(this.frameOutsideView);
    (this.encoder as InterestEncoder).beginPatch();
    this.roomViewOffset = this.sharedOffset;
    this.interest.flushRoomView(this.encodeRoomView);
  };

  /** The room's view's part, once, right after the shared part (each client's own part is written after it). */
  private readonly encodeRoomView = (roomView: Viewer): void => {
    const t0 = performance.now();
    const it: Iterator = { offset: this.sharedOffset };
    (this.encoder as InterestEncoder).encodeViewWith(roomView.view, roomView, this.sharedOffset, it);
    this.roomViewOffset = it.offset;
    interestTotals.viewEncodeMs += performance.now() - t0;
  };

  /** What the budget lets through to this client in this patch (ahead of `serve`, many clients at a time). */
  private budget(client: Client): void {
    if (client.state !== ClientState.JOINED) return;
    const viewer = this.interest.viewers.get(client.sessionId);
    if (viewer !== undefined) this.interest.flushViewer(viewer);
  }

  /** The patch's part for one client: its view's bytes after the shared part, its frame, and what rides after it. */
  private serve(client: Client): void {
    if (client.state !== ClientState.JOINED) return;
    const encoder = this.encoder as InterestEncoder;
    const timing = this.timing;
    const viewer = this.interest.viewers.get(client.sessionId);
    // Served from the room's view: its part is this client's too (it follows the shared part).
    const grouped = viewer !== undefined && viewer.grouped;
    const sharedOffset = grouped ? this.roomViewOffset : this.sharedOffset;
    let frame: Uint8Array | undefined;
    let viewMs = 0;
    const c0 = performance.now();
    if (viewer !== undefined && viewer.active && (viewer.view.changes.size > 0 || viewer.queuedCount > 0 || viewer.collectionOpCount > 0)) {
      // A fresh buffer: the shared part (and the room's view part) followed by this view's part,
      // written after the room's view part, which stays in place for the clients after this one.
      frame = encoder.encodeViewWith(viewer.view, viewer, sharedOffset, { offset: this.roomViewOffset });
      this.interest.afterEncode(viewer);
      viewMs = performance.now() - c0;
    }
    if (frame === undefined && (this.shared || sharedOffset > this.sharedOffset)) frame = encoder.sharedBuffer.slice(0, sharedOffset);
    // Its patch and what follows it (report, events) in one write when the slice ends (in the
    // patch's first turn the room's own batch has every socket corked already).
    if (!this.firstTurn) this.corked.cork(client.ref);
    if (frame === undefined) {
      // Nothing for this client: Colyseus' heartbeat keeps its clock and input ack fresh.
      if (timing) this.send(client, timedFrame(Buffer.from([Protocol.ROOM_STATE_PATCH]), timing.sNow, this.inputAck(client.sessionId)));
    } else {
      this.send(client, framed(frame, this.inputAck(client.sessionId), timing));
      this.sent = true;
    }
    this.afterFrame(client);
    const totals = interestTotals;
    totals.viewEncodeMs += viewMs;
    totals.sendMs += performance.now() - c0 - viewMs;
  }

  /** Every client served: the patch's changes are spent. */
  private finishPatch(): void {
    this.encoder.discardChanges();
    this.interest.afterPatch();
    this.timing = undefined;
  }

  private send(client: Client, frame: Uint8Array): void {
    interestTotals.frames++;
    interestTotals.frameBytes += frame.length;
    client.raw(frame);
  }
}
