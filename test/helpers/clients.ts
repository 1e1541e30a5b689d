import { Client, type Room } from '@colyseus/sdk';
import { ARENA_ROOM } from '../../shared/constants.ts';
import type { ArenaStateView } from '../../game-client/net/stateTypes.ts';
import { sleep, waitFor } from './wait.ts';

export type ArenaRoom = Room<any, ArenaStateView>;

/** Join (or create) the public arena through the real matchmaker and wait for the first state. */
export async function joinArena(endpoint: string, options: Record<string, unknown> = { name: 'tester' }): Promise<ArenaRoom> {
  const room = await new Client(endpoint).joinOrCreate<ArenaStateView>(ARENA_ROOM, options);
  return waitForState(room);
}

export async function createArena(endpoint: string, options: Record<string, unknown>): Promise<ArenaRoom> {
  return waitForState(await new Client(endpoint).create<ArenaStateView>(ARENA_ROOM, options));
}

export async function joinArenaById(endpoint: string, code: string, options: Record<string, unknown>): Promise<ArenaRoom> {
  return waitForState(await new Client(endpoint).joinById<ArenaStateView>(code, options));
}

/** Rejoin a held seat through the matchmaker with a reconnection token (`room.reconnectionToken`). */
export async function reconnectArena(endpoint: string, reconnectionToken: string): Promise<ArenaRoom> {
  return waitForState(await new Client(endpoint).reconnect<ArenaStateView>(reconnectionToken));
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

/** How long a leave may wait for the server's answer (a cut network never answers). */
const LEAVE_TIMEOUT_MS = 2000;

/** Leave every room that is still open; ignores the ones already gone, gives up on silent ones. */
export async function leaveAll(rooms: Array<ArenaRoom | undefined>): Promise<void> {
  await Promise.all(rooms.map((r) => r?.connection?.isOpen
    ? Promise.race([r.leave(true).catch(() => undefined), sleep(LEAVE_TIMEOUT_MS)])
    : undefined));
}
