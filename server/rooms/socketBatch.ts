import type { Client } from '@colyseus/core';
import { CorkedSockets } from '../adapters/wsSocket.ts';

/**
 * Run `send` with every client's socket corked, so what it writes to one client (its patch, then
 * any report or event riding the same cycle) leaves in one `writev` instead of one per frame:
 * syscalls, not bytes, are what a patch cycle of many small frames costs.
 */
export function batchWrites<T>(clients: Iterable<Client>, send: () => T): T {
  const corked = new CorkedSockets();
  for (const client of clients) corked.cork(client.ref);
  try {
    return send();
  } finally {
    corked.uncorkAll();
  }
}
