import { ClientState } from '@colyseus/core';
import { WebSocketClient } from '@colyseus/ws-transport';

/**
 * The one place this project changes how Colyseus' WebSocket client objects hold a private member
 * (@colyseus/core and @colyseus/ws-transport are pinned to exact versions;
 * test/server/adapters/colyseusClient.test.ts fails when an upgrade breaks what this relies on):
 *
 * - `_enqueuedMessages`: messages sent to a client before its join completes. `WebSocketClient`'s
 *   constructor sets it; `Room._onMessage` flushes it when the client's JOIN_ROOM arrives (the
 *   client's state is then JOINED) and `delete`s it; `allowReconnection` reads "not joined" from
 *   its presence; `enqueueClientRaw` pushes to it while the client is not joined.
 *
 * Why: V8 deletes only the last property added to an object in place; deleting any other one turns
 * the object into a dictionary ("slow mode"), and it stays one. Every joined client was one, so each
 * of its property reads and writes (`state`, `sessionId`, `ref` in every patch; the four writes of
 * Colyseus' message-rate counter on every input) was a hash-table lookup through V8's generic inline
 * cache (docs/UPSTREAM.md). Here the member is an accessor on the prototype over a symbol-keyed
 * field the constructor's assignment creates, so there is no own property to delete and the client
 * keeps its shape; the queue reads as gone once the join's handler is done, as after the delete.
 */

const QUEUE = Symbol('colyseus enqueued messages');

interface QueueHolder { state: number; [QUEUE]?: unknown[] }

/** Install once per process (idempotent); clients made before it keep Colyseus' own behaviour. */
export function keepJoinedClientsFast(): void {
  const proto = WebSocketClient.prototype as unknown as object;
  if (Object.getOwnPropertyDescriptor(proto, '_enqueuedMessages') !== undefined) return;
  Object.defineProperty(proto, '_enqueuedMessages', {
    configurable: true,
    enumerable: false,
    get(this: QueueHolder): unknown[] | undefined {
      const queue = this[QUEUE];
      // Read in the JOINED state only by the join's flush (then deleted, a no-op here): the queue
      // is dropped as soon as that handler has run, so everything after sees it gone.
      if (queue !== undefined && this.state === ClientState.JOINED) queueMicrotask(() => { this[QUEUE] = undefined; });
      return queue;
    },
    set(this: QueueHolder, queue: unknown[] | undefined) {
      this[QUEUE] = queue;
    },
  });
}
