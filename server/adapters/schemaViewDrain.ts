import { $getByIndex, $refId, encode, Encoder, OPERATION, type ChangeTree, type Iterator, type Root, type Schema, type StateView } from '@colyseus/schema';

/*
 * The one place interest management's patches reach into @colyseus/schema's encoder (schema is
 * pinned to an exact version for it): its change trees' descriptors and field encoders, its
 * `ensureCapacity`, its private `_emitStreamPriority`, and two constants copied from it
 * (SWITCH_TO_STRUCTURE, ARRAY_SNAPSHOT). test/server/adapters/schemaViewDrain.test.ts fails when
 * an upgrade moves them; the interest tests decode every frame with schema's own decoder.
 */

/** Schema's marker for "switch to this ref" in a patch (its `SWITCH_TO_STRUCTURE`, not exported). */
export const SWITCH_TO_STRUCTURE_CODE = 255;
/** Schema's view key for "every live element of this array" (its `ARRAY_SNAPSHOT`, not exported). */
export const ARRAY_SNAPSHOT_KEY = -1;
/** Initial room for a patch's reusable segments (grown when a patch needs more). */
const SEGMENT_BUFFER_BYTES = 64 * 1024;
/**
 * Copy `src[start, end)` to `dst` at `at`. A loop: the pieces are tens of bytes, and
 * `Buffer#copy` or `set(subarray())` of part of a buffer make a view object per call (garbage per
 * ref per client per patch).
 */
function copyBytes(src: Uint8Array, start: number, end: number, dst: Uint8Array, at: number): void {
  if (end - start > COPY_LOOP_MAX_BYTES) {
    dst.set(src.subarray(start, end), at);
    return;
  }
  for (let i = start; i < end; i++) dst[at++] = src[i]!;
}
/** Longer pieces are copied natively (the view object is then a small price). */
const COPY_LOOP_MAX_BYTES = 64;

/**
 * The segment index (ref id → slot) is overwritten patch after patch rather than cleared (a
 * cleared `Map` gets a new table, and regrows it entry by entry, every patch); entries of refs
 * gone stale are dropped all at once when there are this many.
 */
const SLOT_INDEX_MAX_ENTRIES = 4096;

type FieldEncoder = (encoder: Encoder, bytes: Uint8Array, tree: ChangeTree, index: number, op: OPERATION, it: Iterator, isEncodeAll: boolean, hasView: boolean, metadata: unknown) => void;
interface Descriptor { encoder: FieldEncoder; metadata: unknown }
interface Tree { encDescriptor: Descriptor; ref: any; refTarget: any; getChange(index: number): OPERATION | undefined }
/**
 * What a view queues outside its change map (lists filled up to a count, reused every patch, so
 * queuing allocates nothing):
 * - operations on one collection's entries (`collectionOps`: the first `collectionOpCount` of
 *   `collectionIndexes` with the same place in `collectionOps`, all on the ref `collectionRefId`),
 *   written before anything else (the client must have an element before its fields arrive);
 * - refs with the fields of a (shared) entry map: the first `queuedCount` of each list
 *   (undefined entries: skipped), written after the view's change map.
 */
export interface QueuedRefs {
  readonly collectionRefId: number;
  readonly collectionIndexes: readonly number[];
  readonly collectionOps: readonly OPERATION[];
  readonly collectionOpCount: number;
  readonly queuedRefIds: readonly number[];
  readonly queuedEntries: ReadonlyArray<Map<number, number> | undefined>;
  readonly queuedCount: number;
}

/** A view key that is a collection child's change tree (schema binds collection elements by tree). */
export interface ChildKey { indexInParent(parent: unknown): number | undefined; ref: { [$refId]: number } }

/**
 * Writes a view's pending changes into a patch, as schema 5's `Encoder.encodeView` does, without
 * its garbage: that one iterates with `for…of` destructuring (an entry array per field), then
 * copies the result into a fresh `Uint8Array` per client per patch. At 20 patches a second per
 * client that was about 2.5 KB of garbage per client per patch, a large part of what kept V8's
 * collector busy (docs/BENCHMARKS.md). Here the walk goes through `Map.forEach` with the state
 * held on this object, and the frame is cut from Node's pooled `Buffer` allocator.
 *
 * Same wire bytes: the interest tests decode every frame with schema's own decoder and compare
 * with the server's state, patch by patch.
 */
export class ViewDrain {
  /**
   * Segments written this patch (`[switch][ref id][fields]`), kept for the views that queue the
   * same fields of the same ref: a body's update or a projectile is encoded once per patch and
   * copied into every other frame that carries it (the values cannot change within a patch).
   * Only shared entry maps (`cacheable`) qualify: their identity says which fields they carry.
   */
  private segments = Buffer.allocUnsafe(SEGMENT_BUFFER_BYTES);
  private segmentsEnd = 0;
  /** Ref id → its slot, valid only when that slot is this patch's and holds the ref (see SLOT_INDEX_MAX_ENTRIES). */
  private readonly slotOf = new Map<number, number>();
  private readonly slotRefId: number[] = [];
  private readonly slotChanges: Array<Map<number | ChildKey, OPERATION> | undefined> = [];
  private readonly slotStart: number[] = [];
  private readonly slotEnd: number[] = [];
  private slots = 0;

