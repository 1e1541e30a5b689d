import type { JoinOptions } from '../../shared/messages.ts';
import type { InputSample } from '../../game-client/net/session.ts';
import { GuestAuth } from '../../game-client/net/guestAuth.ts';
import type { JoinRoute } from '../../game-client/net/lobby.ts';
import type { LightConnection } from './lightLink.ts';
import { clientFrame, RawWebSocket } from './rawWebSocket.ts';
import type { Recorder, TrafficCounters } from './types.ts';

/**
 * A light bot's arena connection without the SDK: matchmaking over HTTP as the SDK does it
 * (guest token in the Authorization header), then a raw WebSocket (rawWebSocket.ts) that sends
 * the same input frames the SDK's input handle sends, answers the join handshake, and reads of
 * every server frame only its first byte, plus the input acknowledgement of patches and the
 * answer to its own pings. A process of these plays thousands of clients.
 *
 * The wire formats are Colyseus 0.18's (@colyseus/shared-types Protocol): a reliable input is
 * `[ROOM_INPUT_RELIABLE][0x80 | field][value]…` for the fields that changed since the previous
 * input (schema's delta encoding, fixed-size little-endian values), and a TIMED patch starts
 * `[ROOM_STATE_PATCH | TIMED][uint32 server ms][uint32 inputs consumed]`. The contract test in
 * test/tools/bots/rawArena.test.ts checks both against the SDK and the server.
 */

const JOIN_ROOM = 10;
const ERROR = 11;
const LEAVE_ROOM = 12;
const ROOM_STATE_PATCH = 15;
const PING = 18;
const ROOM_INPUT_RELIABLE = 19;
const CODE_MASK = 0x1f;
const TIMED = 0x80;
const OP_ADD = 0x80;
/** Field indexes of the input schema (server/rooms/inputSchema.ts), in declaration order. */
const FIELD = { seq: 0, moveX: 1, moveY: 2, aim: 3, fire: 4 } as const;
/** The longest input: code, then seq (1 + 4), moveX, moveY (1 + 1 each), aim (1 + 2), fire (1 + 1). */
const MAX_INPUT_PAYLOAD = 1 + 5 + 2 + 2 + 3 + 2;
const JOIN_ACK = clientFrame(Uint8Array.of(JOIN_ROOM));
const PING_FRAME = clientFrame(Uint8Array.of(PING));
const JOIN_HANDSHAKE_TIMEOUT_MS = 15_000;

export interface SeatReservation {
  name: string;
  roomId: string;
  sessionId: string;
  processId: string;
  publicAddress?: string;
}

