import type { Room } from '@colyseus/sdk';
import { ARENA_ROOM } from '../../shared/constants.ts';
import { NetClient, type NetClientOptions } from '../../game-client/net/netClient.ts';
import type { ArenaStateView } from '../../game-client/net/stateTypes.ts';
import { waitFor } from './wait.ts';

export type ArenaRoom = Room<any, ArenaStateView>;

/** Join (or create) the public arena through the real matchmaker and wait for the first state. */
/** `net.netsim` runs the connection through the network condition simulator. */
export async function joinArena(endpoint: string, options: Record<string, unknown> = { name: 'tester' }, net: NetClientOptions = {}): Promise<ArenaRoom> {
  const room = await new NetClient(endpoint, net).joinOrCreate<ArenaStateView>(ARENA_ROOM, options);
  return waitForState(room);
}

export async function createArena(endpoint: string, options: Record<string, unknown>, net: NetClientOptions = {}): Promise<ArenaRoom> {
  return waitForState(await new NetClient(endpoint, net).create<ArenaStateView>(ARENA_ROOM, options));
}

export async function joinArenaById(endpoint: string, code: string, options: Record<string, unknown>, net: NetClientOptions = {}): Promise<ArenaRoom> {
  return waitForState(await new NetClient(endpoint, net).joinById<ArenaStateView>(code, options));
}

async function waitForState(room: ArenaRoom): Promise<ArenaRoom> {
  // Tests subscribe to the messages they check; the rest are expected and ignored.
  room.onMessage('*', () => undefined);
  await waitFor('first state', () => room.state?.players !== undefined);
  return room;
}

/** Resolves with the close code when the room connection ends. */
export function closed(room: ArenaRoom): Promise<number> {
  return new Promise((resolve) => room.onLeave((code: number) => resolve(code)));
}

/** Leave every room that is still open; ignores the ones already gone. */
export async function leaveAll(rooms: Array<ArenaRoom | undefined>): Promise<void> {
  await Promise.all(rooms.map((r) => r?.connection?.isOpen ? r.leave(true).catch(() => undefined) : undefined));
}