  constructor(private readonly cacheable: (changes: Map<number | ChildKey, OPERATION>) => boolean = () => false) {}

  /** A new patch: last patch's segments are stale. */
  beginPatch(): void {
    if (this.slotOf.size >= SLOT_INDEX_MAX_ENTRIES) this.slotOf.clear();
    for (let i = 0; i < this.slots; i++) this.slotChanges[i] = undefined;
    this.slots = 0;
    this.segmentsEnd = 0;
  }

  private encoder!: Encoder;
  private view!: StateView;
  private bytes!: Uint8Array;
  private it!: Iterator;
  private trees!: Record<number, Tree | undefined>;
  private tree!: Tree;
  private fieldEncoder!: FieldEncoder;
  private metadata: unknown;

  /**
   * The patch for `view`: `bytes[0, sharedOffset)` (the part every client gets) followed by the
   * view's changes, written at `it.offset` of `bytes` (grown through the encoder when needed, as
   * schema does) and then copied out.
   */
  drain(encoder: Encoder, view: StateView, sharedOffset: number, it: Iterator, bytes: Uint8Array, queue?: QueuedRefs): Buffer {
    const viewOffset = it.offset;
    this.encoder = encoder;
    this.view = view;
    this.bytes = bytes;
    this.it = it;
    this.trees = encoder.root.changeTrees as unknown as Record<number, Tree | undefined>;
    if (queue !== undefined && queue.collectionOpCount > 0) this.collectionOps(queue);
    view.changes.forEach(drainRef, this);
    // A new Map, not clear(): V8 gives a cleared (or regrown) Map its new table in the generation of
    // the old one, so clearing a long-lived view's map every patch put a table in the old generation
    // per client and patch, garbage only a full collection frees (the tail of the 200-player room's
    // patches). A Map made now is young garbage by the next patch.
    if (view.changes.size > 0) view.changes = new Map();
    // Then the refs queued outside the view's map (body updates, after projectiles and leaves).
    if (queue !== undefined) {
      for (let i = 0; i < queue.queuedCount; i++) {
        const entries = queue.queuedEntries[i];
        if (entries !== undefined) this.ref(entries as Map<number | ChildKey, OPERATION>, queue.queuedRefIds[i]!);
      }
    }
    const src = this.bytes;
    const frame = Buffer.allocUnsafe(sharedOffset + it.offset - viewOffset);
    copyBytes(src, 0, sharedOffset, frame, 0);
    copyBytes(src, viewOffset, it.offset, frame, sharedOffset);
    this.bytes = undefined as never;
    this.view = undefined as never;
    return frame;
  }

  /** One ref's pending fields (called by `Map.forEach` with this drain as `this`). */
  ref(changes: Map<number | ChildKey, OPERATION>, refId: number): void {
    const tree = this.trees[refId];
    if (tree === undefined) {
      // Detached since it was queued: nothing to write, and it must not linger in the view.
      this.view.changes.delete(refId);
      return;
    }
    if (changes.size === 0) return;
    // Each ref's fields fit in the encoder's spare room; grow before, never during.
    const bytes = this.ensureRoom();
    const cacheable = this.cacheable(changes);
    if (cacheable) {
      const slot = this.slotOf.get(refId);
      if (slot !== undefined && slot < this.slots && this.slotRefId[slot] === refId && this.slotChanges[slot] === changes) {
        const start = this.slotStart[slot]!;
        const end = this.slotEnd[slot]!;
        copyBytes(this.segments, start, end, bytes, this.it.offset);
        this.it.offset += end - start;
        return;
      }
    }
    const start = this.it.offset;
    bytes[this.it.offset++] = SWITCH_TO_STRUCTURE_CODE;
    encode.number(bytes, tree.ref[$refId], this.it);
    this.tree = tree;
    this.fieldEncoder = tree.encDescriptor.encoder;
    this.metadata = tree.encDescriptor.metadata;
    changes.forEach(drainField, this);
    if (cacheable) this.keep(refId, changes, this.bytes, start, this.it.offset);
  }

  /** Remember `bytes[start, end)` as this patch's encoding of `changes` on `refId`. */
  private keep(refId: number, changes: Map<number | ChildKey, OPERATION>, bytes: Uint8Array, start: number, end: number): void {
    const length = end - start;
    if (this.segmentsEnd + length > this.segments.length) {
      const grown = Buffer.allocUnsafe(Math.max(this.segments.length * 2, this.segmentsEnd + length));
      this.segments.copy(grown, 0, 0, this.segmentsEnd);
      this.segments = grown;
    }
    copyBytes(bytes, start, end, this.segments, this.segmentsEnd);
    const slot = this.slots++;
    this.slotOf.set(refId, slot);
    this.slotRefId[slot] = refId;
    this.slotChanges[slot] = changes;
    this.slotStart[slot] = this.segmentsEnd;
    this.slotEnd[slot] = this.segmentsEnd + length;
    this.segmentsEnd += length;
  }

