import { ClientState, Protocol, ProtocolModifier, SchemaSerializer, type Client } from '@colyseus/core';
import { $changes, Encoder, encode, type Iterator, type Root, type Schema, type StateView } from '@colyseus/schema';
import type { InterestManager } from './manager.ts';
import { interestTotals } from './stats.ts';

/** `PatchTimingContext` of @colyseus/core (not exported): server time for the TIMED prefix. */
interface PatchTiming { sNow: number }

/**
 * Schema's encoder, minus the per-client walk over every changed entity: in a view pass,
 * `encode()` would walk the room's whole change list once per client (cost clients ×
 * entities). The interest manager already queued into each view exactly the fields that
 * client gets, which `encodeView` drains; the walk has nothing left to add.
 */
export class InterestEncoder<T extends Schema = any> extends Encoder<T> {
  override encode(it: Iterator = { offset: 0 }, view?: StateView, buffer: Uint8Array = this.sharedBuffer, initialOffset = it.offset): Uint8Array {
    if (view !== undefined) return buffer.subarray(0, it.offset);
    return super.encode(it, view, buffer, initialOffset);
  }
}

const TIMED_PREFIX_BYTES = 8;

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

function processedInputSeq(client: Client): number {
  return (client as Client & { _inputBuffer?: { ackSeq: number } })._inputBuffer?.ackSeq ?? 0;
}

/**
 * The room's serializer with interest management: the shared part of a patch (roster, tick) is
 * encoded once for everyone; then each client gets its own view's bytes, which the interest
 * manager prepared in time proportional to what changed near that client. The wire format is
 * Colyseus' own, so the SDK decodes it unchanged.
 */
export class InterestSerializer<T extends Schema> extends SchemaSerializer<T> {
  constructor(private readonly interest: InterestManager) {
    super();
  }

  override reset(newState: T): void {
    // Keep the Root the room's default serializer already bound the state to: reference ids
    // are handed out by it, and a second Root would hand the same ones out again.
    this.encoder = new InterestEncoder(newState, (newState as unknown as { [$changes]?: { root?: Root } })[$changes]?.root);
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
    return timing ? timedFrame(body, timing.sNow, processedInputSeq(client)) : body;
  }

  override applyPatches(clients: Client[], _state?: unknown, timing?: PatchTiming): boolean {
    const encoder = this.encoder;
    if (clients.length === 0) {
      if (encoder.hasChanges) this.needFullEncode = true;
      encoder.discardChanges();
      this.interest.idle();
      return false;
    }
    this.interest.beforePatch();
    const totals = interestTotals;

    const t0 = performance.now();
    const shared = encoder.hasChanges;
    if (shared) this.needFullEncode = true;
    const it: Iterator = { offset: 1 };
    encoder.sharedBuffer[0] = Protocol.ROOM_STATE_PATCH;
    if (shared) encoder.encode(it);
    const sharedOffset = it.offset;
    // Copied: a view encode may grow (replace) the shared buffer.
    const sharedBody = encoder.sharedBuffer.slice(0, sharedOffset);
    const t1 = performance.now();
    totals.sharedEncodeMs += t1 - t0;

    let viewMs = 0;
    let sent = false;
    for (let i = 0; i < clients.length; i++) {
      const client = clients[i]!;
      if (client.state !== ClientState.JOINED) continue;
      const viewer = this.interest.viewers.get(client.sessionId);
      let body: Uint8Array | undefined;
      if (viewer !== undefined && viewer.active && viewer.view.changes.size > 0) {
        const v0 = performance.now();
        body = encoder.encodeView(viewer.view, sharedOffset, { offset: sharedOffset });
        viewMs += performance.now() - v0;
      } else if (shared) {
        body = sharedBody;
      }
      if (body === undefined) {
        // Nothing for this client: Colyseus' heartbeat keeps its clock and input ack fresh.
        if (timing) this.send(client, Buffer.from([Protocol.ROOM_STATE_PATCH]), timing);
        continue;
      }
      this.send(client, body, timing);
      sent = true;
    }
    encoder.discardChanges();
    const t2 = performance.now();
    totals.viewEncodeMs += viewMs;
    totals.sendMs += t2 - t1 - viewMs;
    return sent;
  }

  private send(client: Client, body: Uint8Array, timing: PatchTiming | undefined): void {
    const frame = timing ? timedFrame(body, timing.sNow, processedInputSeq(client)) : Buffer.from(body);
    interestTotals.frames++;
    interestTotals.frameBytes += frame.length;
    client.raw(frame);
  }
}
