/**
 * The one place this project reads private members of `ws` WebSockets (ws is pinned to an exact
 * version for it; test/server/adapters/wsSocket.test.ts fails when an upgrade moves them):
 *
 * - `_socket`: the TCP socket under a WebSocket (to cork a patch cycle's writes into one `writev`);
 * - `_closeFrameReceived`: the peer sent a close frame first (so a close is the peer's, not ours).
 */

export interface Corkable { cork(): void; uncork(): void }

/** The TCP socket under a WebSocket, if it has one that can be corked. */
export function tcpSocketOf(ws: unknown): Corkable | undefined {
  const socket = (ws as { _socket?: Partial<Corkable> } | undefined)?._socket;
  return typeof socket?.cork === 'function' && typeof socket.uncork === 'function' ? (socket as Corkable) : undefined;
}

/** The peer's close frame has arrived on `ws`. */
export function closeFrameReceived(ws: unknown): boolean {
  return (ws as { _closeFrameReceived?: boolean })._closeFrameReceived === true;
}

/**
 * Sockets held corked until `uncorkAll`, so what is written to each meanwhile leaves in one
 * `writev` (syscalls, not bytes, are what a patch cycle of many small frames costs). A list filled
 * up to its count and reused (emptying an array drops its storage).
 */
export class CorkedSockets {
  private readonly sockets: Array<Corkable | undefined> = [];
  private count = 0;

  /** Cork the TCP socket under the WebSocket `ws` (one without a socket is skipped). */
  cork(ws: unknown): void {
    const socket = tcpSocketOf(ws);
    if (socket === undefined) return;
    socket.cork();
    this.sockets[this.count++] = socket;
  }

  uncorkAll(): void {
    const sockets = this.sockets;
    for (let i = 0; i < this.count; i++) {
      sockets[i]!.uncork();
      sockets[i] = undefined;
    }
    this.count = 0;
  }
}
