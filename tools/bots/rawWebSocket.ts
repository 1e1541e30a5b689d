import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';

/**
 * The cheapest WebSocket client a load generator can be (RFC 6455, client side), for light bots
 * that play thousands of clients in one process: a plain `net.Socket` (or TLS), the opening
 * handshake done once, and then only framing. Server frames are split by their headers and handed
 * over as slices of the received chunk (no copy when a frame lies within one chunk); pings are
 * answered; nothing else is interpreted. Frames we send are masked with an all-zero key, so a
 * frame is its own masked form and can be built once and sent many times.
 *
 * The zero key is legal on the wire (the server unmasks with whatever key the frame carries); the
 * RFC asks clients for unpredictable keys to protect shared proxies from cache poisoning by
 * scripts in browsers, which a load generator talking to its own server does not need.
 */

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;
const MAX_FRAME_BYTES = 16 * 1024 * 1024;
const MAX_HANDSHAKE_BYTES = 16 * 1024;

export interface RawWebSocketOptions {
  /** Extra request headers (Origin, Authorization...). */
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** A client frame (FIN, masked with the zero key) carrying `payload`, ready to write. */
export function clientFrame(payload: Uint8Array, opcode = OP_BINARY): Buffer {
  const n = payload.length;
  const header = n < 126 ? 2 : n < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + 4 + n);
  frame[0] = 0x80 | opcode;
  if (n < 126) {
    frame[1] = 0x80 | n;
  } else if (n < 65536) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(n, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(n), 2);
  }
  frame.writeUInt32BE(0, header); // the masking key: zero, so the payload goes as is
  frame.set(payload, header + 4);
  return frame;
}

export interface RawWebSocketHandlers {
  /** A data frame (binary or text) arrived; `payload` is only valid during the call. */
  onMessage(payload: Buffer, binary: boolean): void;
  /** The connection ended (close frame received or sent, or the socket died); code 1006 when none was given. */
  onClose(code: number): void;
}

/**
 * A connected WebSocket. It holds what arrives until `start()` gives it handlers, so a frame
 * that came in the same packet as the handshake's answer (a server's greeting) is not lost.
 */
export class RawWebSocket {
  private handlers: RawWebSocketHandlers | undefined;
  private closedBeforeStart = false;
  /** Payload bytes and frames received (data frames only), and sent. */
  bytesIn = 0;
  framesIn = 0;
  bytesOut = 0;
  framesOut = 0;
  private pending: Buffer | undefined;
  private fragments: Buffer[] = [];
  private fragmentBinary = true;
  private closed = false;
  private closeCode = 1006;

  private constructor(private readonly socket: Socket, early: Buffer) {
    socket.setNoDelay(true);
    if (early.length > 0) this.pending = Buffer.from(early);
    socket.on('data', (chunk: Buffer) => {
      if (this.handlers === undefined) this.pending = this.pending === undefined ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
      else this.receive(chunk);
    });
    socket.on('close', () => {
      if (this.handlers === undefined) this.closedBeforeStart = true;
      else this.finish();
    });
    socket.on('error', () => undefined); // 'close' follows
  }

  /** Begin delivering frames (those already received first). */
  start(handlers: RawWebSocketHandlers): void {
    this.handlers = handlers;
    const early = this.pending;
    this.pending = undefined;
    if (early !== undefined) this.receive(early);
    if (this.closedBeforeStart) this.finish();
  }

