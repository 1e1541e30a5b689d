import type { Room } from '@colyseus/core';

/**
 * The one place this project reaches into a Colyseus room's private members (@colyseus/core is
 * pinned to an exact version for it; test/server/adapters/colyseusRoom.test.ts fails when an
 * upgrade moves them):
 *
 * - `_reservedSeats`: the reservation table, `{ [sessionId]: [options, auth, consumed, reconnection] }`;
 * - `_reserveSeat(sessionId, options, auth, seconds, allowReconnection, …)`: the one call every
 *   seat reservation makes (locally or through presence), with no public hook before it;
 * - `_serializer.encoder`: the schema encoder the room's patches go through;
 * - `_simulationInterval`: the timer `setFixedTimestep` starts (stopped by `takeOverFixedTimestep`).
 */

export interface ReservedSeat {
  auth: unknown;
  /** Its WebSocket has connected. */
  consumed: boolean;
  /** Held for a dropped player's reconnection. */
  reconnection: boolean;
}

type ReservedSeats = Record<string, [unknown, unknown, boolean?, boolean?]>;
type ReserveSeat = (sessionId: string, joinOptions: unknown, authData: unknown, seconds?: number, allowReconnection?: boolean, ...rest: unknown[]) => Promise<boolean>;

/** Every seat currently reserved in `room`. */
export function reservedSeatsOf(room: Room): ReservedSeat[] {
  const table = (room as unknown as { _reservedSeats?: ReservedSeats })._reservedSeats;
  if (table === undefined) throw new Error('Colyseus room internals changed: room._reservedSeats is missing (server/adapters/colyseusRoom.ts)');
  return Object.values(table).map(([, auth, consumed, reconnection]) => ({ auth, consumed: consumed === true, reconnection: reconnection === true }));
}

/**
 * From now on a seat reservation in `room` is made only when `allow(authData, allowReconnection)`
 * says so; a refused one fails as Colyseus fails a full room.
 */
export function gateSeatReservations(room: Room, allow: (authData: unknown, allowReconnection: boolean) => boolean): void {
  const self = room as unknown as { _reserveSeat?: ReserveSeat };
  if (typeof self._reserveSeat !== 'function') throw new Error('Colyseus room internals changed: room._reserveSeat is missing (server/adapters/colyseusRoom.ts)');
  const reserve = self._reserveSeat.bind(room);
  self._reserveSeat = async (sessionId, joinOptions, authData, seconds, allowReconnection, ...rest) => {
    if (!allow(authData, allowReconnection === true)) return false;
    return reserve(sessionId, joinOptions, authData, seconds, allowReconnection, ...rest);
  };
}

/** The schema encoder of `room`'s serializer, if it has one where this version keeps it. */
export function roomEncoderOf(room: object): object | undefined {
  return (room as { _serializer?: { encoder?: object } })._serializer?.encoder;
}

/**
 * Most fixed steps `setFixedTimestep` runs in one wake-up after the event loop was held up; the
 * rest of the backlog is dropped (its `MAX_CATCHUP_STEPS`, not exported), so a stall longer than
 * this many steps costs the room that many ticks for good rather than a burst of catch-up.
 */
export const FIXED_TIMESTEP_MAX_CATCHUP_STEPS = 5;

/**
 * The room declares a fixed timestep of `tickHz` (the join handshake tells clients its tick rate) but
 * steps itself (server/netcode/patchCadence.ts): Colyseus' step timer is stopped, and its handle is
 * left in place, so Colyseus still sees a simulation running (its patch does not tick the room's
 * clock on its own, and a patch rate set later starts no clock timer) and clears it again on dispose.
 * The room then ticks `room.clock` itself.
 */
export function takeOverFixedTimestep(room: Room, tickHz: number): void {
  room.setFixedTimestep(() => {}, tickHz);
  const self = room as unknown as { _simulationInterval?: ReturnType<typeof setInterval> };
  if (self._simulationInterval === undefined) throw new Error('Colyseus room internals changed: room._simulationInterval is missing (server/adapters/colyseusRoom.ts)');
  clearInterval(self._simulationInterval);
}
