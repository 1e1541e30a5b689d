import { $getByIndex, $refId, encode, OPERATION, type ChangeTree, type Encoder, type Iterator, type StateView } from '@colyseus/schema';

/** Schema's marker for "switch to this ref" in a patch (its `SWITCH_TO_STRUCTURE`). */
const SWITCH_TO_STRUCTURE = 255;
/** Schema's view key for "every live element of this array" (its `ARRAY_SNAPSHOT`). */
const ARRAY_SNAPSHOT = -1;

type FieldEncoder = (encoder: Encoder, bytes: Uint8Array, tree: ChangeTree, index: number, op: OPERATION, it: Iterator, isEncodeAll: boolean, hasView: boolean, metadata: unknown) => void;
interface Descriptor { encoder: FieldEncoder; metadata: unknown }
interface Tree { encDescriptor: Descriptor; ref: any; refTarget: any; getChange(index: number): OPERATION | undefined }
/** A view key that is a collection child's change tree (schema binds collection elements by tree). */
interface ChildKey { indexInParent(parent: unknown): number | undefined; ref: { [$refId]: number } }

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
  drain(encoder: Encoder, view: StateView, sharedOffset: number, it: Iterator, bytes: Uint8Array): Buffer {
    const viewOffset = it.offset;
    this.encoder = encoder;
    this.view = view;
    this.bytes = bytes;
    this.it = it;
    this.trees = encoder.root.changeTrees as unknown as Record<number, Tree | undefined>;
    view.changes.forEach(drainRef, this);
    view.changes.clear();
    const src = this.asBuffer(this.bytes);
    const frame = Buffer.allocUnsafe(sharedOffset + it.offset - viewOffset);
    src.copy(frame, 0, 0, sharedOffset);
    src.copy(frame, sharedOffset, viewOffset, it.offset);
    this.bytes = undefined as never;
    this.view = undefined as never;
    return frame;
  }

  private source: Buffer | undefined;
  private sourceOf: Uint8Array | undefined;

  /** A `Buffer` over the encoder's buffer (made again only when the encoder grows it). */
  private asBuffer(bytes: Uint8Array): Buffer {
    if (this.sourceOf !== bytes || this.source === undefined) {
      this.sourceOf = bytes;
      this.source = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    return this.source;
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
    const bytes = (this.bytes = (this.encoder as unknown as { ensureCapacity(b: Uint8Array, o: number): Uint8Array }).ensureCapacity(this.bytes, this.it.offset));
    bytes[this.it.offset++] = SWITCH_TO_STRUCTURE;
    encode.number(bytes, tree.ref[$refId], this.it);
    this.tree = tree;
    this.fieldEncoder = tree.encDescriptor.encoder;
    this.metadata = tree.encDescriptor.metadata;
    changes.forEach(drainField, this);
  }

  /** One pending field of the current ref. */
  field(op: OPERATION, key: number | ChildKey): void {
    const tree = this.tree;
    let index: number;
    if (key === ARRAY_SNAPSHOT) {
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
