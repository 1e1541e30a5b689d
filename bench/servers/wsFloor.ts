import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { DEFAULT_MAX_PLAYERS_PER_ROOM, MAX_MESSAGE_BYTES, DEFAULT_PATCH_INTERVAL_MS } from '../../shared/limits.ts';
import { DEFAULT_OPERATIONS } from '../../server/cluster/config.ts';
import { MAX_BUFFERED_CHUNKS, MAX_FRAGMENTS_PER_MESSAGE, WS_CLOSE_TIMEOUT_MS } from '../../server/security/limits.ts';
import { tickRecorder } from '../../server/observability/tickRecorder.ts';
import { startAgent } from './agent.ts';

/**
 * `ws-floor`: the physical floor of this protocol on this machine. The same `ws` package and
 * options as this project's transport (server/security/transport.ts), the same heartbeat, no game
 * and no framework: it reads every input frame without decoding it, answers pings, and sends each
 * client, at the patch rate, one binary frame of the size this server's patches measured, plus the
 * same extra frames per patch cycle (netcode reports), corked with the patch into one write as
 * ours are. Whatever the server costs above this, the game and the framework cost.
 *
 * Sizes come from the environment (bench/run.ts measures them on this server first):
 * FLOOR_PATCH_BYTES, FLOOR_EXTRA_BYTES (one extra frame's payload), FLOOR_EXTRA_PER_PATCH (extra
 * frames per patch cycle, e.g. 0.25: one every fourth cycle).
 *
 * Protocol (binary, Colyseus' first-byte codes so the bots count the same way): connect to
 * `/?room=new|<id>` (none: first room with space); the server greets with [JOIN_ROOM][room id];
 * patches are [ROOM_STATE_PATCH | TIMED][…]; [PING] is answered with [PING].
 */

const JOIN_ROOM = 10;
const ROOM_DATA = 13;
const ROOM_STATE_PATCH = 15;
const TIMED = 0x80;
const PING = 18;
const ROOM_SIZE = Number(process.env.BENCH_ROOM_SIZE ?? DEFAULT_MAX_PLAYERS_PER_ROOM);
const PATCH_BYTES = Math.max(1, Number(process.env.FLOOR_PATCH_BYTES ?? 100));
const EXTRA_BYTES = Math.max(1, Number(process.env.FLOOR_EXTRA_BYTES ?? 10));
const EXTRA_PER_PATCH = Math.max(0, Number(process.env.FLOOR_EXTRA_PER_PATCH ?? 0));

interface FloorRoom { id: string; clients: Set<WebSocket>; timer: ReturnType<typeof setInterval>; extraDue: number }
const rooms = new Map<string, FloorRoom>();
let nextRoom = 1;
let clientCount = 0;

const patch = Buffer.alloc(PATCH_BYTES);
patch[0] = ROOM_STATE_PATCH | TIMED;
const extra = Buffer.alloc(EXTRA_BYTES);
extra[0] = ROOM_DATA;
const pong = Buffer.from([PING]);

function sendCycle(room: FloorRoom): void {
  const t0 = performance.now();
  room.extraDue += EXTRA_PER_PATCH;
  const withExtra = room.extraDue >= 1;
  if (withExtra) room.extraDue -= 1;
  for (const ws of room.clients) {
    const socket = (ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
    socket.cork();
    ws.send(patch);
    if (withExtra) ws.send(extra);
    socket.uncork();
  }
  tickRecorder.record(t0, performance.now(), 'patch');
}

function createRoom(): FloorRoom {
  const room: FloorRoom = { id: `F${nextRoom++}`, clients: new Set(), extraDue: 0, timer: undefined as never };
  room.timer = setInterval(() => sendCycle(room), DEFAULT_PATCH_INTERVAL_MS);
  rooms.set(room.id, room);
  return room;
}

const httpServer = http.createServer((_req, res) => { res.writeHead(404).end(); });
const wss = new WebSocketServer({
  server: httpServer,
  maxPayload: MAX_MESSAGE_BYTES,
  maxFragments: MAX_FRAGMENTS_PER_MESSAGE,
  maxBufferedChunks: MAX_BUFFERED_CHUNKS,
  perMessageDeflate: false,
  closeTimeout: WS_CLOSE_TIMEOUT_MS,
} as ConstructorParameters<typeof WebSocketServer>[0]);

wss.on('connection', (ws, req) => {
  const wanted = new URL(req.url ?? '/', 'http://x').searchParams.get('room');
  let room: FloorRoom | undefined;
  if (wanted === 'new') room = createRoom();
  else if (wanted) room = rooms.get(wanted);
  else room = [...rooms.values()].find((r) => r.clients.size < ROOM_SIZE) ?? createRoom();
  if (!room || room.clients.size >= ROOM_SIZE) return ws.close(4004, 'no such room or full');
  const joined = room;
  joined.clients.add(ws);
  clientCount++;
  const alive = { missed: 0 };
  ws.on('pong', () => { alive.missed = 0; });
  (ws as unknown as { alive: typeof alive }).alive = alive;
  ws.send(Buffer.concat([Buffer.from([JOIN_ROOM]), Buffer.from(joined.id)]));
  ws.on('message', (data: Buffer) => {
    // Read, not decoded: only a ping is answered.
    if (data.length === 1 && data[0] === PING) ws.send(pong);
  });
  ws.on('close', () => {
    clientCount--;
    joined.clients.delete(ws);
    if (joined.clients.size === 0) {
      clearInterval(joined.timer);
      rooms.delete(joined.id);
    }
  });
});

// The same heartbeat as the project's transport: a ping every interval, terminated after missing enough pongs.
const heartbeat = setInterval(() => {
  for (const ws of wss.clients) {
    const alive = (ws as unknown as { alive?: { missed: number } }).alive;
    if (alive === undefined) continue;
    if (alive.missed++ >= DEFAULT_OPERATIONS.heartbeatMaxMissed) ws.terminate();
    else ws.ping();
  }
}, DEFAULT_OPERATIONS.heartbeatIntervalMs);

await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
startAgent(
  (httpServer.address() as AddressInfo).port,
  () => ({ ccu: clientCount, rooms: rooms.size }),
  () => new Promise((resolve) => { clearInterval(heartbeat); wss.close(); httpServer.close(() => resolve()); }),
);
