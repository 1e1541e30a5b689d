import { ClientState, type Room } from '@colyseus/core';
import { gateSeatReservations, reservedSeatsOf } from '../adapters/colyseusRoom.ts';
import type { AddressList } from '../security/clientAddress.ts';
import { recordRejection } from '../security/rejections.ts';

/** What onAuth returns carries the client address the edge resolved (AuthContext.ip). */
interface WithAddress { address?: string }


/**
 * Seats `address` holds in `room` without playing yet: fresh reservations nobody has connected to,
 * and connections whose join is not acknowledged. Held seats of dropped players do not count.
 */
export function pendingSeatsOf(room: Room, address: string): number {
  let pending = 0;
  for (const seat of reservedSeatsOf(room)) {
    if (!seat.consumed && !seat.reconnection && (seat.auth as WithAddress | undefined)?.address === address) pending++;
  }
  for (const client of room.clients) {
    if (client.state === ClientState.JOINING && (client.auth as WithAddress | undefined)?.address === address) pending++;
  }
  return pending;
}

/**
 * Refuse a new seat reservation in `room` when the requesting address already holds `max` seats
 * it is not playing in. Every reservation (a player's or a spectator's) takes one of the room's
 * seats for the reservation time, so without this a few addresses re-reserving could keep a room
 * full for everyone. Reconnections and the operator's load generators (`exempt`) are never
 * refused here. Colyseus answers a refused reservation as a full room (409 `room_full`).
 *
 * Gates the one call every reservation makes (locally or through presence from another process),
 * since Colyseus offers no public hook before a seat is taken (server/adapters/colyseusRoom.ts).
 */
export function limitPendingSeats(room: Room, max: number, exempt?: AddressList): void {
  gateSeatReservations(room, (authData, allowReconnection) => {
    const address = (authData as WithAddress | undefined)?.address;
    if (allowReconnection || address === undefined || exempt?.has(address) || pendingSeatsOf(room, address) < max) return true;
    recordRejection('http', 'too_many_pending_seats', { ip: address, roomId: room.roomId });
    return false;
  });
}
