import type { Room } from '@colyseus/sdk';
import { GuestAuth } from '../../game-client/net/guestAuth.ts';
import { NetClient, type NetClientOptions } from '../../game-client/net/netClient.ts';
import type { ArenaStateView } from '../../game-client/net/stateTypes.ts';
import { waitFor } from './wait.ts';

export type ArenaRoom = Room<any, ArenaStateView>;

/** The game client's SDK client with a guest token the way the game gets one; `net.netsim` runs it through the network simulator. */
export function sdkClient(endpoint: string, as: GuestAuth = new GuestAuth(endpoint), net: NetClientOptions = {}): NetClient {
  return new NetClient(endpoint, net, { fetchFn: as.fetch });
}

/**
 * Wait for a joined room's first state. Messages no specific handler takes go to `unhandled`
 * (ignored by default, so the SDK does not warn about each one).
 */
export async function firstState(room: ArenaRoom, unhandled: (type: string | number, message: unknown) => void = () => undefined): Promise<ArenaRoom> {
  room.onMessage('*', unhandled);
  await waitFor('first state', () => room.state?.players !== undefined);
  return room;
}

/** Join a room by its id or code through the real matchmaker and wait for the first state. */
export async function joinRoomById(endpoint: string, code: string, options: Record<string, unknown>, net?: NetClientOptions): Promise<ArenaRoom> {
  return firstState(await sdkClient(endpoint, undefined, net).joinById<ArenaStateView>(code, options));
}
