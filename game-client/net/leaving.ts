import type { Room } from '@colyseus/sdk';
import type { ConnectionKeeper } from './reconnect.ts';

/** Colyseus' close code for a leave the client chose (CloseCode.CONSENTED). */
export const CONSENTED_LEAVE = 4000;

/** A session's connection as the leave paths read it. */
type Status = 'playing' | 'reconnecting' | 'closed';

/*
 * How every session (arena, replicated games) leaves its room: once, without a reconnection
 * trying to bring it back, and in a way the server honours at once.
 */

/**
 * The page is going away (closed, reloaded, navigated): leave now, synchronously, so the server
 * frees the seat at once instead of holding it for a reconnection that will never come. The leave
 * message goes out and the socket closes with the consented-leave code, which the server honours
 * even if the message is lost with the page.
 */
export function leaveAtOnce(room: Room<any, any>, keeper: ConnectionKeeper, status: Status): void {
  if (status === 'closed') return;
  keeper.abandon();
  try {
    // Mid-reconnection there is no open socket to say goodbye on (a connecting one throws).
    if (status === 'playing') void room.leave(true);
    room.connection?.close(CONSENTED_LEAVE, 'page closed');
  } catch {
    // The page is going away either way; the server's heartbeat and window clean up.
  }
}

/** Leave the room; `close` ends the session at once when there is no socket to say goodbye on. */
export async function leaveRoom(room: Room<any, any>, keeper: ConnectionKeeper, status: Status, close: (code: number) => void): Promise<void> {
  if (status === 'closed') return;
  keeper.abandon();
  if (status === 'reconnecting') {
    // The server frees the seat after its window.
    close(CONSENTED_LEAVE);
    return;
  }
  await room.leave(true);
}