  /** Open `url` (ws:// or wss://) and complete the handshake, or reject. */
  static connect(url: string, options: RawWebSocketOptions = {}): Promise<RawWebSocket> {
    const u = new URL(url);
    const secure = u.protocol === 'wss:' || u.protocol === 'https:';
    const port = Number(u.port || (secure ? 443 : 80));
    const socket = secure
      ? tlsConnect({ host: u.hostname, port, servername: u.hostname, ALPNProtocols: ['http/1.1'] })
      : netConnect({ host: u.hostname, port });
    const key = randomBytes(16).toString('base64');
    const headers = {
      Host: u.host,
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Key': key,
      'Sec-WebSocket-Version': '13',
      ...options.headers,
    };
    const request = `GET ${u.pathname}${u.search} HTTP/1.1\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`;
    return new Promise((resolve, reject) => {
      let head: Buffer = Buffer.alloc(0);
      const timer = setTimeout(() => fail(new Error('WebSocket handshake timed out')), options.timeoutMs ?? 10_000);
      const fail = (err: Error) => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      const onData = (chunk: Buffer) => {
        head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) {
          if (head.length > MAX_HANDSHAKE_BYTES) fail(new Error('WebSocket handshake answer too large'));
          return;
        }
        socket.off('data', onData);
        socket.off('error', fail);
        socket.off('close', onEarlyClose);
        clearTimeout(timer);
        const status = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
        if (!/^HTTP\/1\.1 101 /.test(status)) {
          socket.destroy();
          reject(new Error(`WebSocket handshake refused: ${status}`));
          return;
        }
        resolve(new RawWebSocket(socket, head.subarray(end + 4)));
      };
      const onEarlyClose = () => fail(new Error('connection closed during the WebSocket handshake'));
      socket.on('data', onData);
      socket.once('error', fail);
      socket.once('close', onEarlyClose);
      socket.write(request);
    });
  }

  get isOpen(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  /** Send a frame built by `clientFrame` (or a payload, framed here). */
  sendFrame(frame: Buffer, payloadBytes: number): void {
    if (!this.isOpen) return;
    this.bytesOut += payloadBytes;
    this.framesOut++;
    this.socket.write(frame);
  }

  send(payload: Uint8Array): void {
    this.sendFrame(clientFrame(payload), payload.length);
  }

  /** Start the closing handshake (or just end the socket if it is already closing). */
  close(code = 1000): void {
    if (!this.isOpen) return;
    const body = Buffer.allocUnsafe(2);
    body.writeUInt16BE(code, 0);
    this.closeCode = code;
    this.socket.end(clientFrame(body, OP_CLOSE));
  }

  /** Drop the connection without a closing handshake. */
  terminate(): void {
    this.socket.destroy();
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    this.handlers?.onClose(this.closeCode);
  }

  private receive(chunk: Buffer): void {
    let buf = chunk;
    if (this.pending !== undefined) {
      buf = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
    }
    let at = 0;
    while (at + 2 <= buf.length) {
      const b0 = buf[at]!;
      const b1 = buf[at + 1]!;
      let length = b1 & 0x7f;
      let header = 2;
      if (length === 126) {
        if (at + 4 > buf.length) break;
        length = buf.readUInt16BE(at + 2);
        header = 4;
      } else if (length === 127) {
        if (at + 10 > buf.length) break;
        const big = buf.readBigUInt64BE(at + 2);
        if (big > BigInt(MAX_FRAME_BYTES)) return this.protocolError();
        length = Number(big);
        header = 10;
      }
      if ((b1 & 0x80) !== 0) return this.protocolError(); // servers never mask
      if (at + header + length > buf.length) break;
      const payload = buf.subarray(at + header, at + header + length);
      at += header + length;
      this.frame(b0, payload);
      if (this.closed) return;
    }
    if (at < buf.length) this.pending = Buffer.from(buf.subarray(at));
  }

  private frame(b0: number, payload: Buffer): void {
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    switch (opcode) {
      case OP_BINARY:
      case OP_TEXT:
        if (fin) return this.deliver(payload, opcode === OP_BINARY);
        this.fragmentBinary = opcode === OP_BINARY;
        this.fragments = [Buffer.from(payload)];
        return;
      case OP_CONTINUATION:
        this.fragments.push(Buffer.from(payload));
        if (fin) {
          const whole = Buffer.concat(this.fragments);
          this.fragments = [];
          this.deliver(whole, this.fragmentBinary);
        }
        return;
      case OP_PING:
        this.socket.write(clientFrame(payload, OP_PONG));
        return;
      case OP_PONG:
        return;
      case OP_CLOSE:
        this.closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
        if (!this.socket.destroyed) this.socket.end(clientFrame(payload.subarray(0, 2), OP_CLOSE));
        this.finish();
        return;
      default:
        this.protocolError();
    }
  }

  private deliver(payload: Buffer, binary: boolean): void {
    this.bytesIn += payload.length;
    this.framesIn++;
    this.handlers?.onMessage(payload, binary);
  }

  private protocolError(): void {
    this.closeCode = 1002;
    this.socket.destroy();
    this.finish();
  }
}
