import type { RoomListing } from '../../shared/messages.ts';

/** Public rooms with their player counts (`GET /api/rooms`): a plain fetch, no SDK needed. */
export async function fetchRooms(httpBase: string, signal?: AbortSignal): Promise<RoomListing[]> {
  const res = await fetch(`${httpBase}/api/rooms`, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`room list failed: HTTP ${res.status}`);
  const body = (await res.json()) as { rooms: RoomListing[] };
  return body.rooms;
}