  /** Room for the next ref's or entry's bytes in the encoder's spare space, grown through the encoder as schema does. */
  private ensureRoom(): Uint8Array {
    return (this.bytes = (this.encoder as unknown as { ensureCapacity(b: Uint8Array, o: number): Uint8Array }).ensureCapacity(this.bytes, this.it.offset));
  }

  /** The queued operations on the collection's entries, as its change map would hold them. */
  private collectionOps(queue: QueuedRefs): void {
    const refId = queue.collectionRefId;
    const tree = this.trees[refId];
    if (tree === undefined) return;
    this.ensureRoom();
    this.bytes[this.it.offset++] = SWITCH_TO_STRUCTURE_CODE;
    encode.number(this.bytes, tree.ref[$refId], this.it);
    this.tree = tree;
    this.fieldEncoder = tree.encDescriptor.encoder;
    this.metadata = tree.encDescriptor.metadata;
    for (let i = 0; i < queue.collectionOpCount; i++) {
      // Room for one more entry: each is an operation, an index, at most a key and a ref id.
      this.ensureRoom();
      this.field(queue.collectionOps[i]!, queue.collectionIndexes[i]!);
    }
  }

  /** One pending field of the current ref. */
  field(op: OPERATION, key: number | ChildKey): void {
    const tree = this.tree;
    let index: number;
    if (key === ARRAY_SNAPSHOT_KEY) {
      const target = tree.refTarget as { tmpItems: unknown[]; deletedIndexes: Record<number, boolean> };
      for (let slot = 0; slot < target.tmpItems.length; slot++) {
        if (target.tmpItems[slot] === undefined || target.deletedIndexes[slot] === true) continue;
        this.fieldEncoder(this.encoder, this.bytes, tree as never, slot, OPERATION.ADD, this.it, false, true, this.metadata);
      }
      return;
    }
    if (typeof key === 'number') {
      index = key;
    } else {
      // A collection element bound by its tree: its slot now (it may have moved since).
      const resolved = key.indexInParent(tree.ref);
      if (resolved === undefined) return;
      index = resolved;
      // Added to the view and removed from the state in the same patch: the client never met it.
      if (op === OPERATION.ADD && tree.getChange(index) === OPERATION.DELETE) {
        this.view.changes.delete(key.ref[$refId]);
        return;
      }
    }
    const value = tree.refTarget[$getByIndex](index);
    this.fieldEncoder(this.encoder, this.bytes, tree as never, index, value !== undefined && op ? op : OPERATION.DELETE, this.it, false, true, this.metadata);
  }
}

function drainRef(this: ViewDrain, changes: Map<number | ChildKey, OPERATION>, refId: number): void {
  this.ref(changes, refId);
}

function drainField(this: ViewDrain, op: OPERATION, key: number | ChildKey): void {
  this.field(op, key);
}

/**
 * Schema's encoder, minus the per-client walk over every changed entity: in a view pass,
 * `encode()` would walk the room's whole change list once per client (cost clients ×
 * entities). The interest manager already queued into each view exactly the fields that
 * client gets, which `encodeView` drains; the walk has nothing left to add.
 */
export class InterestEncoder<T extends Schema = any> extends Encoder<T> {
  private readonly drainer: ViewDrain;

  /** `cacheable`: entry maps whose identity says which fields they carry (see ViewDrain). */
  constructor(state: T, root: Root | undefined, cacheable: (changes: Map<number | ChildKey, OPERATION>) => boolean) {
    super(state, root);
    this.drainer = new ViewDrain(cacheable);
  }

  /** A new patch begins: segments encoded for the last one are stale. */
  beginPatch(): void {
    this.drainer.beginPatch();
  }

  override encode(it: Iterator = { offset: 0 }, view?: StateView, buffer: Uint8Array = this.sharedBuffer, initialOffset = it.offset): Uint8Array {
    if (view !== undefined) return buffer.subarray(0, it.offset);
    return super.encode(it, view, buffer, initialOffset);
  }

  /** The view's queued changes after the shared part, in a pooled `Buffer` (see ViewDrain). */
  override encodeView(view: StateView, sharedOffset: number, it: Iterator, bytes: Uint8Array = this.sharedBuffer): Uint8Array {
    return this.encodeViewWith(view, undefined, sharedOffset, it, bytes);
  }

  /** `encodeView`, then the refs `queue` holds outside the view's change map. */
  encodeViewWith(view: StateView, queue: QueuedRefs | undefined, sharedOffset: number, it: Iterator, bytes: Uint8Array = this.sharedBuffer): Uint8Array {
    (this as unknown as { _emitStreamPriority(view: StateView): void })._emitStreamPriority(view);
    return this.drainer.drain(this, view, sharedOffset, it, bytes, queue);
  }
}
