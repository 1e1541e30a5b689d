import WebSocket from 'ws';
import { ARENA_ROOM, TICK_HZ } from '../../shared/limits.ts';
import { radiansToAim } from '../../shared/math.ts';
import { GuestAuth } from '../../game-client/net/guestAuth.ts';
import type { NetClient, NetClientOptions } from '../../game-client/net/netClient.ts';
import type { ArenaStateView } from '../../game-client/net/stateTypes.ts';
import { firstState, sdkClient, type ArenaRoom } from '../../tools/harness/joins.ts';
import { sleep, waitFor } from './wait.ts';

export type { ArenaRoom };

/**
 * Every way a test joins a room goes through here, with a guest token the way the game client
 * gets one (game-client/net/guestAuth.ts): a fresh guest per call unless `as` names one.
 */
export function newGuest(endpoint: string): GuestAuth {
  return new GuestAuth(endpoint);
}

/** The game client's SDK client; `net.netsim` runs the connection through the network simulator. */
function sdk(endpoint: string, as: GuestAuth = newGuest(endpoint), net: NetClientOptions = {}): NetClient {
  return sdkClient(endpoint, as, net);
}

/** Join (or create) the public arena through the real matchmaker and wait for the first state. */
export async function joinArena(endpoint: string, options: Record<string, unknown> = { name: 'tester' }, as?: GuestAuth, net?: NetClientOptions): Promise<ArenaRoom> {
  const room = await sdk(endpoint, as, net).joinOrCreate<ArenaStateView>(ARENA_ROOM, options);
  return waitForState(room);
}

export async function createArena(endpoint: string, options: Record<string, unknown>, as?: GuestAuth, net?: NetClientOptions): Promise<ArenaRoom> {
  return waitForState(await sdk(endpoint, as, net).create<ArenaStateView>(ARENA_ROOM, options));
}

export async function joinArenaById(endpoint: string, code: string, options: Record<string, unknown>, as?: GuestAuth, net?: NetClientOptions): Promise<ArenaRoom> {
  return waitForState(await sdk(endpoint, as, net).joinById<ArenaStateView>(code, options));
}

/** Create a room of any type (`arena`, `battle`) through the real matchmaker and wait for the first state. */
export async function createRoomOf(endpoint: string, roomName: string, options: Record<string, unknown>, as?: GuestAuth): Promise<ArenaRoom> {
  return waitForState(await sdk(endpoint, as).create<ArenaStateView>(roomName, options));
}

/** Quick play into a room type (`arena`, `battle`) and wait for the first state. */
export async function joinOrCreateRoomOf(endpoint: string, roomName: string, options: Record<string, unknown>, as?: GuestAuth): Promise<ArenaRoom> {
  return waitForState(await sdk(endpoint, as).joinOrCreate<ArenaStateView>(roomName, options));
}

/** Take a dropped seat back with the room's reconnection token (`room.reconnectionToken`). */
export async function reconnectArena(endpoint: string, reconnectionToken: string, as?: GuestAuth): Promise<ArenaRoom> {
  return waitForState(await sdk(endpoint, as).reconnect<ArenaStateView>(reconnectionToken));
}

const MAX_RECORDED_MESSAGES = 1000;
const recorded = new WeakMap<ArenaRoom, Array<{ type: string | number; message: unknown }>>();

/**
 * Messages the room got that no specific handler took, from the moment it joined (so a test can
 * check what arrived with the join, such as the chat history).
 */
export function unhandledMessages(room: ArenaRoom): Array<{ type: string | number; message: unknown }> {
  return recorded.get(room) ?? [];
}

async function waitForState(room: ArenaRoom): Promise<ArenaRoom> {
  // Tests subscribe to the messages they check; the rest are recorded and otherwise ignored.
  const log: Array<{ type: string | number; message: unknown }> = [];
  recorded.set(room, log);
  return firstState(room, (type, message) => {
    if (log.length < MAX_RECORDED_MESSAGES) log.push({ type, message });
  });
}

/** Resolves with the close code when the room connection ends. */
export function closed(room: ArenaRoom): Promise<number> {
  return new Promise((resolve) => room.onLeave((code: number) => resolve(code)));
}

/**
 * The rooms a test file opens, left at its end: `track(joinArena(...))` resolves to the room and
 * remembers it; `leaveAll()` leaves every one still open.
 */
export function openRooms(): { track(room: Promise<ArenaRoom>): Promise<ArenaRoom>; leaveAll(): Promise<void> } {
  const rooms: ArenaRoom[] = [];
  return {
    async track(room) {
      const r = await room;
      rooms.push(r);
      return r;
    },
    leaveAll: () => leaveAll(rooms.splice(0)),
  };
}

/** How long a leave may wait for the server's answer (a cut network never answers). */
const LEAVE_TIMEOUT_MS = 2000;

/** Leave every room that is still open; ignores the ones already gone, gives up on silent ones. */
export async function leaveAll(rooms: Array<ArenaRoom | undefined>): Promise<void> {
  await Promise.all(rooms.map((r) => r?.connection?.isOpen
    ? Promise.race([r.leave(true).catch(() => undefined), sleep(LEAVE_TIMEOUT_MS)])
    : undefined));
}

