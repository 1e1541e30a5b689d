import type http from 'node:http';
import type { Socket } from 'node:net';
import { Protocol } from '@colyseus/core';
import { decode } from '@colyseus/schema';
import type { WebSocketTransport } from '@colyseus/ws-transport';
import type { WebSocket, WebSocketServer } from 'ws';
import { clientMessageSchemas } from '../../shared/messages.ts';
import { wsServerOf } from '../adapters/colyseusTransport.ts';
import { bytesInTotal, bytesOutTotal, pendingMessagesIn } from './metrics.ts';

/**
 * Traffic metrics taken at the edges, so no room code has to count anything:
 * - bytes: every client socket of the HTTP server (HTTP requests and WebSocket frames, with
 *   framing), read from the sockets' own counters when scraped;
 * - messages in: one extra 'message' listener per WebSocket, labelled by Colyseus protocol
 *   code, and by message type for room messages (only the types in shared/messages.ts; any
 *   other type is `unknown_message`, so clients cannot create label values).
 */

const PROTOCOL_LABELS: Record<number, string> = {
  [Protocol.JOIN_ROOM]: 'join_ack',
  [Protocol.LEAVE_ROOM]: 'leave',
  [Protocol.ROOM_DATA_BYTES]: 'bytes_message',
  [Protocol.PING]: 'ping',
  [Protocol.ROOM_INPUT_RELIABLE]: 'input',
  [Protocol.ROOM_INPUT_UNRELIABLE]: 'input',
  [Protocol.ROOM_REQUEST]: 'request',
};
const KNOWN_MESSAGE_TYPES = new Set(Object.keys(clientMessageSchemas));
const PROTOCOL_CODE_MASK = 0x1f;

/** The metric label for one raw client frame. */
export function messageLabel(data: Uint8Array): string {
  if (data.length === 0) return 'empty';
  const code = data[0]! & PROTOCOL_CODE_MASK;
  if (code !== Protocol.ROOM_DATA) return PROTOCOL_LABELS[code] ?? 'other';
  try {
    const it = { offset: 1 };
    if (!decode.stringCheck(data as Buffer, it)) return 'unknown_message';
    const type = decode.string(data as Buffer, it);
    return KNOWN_MESSAGE_TYPES.has(type) ? type : 'unknown_message';
  } catch {
    return 'unknown_message';
  }
}

/** Count every client's messages by type. */
export function countTransportMessages(transport: WebSocketTransport): void {
  // The ws server is a protected field of the transport; listening to it is read-only.
  wsServerOf(transport).on('connection', (ws: WebSocket) => {
    ws.on('message', (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const type = isBinary && Buffer.isBuffer(data) ? messageLabel(data) : 'other';
      pendingMessagesIn.set(type, (pendingMessagesIn.get(type) ?? 0) + 1);
    });
  });
}

/** Functions that bring the byte counters of one HTTP server up to date. */
const socketCollectors = new Set<() => void>();

/**
 * Byte counters for all sockets of `httpServer`. Live sockets are read when the counters are
 * collected; a closing socket adds what it had not reported yet.
 */
export function countSocketBytes(httpServer: http.Server): void {
  const live = new Map<Socket, { in: number; out: number }>();
  const settle = (socket: Socket, reported: { in: number; out: number }) => {
    const read = socket.bytesRead;
    const written = socket.bytesWritten;
    if (read > reported.in) bytesInTotal.inc(read - reported.in);
    if (written > reported.out) bytesOutTotal.inc(written - reported.out);
    reported.in = Math.max(reported.in, read);
    reported.out = Math.max(reported.out, written);
  };
  httpServer.on('connection', (socket: Socket) => {
    const reported = { in: 0, out: 0 };
    live.set(socket, reported);
    socket.once('close', () => {
      settle(socket, reported);
      live.delete(socket);
    });
  });
  const collect = () => { for (const [socket, reported] of live) settle(socket, reported); };
  socketCollectors.add(collect);
  httpServer.once('close', () => socketCollectors.delete(collect));
}

/** Bring the byte counters up to date (called before a scrape or a dashboard sample). */
export function collectSocketBytes(): void {
  for (const collect of socketCollectors) collect();
}

/** Everything above for one server. */
export function instrumentTransport(transport: WebSocketTransport, httpServer: http.Server): void {
  countTransportMessages(transport);
  countSocketBytes(httpServer);
}
