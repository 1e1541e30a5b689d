import type { WebSocketTransport } from '@colyseus/ws-transport';
import type { WebSocketServer } from 'ws';

/**
 * The one place this project reads the `ws` server inside Colyseus' WebSocket transport (its
 * protected `wss`; @colyseus/ws-transport is pinned to an exact version for it, and
 * test/server/adapters/colyseusTransport.test.ts fails when an upgrade moves it). Listening to it
 * is read-only; the guarded transport (server/security/transport.ts) is a subclass and uses it directly.
 */
export function wsServerOf(transport: WebSocketTransport): WebSocketServer {
  const wss = (transport as unknown as { wss?: WebSocketServer }).wss;
  if (wss === undefined) throw new Error('WebSocketTransport has no ws server to observe (Colyseus changed? server/adapters/colyseusTransport.ts)');
  return wss;
}