// --- Raw connections, for tests that must misbehave below the SDK -------------------------------

export interface SeatReservation {
  name: string;
  sessionId: string;
  roomId: string;
  processId: string;
}

/**
 * A matchmaking request as the SDK makes it (guest token in the Authorization header), returning
 * the seat reservation instead of connecting. `method`: joinOrCreate, create, join, joinById.
 */
export async function reserveSeat(endpoint: string, method: string, roomNameOrId: string, options: Record<string, unknown>, as: GuestAuth = newGuest(endpoint)): Promise<SeatReservation> {
  const res = await as.fetch(`${endpoint}/matchmake/${method}/${roomNameOrId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(options),
  });
  const body = await res.json() as SeatReservation & { error?: string };
  if (!res.ok) throw Object.assign(new Error(body.error ?? `HTTP ${res.status}`), { status: res.status });
  return body;
}

/** The WebSocket URL the SDK would open for a reservation (plus any extra query). */
export function roomSocketUrl(endpoint: string, seat: Pick<SeatReservation, 'processId' | 'roomId' | 'sessionId'>, extra: Record<string, string> = {}): string {
  const base = endpoint.replace(/^http/, 'ws');
  const query = new URLSearchParams({ sessionId: seat.sessionId, ...extra });
  return `${base}/${seat.processId}/${seat.roomId}?${query}`;
}

export interface RawSocket {
  ws: WebSocket;
  /** Resolves when the socket opened (rejects on a refused upgrade, with its status). */
  opened: Promise<void>;
  /** Resolves with the close code. */
  closed: Promise<number>;
  /** Binary messages received so far. */
  received: Buffer[];
}

/** A plain `ws` client: any origin, any headers, any local address, any bytes. */
export function openRawSocket(url: string, options: WebSocket.ClientOptions = {}): RawSocket {
  const ws = new WebSocket(url, { perMessageDeflate: false, ...options });
  const received: Buffer[] = [];
  ws.on('message', (data) => received.push(data as Buffer));
  ws.on('error', () => undefined);
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })));
    ws.once('close', () => reject(new Error('closed before open')));
  });
  opened.catch(() => undefined);
  const closedCode = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  return { ws, opened, closed: closedCode, received };
}

/**
 * Join a room over a raw socket: reserve a seat, connect, and (unless `ack: false`) acknowledge
 * the join the way the SDK does, so the socket is a full player that sends whatever we like.
 */
export async function joinRaw(
  endpoint: string,
  options: { room?: { method: string; nameOrId: string }; join?: Record<string, unknown>; as?: GuestAuth; ack?: boolean; socket?: WebSocket.ClientOptions } = {},
): Promise<RawSocket & { seat: SeatReservation }> {
  const room = options.room ?? { method: 'joinOrCreate', nameOrId: ARENA_ROOM };
  const seat = await reserveSeat(endpoint, room.method, room.nameOrId, options.join ?? { name: 'raw' }, options.as);
  const raw = openRawSocket(roomSocketUrl(endpoint, seat), options.socket);
  await raw.opened;
  await waitFor('join handshake', () => raw.received.length > 0);
  if (options.ack !== false) raw.ws.send(Buffer.from([10])); // Protocol.JOIN_ROOM: "I have joined"
  return { ...raw, seat };
}

/** The reconnection token the server gave a raw client in its join message ([JOIN_ROOM, length, token…]). */
export function reconnectionTokenOf(raw: RawSocket): string {
  const join = raw.received.find((b) => b[0] === 10);
  if (join === undefined) throw new Error('no join message received');
  return join.subarray(2, 2 + join[1]!).toString('utf8');
}

/** `POST /matchmake/reconnect/{room}` as the SDK's `reconnect()` sends it; resolves with the status and body. */
export async function requestReconnect(endpoint: string, roomId: string, token: string, as: GuestAuth = newGuest(endpoint)): Promise<{ status: number; body: unknown }> {
  const res = await as.fetch(`${endpoint}/matchmake/reconnect/${roomId}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ reconnectionToken: token }),
  });
  return { status: res.status, body: await res.json() };
}

/** `shooter` aims at `targetId` (where its own state has both) and fires every tick until its state shows the target dead. */
export async function shootUntilDead(shooter: ArenaRoom, targetId: string, timeoutMs = 8000): Promise<void> {
  const input = shooter.input();
  await waitFor(`${targetId} dead`, async () => {
    const me = shooter.state.players.get(shooter.sessionId)!;
    const them = shooter.state.players.get(targetId)!;
    Object.assign(input.data as object, { seq: input.sentCount + 1, fire: true, aim: radiansToAim(Math.atan2(them.y - me.y, them.x - me.x)) });
    input.send();
    await sleep(1000 / TICK_HZ);
    return !shooter.state.players.get(targetId)!.alive;
  }, { timeoutMs, intervalMs: 0 });
}
