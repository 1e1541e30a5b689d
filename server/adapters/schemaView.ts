import { $changes, $refId, type ChangeTree, type Root, type StateView } from '@colyseus/schema';

/**
 * The one place interest management (server/interest/) reaches into @colyseus/schema's change
 * tracking and views (schema is pinned to an exact version for it; test/server/adapters/schemaView.test.ts
 * fails when an upgrade moves what these rely on):
 *
 * - `ref[$refId]`, `ref[$changes]` (its ChangeTree: `parentIndex`, `forEachLive`, `root`,
 *   `pause()` and `resume()`);
 * - `StateView._bindRoot(root)` (private) and `addParentOf(tree, tag)` (protected): a view binds to
 *   the state's Root on its first `add()`, which this server never calls (it queues view entries itself).
 */

/** The reference id schema gave an instance (what patches switch to). */
export function refIdOf(ref: object): number {
  return (ref as { [$refId]?: number })[$refId]!;
}

/** An instance's change tree (what views mark visible). */
export function changeTreeOf(ref: object): ChangeTree {
  return (ref as { [$changes]?: ChangeTree })[$changes]!;
}

/**
 * Stop recording `ref`'s field writes as changes (values are still stored, read and encoded when
 * asked for) until `trackWrites`: for fields whose every patch entry is written by hand.
 */
export function untrackWrites(ref: object): void {
  changeTreeOf(ref).pause();
}

/** Record `ref`'s field writes again. */
export function trackWrites(ref: object): void {
  changeTreeOf(ref).resume();
}

/** A collection element's slot in its collection (what the collection's add and delete operations carry). */
export function indexInParentOf(ref: object): number {
  return changeTreeOf(ref).parentIndex!;
}

/** Bit mask of the field indexes that hold a value on `ref`. */
export function liveFieldMask(ref: object): number {
  let live = 0;
  changeTreeOf(ref).forEachLive((index: number) => { live |= 1 << index; });
  return live;
}

/** The Root the state is bound to (reference ids are handed out by it). */
export function rootOf(state: object): Root | undefined {
  return (state as { [$changes]?: { root?: Root } })[$changes]?.root;
}

/**
 * Bind a fresh view to the state's Root (visibility bits are per view id, which the binding hands
 * out) and show it `collection` (a filtered child of the state) with nothing in it yet.
 */
export function bindView(view: StateView, state: object, collection: object): void {
  const internals = view as unknown as { _bindRoot(root: unknown): void; addParentOf(tree: unknown, tag: number): void };
  internals._bindRoot(rootOf(state));
  const tree = changeTreeOf(collection);
  internals.addParentOf(tree, -1);
  view.markVisible(tree);
}
