import type { Client } from '@colyseus/core';
import { tcpSocketOf, type Corkable } from '../adapters/wsSocket.ts';

/**
 * Run `send` with every client's socket corked, so what it writes to one client (its patch, then
 * any report or event riding the same cycle) leaves in one `writev` instead of one per frame:
 * syscalls, not bytes, are what a patch cycle of many small frames costs.
 */
export function batchWrites<T>(clients: Iterable<Client>, send: () => T): T {
  const corked: Corkable[] = [];
  for (const client of clients) {
    const socket = tcpSocketOf(client.ref);
    if (socket === undefined) continue;
    socket.cork();
    corked.push(socket);
  }
  try {
    return send();
  } finally {
    for (let i = 0; i < corked.length; i++) corked[i]!.uncork();
  }
}
