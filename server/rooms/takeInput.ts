/**
 * The oldest buffered input, consumed (`next()`), with the buffer's reference to it dropped.
 *
 * Colyseus' input buffer advances a cursor past consumed inputs and splices them off only once 32
 * have piled up (or the buffer runs empty). A client paced to keep one spare input rarely empties
 * it, so every consumed input (a schema instance with its change tree) stays referenced for about
 * a second at 30 Hz: long enough to survive two scavenges and be promoted, which turned short-lived
 * garbage into old-generation work (measured: GC threads at ~30% of the room's CPU). Dropping the
 * buffer's reference to the input just consumed lets it die young. The buffer reads only slots at or past
 * its cursor, so the hole is never seen; if a Colyseus upgrade renames these fields, this does
 * nothing.
 */
export function takeInput<T>(buffer: { next(): T | undefined }): T | undefined {
  const input = buffer.next();
  const b = buffer as { _items?: unknown; _head?: unknown };
  const items = b._items;
  const head = b._head;
  if (Array.isArray(items) && typeof head === 'number' && head > 0 && head <= items.length) items[head - 1] = undefined;
  return input;
}