/** The matchmaking request the SDK makes for a route (Lobby.matchmake), returning the seat. */
export async function reserveSeat(httpBase: string, roomName: string, route: JoinRoute, name: string, auth: GuestAuth): Promise<SeatReservation> {
  const [method, target, options]: [string, string, JoinOptions] = route.via === 'quick' ? ['joinOrCreate', roomName, { name }]
    : route.via === 'create' ? ['create', roomName, { name, private: true, ...(route.maxPlayers !== undefined ? { maxPlayers: route.maxPlayers } : {}), ...(route.map !== undefined ? { map: route.map } : {}) }]
    : ['joinById', route.code, { name }];
  const res = await auth.fetch(`${httpBase}/matchmake/${method}/${encodeURIComponent(target)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(options),
  });
  const body = (await res.json().catch(() => ({}))) as Partial<SeatReservation> & { error?: string; code?: number };
  if (!res.ok || body.sessionId === undefined || body.roomId === undefined || body.processId === undefined) {
    throw Object.assign(new Error(body.error ?? `matchmaking failed: HTTP ${res.status}`), { code: body.code ?? res.status });
  }
  return body as SeatReservation;
}

/** Builds input payloads as the SDK's input handle does: only the fields that changed. */
export class InputFrames {
  private last: InputSample | undefined;
  private lastSeq = -1;

  /** The frame for input `seq`; it is sent as is (zero masking key). */
  frame(seq: number, input: InputSample): { frame: Buffer; payloadBytes: number } {
    const p = Buffer.allocUnsafe(MAX_INPUT_PAYLOAD);
    let n = 0;
    p[n++] = ROOM_INPUT_RELIABLE;
    const prev = this.last;
    if (seq !== this.lastSeq) {
      p[n++] = OP_ADD | FIELD.seq;
      p.writeUInt32LE(seq >>> 0, n);
      n += 4;
    }
    if (prev === undefined || prev.moveX !== input.moveX) {
      p[n++] = OP_ADD | FIELD.moveX;
      p.writeInt8(input.moveX, n++);
    }
    if (prev === undefined || prev.moveY !== input.moveY) {
      p[n++] = OP_ADD | FIELD.moveY;
      p.writeInt8(input.moveY, n++);
    }
    if (prev === undefined || prev.aim !== input.aim) {
      p[n++] = OP_ADD | FIELD.aim;
      p.writeUInt16LE(input.aim, n);
      n += 2;
    }
    if (prev === undefined || prev.fire !== input.fire) {
      p[n++] = OP_ADD | FIELD.fire;
      p[n++] = input.fire ? 1 : 0;
    }
    this.last = { ...input };
    this.lastSeq = seq;
    const frame = clientFrame(p.subarray(0, n));
    return { frame, payloadBytes: n };
  }
}

/** The WebSocket address of a seat, as the SDK builds it (Client.buildEndpoint). */
export function seatUrl(httpBase: string, seat: SeatReservation): string {
  const base = new URL(httpBase);
  const scheme = base.protocol === 'https:' ? 'wss' : 'ws';
  const host = seat.publicAddress ?? `${base.host}${base.pathname.replace(/\/+$/, '')}`;
  return `${scheme}://${host}/${seat.processId}/${seat.roomId}?sessionId=${encodeURIComponent(seat.sessionId)}`;
}

/** Join `route` and open the room's connection; resolves once the join handshake is done. */
export async function rawArenaConnection(httpBase: string, roomName: string, route: JoinRoute, name: string, patchGaps: Recorder, auth = new GuestAuth(httpBase)): Promise<LightConnection> {
  const seat = await reserveSeat(httpBase, roomName, route, name, auth);
  const ws = await RawWebSocket.connect(seatUrl(httpBase, seat), { headers: { Origin: new URL(httpBase).origin }, timeoutMs: JOIN_HANDSHAKE_TIMEOUT_MS });
  const traffic: TrafficCounters = { bytesIn: 0, bytesOut: 0, framesIn: 0, framesOut: 0, patches: 0, patchBytes: 0 };
  const inputs = new InputFrames();
  let sent = 0;
  let acked = 0;
  let lastPatchAt = -1;
  let pingSentAt = -1;
  let pingMs: number | undefined;
  let joined = false;
  let onClosed!: (code: number) => void;
  const closed = new Promise<number>((resolve) => { onClosed = resolve; });

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => { ws.terminate(); reject(new Error('join handshake timed out')); }, JOIN_HANDSHAKE_TIMEOUT_MS);
    void closed.then((code) => { clearTimeout(timer); if (!joined) reject(Object.assign(new Error(`closed during the join (${code})`), { code })); });
    ws.start({ onClose: onClosed, onMessage(payload) {
      traffic.bytesIn += payload.length;
      traffic.framesIn++;
      const first = payload[0]!;
      const code = first & CODE_MASK;
      if (code === ROOM_STATE_PATCH) {
        traffic.patches++;
        traffic.patchBytes += payload.length;
        if ((first & TIMED) !== 0 && payload.length >= 9) acked = payload.readUInt32LE(5);
        const now = performance.now();
        if (lastPatchAt >= 0) patchGaps.record(now - lastPatchAt);
        lastPatchAt = now;
      } else if (code === PING) {
        if (pingSentAt >= 0) pingMs = performance.now() - pingSentAt;
        pingSentAt = -1;
      } else if (code === JOIN_ROOM && !joined) {
        joined = true;
        ws.sendFrame(JOIN_ACK, 1);
        traffic.bytesOut++;
        traffic.framesOut++;
        clearTimeout(timer);
        resolve();
      } else if (code === ERROR && !joined) {
        clearTimeout(timer);
        ws.terminate();
        reject(new Error('the room refused the join'));
      } else if (code === LEAVE_ROOM) {
        ws.close(1000);
      }
    } });
  });

  return {
    code: seat.roomId,
    closed,
    send(sample) {
      if (!ws.isOpen) return;
      // As ArenaSession numbers them: seq = inputs sent + 1.
      const { frame, payloadBytes } = inputs.frame(++sent, sample);
      ws.sendFrame(frame, payloadBytes);
      traffic.bytesOut += payloadBytes;
      traffic.framesOut++;
    },
    ping() {
      if (!ws.isOpen) return;
      pingSentAt = performance.now();
      ws.sendFrame(PING_FRAME, 1);
      traffic.bytesOut++;
      traffic.framesOut++;
    },
    traffic: () => traffic,
    pingMs: () => pingMs,
    inputsSent: () => sent,
    inputsAcked: () => acked,
    // Not parsed from the handshake: the runner expects its configured patch rate.
    patchIntervalMs: () => undefined,
    async leave() {
      if (!ws.isOpen) return;
      // What the SDK's consented leave sends: LEAVE_ROOM; the server then closes with 4000.
      ws.send(Uint8Array.of(LEAVE_ROOM));
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2000))]);
      ws.terminate();
    },
  };
}
