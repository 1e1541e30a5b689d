import type { IncomingMessage } from 'node:http';
import { CloseCode } from '@colyseus/core';
import type WebSocket from 'ws';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { closeFrameReceived } from '../adapters/wsSocket.ts';
import { inputFrames, violationsTotal } from '../observability/metrics.ts';
import { classifyFrame } from './frames.ts';
import { requestClient } from './clientAddress.ts';
import { FRAME_LIMITS, SLOW_CONSUMER_CHECK_MS, type FrameKind } from './limits.ts';
import { recordRejection, type RejectionContext, type RejectionReason } from './rejections.ts';
import { takeUpgradeAttempt, type Attempt } from './secretGuesses.ts';
import { TokenBucket } from './tokenBucket.ts';

export interface GuardOptions {
  joinAckTimeoutMs: number;
  maxBufferedBytes: number;
  /** Violations tolerated before TOO_MANY_VIOLATIONS. */
  maxViolations: number;
  /**
   * From `inputFieldSizes(InputSchema)`: the input layout frames are checked against until the
   * connection's room names its own (`deliverInputsTo`).
   */
  inputSizes: readonly number[] | undefined;
  /** Client -> server message types the rooms handle. */
  knownTypes: ReadonlySet<string>;
}

const RATE_REASONS: Record<FrameKind, RejectionReason> = {
  input: 'input_rate', message: 'message_rate', request: 'request_rate', ping: 'ping_rate', control: 'control_rate',
};

/** Guard of each raw WebSocket (rooms reach it through `client.ref`). */
const guards = new WeakMap<object, ConnectionGuard>();

export function guardOf(ref: object | undefined): ConnectionGuard | undefined {
  return ref === undefined ? undefined : guards.get(ref);
}

/**
 * One WebSocket's bouncer. Every frame passes `admit` before Colyseus parses it: unsupported or
 * malformed frames close the connection (4002), rule violations are strikes (4100 after
 * `maxViolations`), each kind of frame has its own token bucket (over it: dropped; far over it:
 * 4101), and anything a room handler throws is contained here (4002). The join must be
 * acknowledged within `joinAckTimeoutMs` (else 4102).
 *
 * It also records every close the server starts on this connection, whoever starts it (this guard,
 * ws' own frame checks, a room's `client.leave`, Colyseus), at the moment it starts, so the seat
 * decision that follows the close (reconnectPolicy.ts) never mistakes a kick for a lost network.
 */
export class ConnectionGuard {
  /**
   * Code of the first close the server started on this connection (a deliberate close: no seat is
   * held for it). Undefined while the client closed first or the network failed.
   */
  closeCode: number | undefined;
  /** Kind of the frame `admit` last let through. */
  admittedKind: FrameKind | undefined;
  /**
   * Where this connection's input frames go once its room takes them directly (see
   * `deliverInputsTo`): they then skip the other 'message' listeners (Colyseus' dispatch).
   */
  private inputSink: ((frame: Buffer) => void) | undefined;
  /** The input layout of this connection's room (each game has its own), else the server's default. */
  private inputSizes: readonly number[] | undefined;
  /**
   * The server dropped the socket without a close frame: missed heartbeats or a reader too slow
   * to take its patches, the network's failure modes, after which the seat is held.
   */
  terminated = false;
  /** Settles a reconnection token this connection spent (secretGuesses.ts): joined, or not. */
  attempt: Attempt | undefined;
  private readonly buckets: Record<FrameKind, TokenBucket>;
  private strikes = 0;
  private joined = false;
  private closing = false;
  private joinTimer: ReturnType<typeof setTimeout> | undefined;
  /** Largest send buffer seen for this connection (diagnostics and tests). */
  peakBufferedBytes = 0;

  constructor(readonly ws: WebSocket, readonly ip: string, private readonly options: GuardOptions) {
    this.inputSizes = options.inputSizes;
    const now = performance.now();
    this.buckets = {
      input: new TokenBucket(FRAME_LIMITS.input, now),
      message: new TokenBucket(FRAME_LIMITS.message, now),
      request: new TokenBucket(FRAME_LIMITS.request, now),
      ping: new TokenBucket(FRAME_LIMITS.ping, now),
      control: new TokenBucket(FRAME_LIMITS.control, now),
    };
    this.joinTimer = setTimeout(() => {
      if (this.joined) return;
      recordRejection('connection', 'join_timeout', { ip });
      this.close(CLOSE_CODES.JOIN_TIMEOUT, 'join not acknowledged in time');
    }, options.joinAckTimeoutMs);
    this.joinTimer.unref?.();
  }

  /** Decide whether one received message may reach Colyseus. */
  admit(data: unknown, isBinary: boolean): boolean {
    if (this.closing) return false;
    if (!Buffer.isBuffer(data)) {
      this.protocolError('malformed_frame', 'not a single buffer');
      return false;
    }
    const verdict = classifyFrame(data, isBinary, this.inputSizes, this.options.knownTypes);
    if (verdict.action === 'close') {
      this.protocolError(verdict.reason, verdict.detail);
      return false;
    }
    const rate = this.buckets[verdict.kind].take(performance.now());
    if (rate !== 'ok') {
      recordRejection('message', RATE_REASONS[verdict.kind], { ip: this.ip });
      if (rate === 'abusive') this.close(CLOSE_CODES.RATE_LIMITED, 'rate limit');
      return false;
    }
    if (verdict.action === 'drop') {
      this.strike(verdict.reason, { ip: this.ip, detail: verdict.detail });
      return false;
    }
    if (verdict.joinAck) {
      this.joined = true;
      clearTimeout(this.joinTimer);
      this.attempt?.settle(true);
    }
    this.admittedKind = verdict.kind;
    return true;
  }

  /**
   * Hand this connection's admitted input frames straight to `sink` (a room's input channel),
   * counted here, instead of emitting them to every 'message' listener: an input is 30 frames a
   * second per player, and Colyseus' dispatch has nothing to add to one. `inputSizes`: the room's
   * input layout (`inputFieldSizes` of its input schema), which its frames are checked against
   * from now on; absent: the server's default layout.
   */
  deliverInputsTo(sink: ((frame: Buffer) => void) | undefined, inputSizes?: readonly number[]): void {
    this.inputSink = sink;
    this.inputSizes = inputSizes ?? this.options.inputSizes;
  }

  /** An admitted frame: true when it was an input and went to the input sink. */
  takeInput(frame: Buffer): boolean {
    const sink = this.inputSink;
    if (sink === undefined || this.admittedKind !== 'input') return false;
    inputFrames.count++;
    sink(frame);
    return true;
  }

  /** A rule violation by this connection; closes it after too many. */
  strike(reason: RejectionReason, context: RejectionContext): void {
    violationsTotal.inc({ kind: reason });
    recordRejection('message', reason, { ip: this.ip, ...context });
    this.strikes++;
    if (this.strikes > this.options.maxViolations && !this.closing) {
      recordRejection('connection', 'too_many_violations', { ip: this.ip, sessionId: context.sessionId, roomId: context.roomId });
      this.close(CLOSE_CODES.TOO_MANY_VIOLATIONS, 'too many invalid messages');
    }
  }

  /**
   * ws refused a frame (too big, too many fragments, bad opcode or UTF-8) and has already started
   * closing with the matching code (1009, 1008, 1002, 1007), which `recordServerClose` noted.
   */
  frameError(error: unknown): void {
    const code = (error as { code?: string })?.code;
    const reason: RejectionReason = code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'frame_too_large'
      : code === 'WS_ERR_TOO_MANY_BUFFERED_PARTS' ? 'too_many_fragments' : 'invalid_frame';
    this.closing = true;
    clearTimeout(this.joinTimer);
    recordRejection('message', reason, { ip: this.ip, detail: code });
  }

  /** Something a room did with this connection's message threw. */
  contain(error: unknown): void {
    recordRejection('message', 'handler_threw', { ip: this.ip, detail: (error as Error)?.message ?? String(error) });
    this.close(CloseCode.WITH_ERROR, 'server error');
  }

  /** Close with a code; ws destroys the socket if the peer does not answer within its close timeout. */
  close(code: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.joinTimer);
    try {
      this.ws.close(code, reason);
    } catch {
      this.ws.terminate();
    }
  }

  /** Drop a connection that does not read what we send (no close frame could get through). */
  terminate(): void {
    this.closing = true;
    clearTimeout(this.joinTimer);
    this.ws.terminate();
  }

  dispose(): void {
    clearTimeout(this.joinTimer);
    this.attempt?.settle(false); // no-op once joined
  }

  /**
   * The server is about to close this socket with `code` (ws.close, whoever called it). Only the
   * first close of an open connection counts, and not ws answering a close the client sent first.
   */
  recordServerClose(code: number | undefined): void {
    if (this.closeCode !== undefined || this.terminated || this.ws.readyState !== this.ws.OPEN) return;
    if (closeFrameReceived(this.ws)) return;
    this.closeCode = code ?? 1005;
  }

  /** The server is about to drop this socket without a close frame (ws.terminate). */
  recordTerminate(): void {
    if (this.closeCode === undefined && this.ws.readyState === this.ws.OPEN) this.terminated = true;
  }

  private protocolError(reason: RejectionReason, detail?: string): void {
    recordRejection('message', reason, { ip: this.ip, detail });
    this.close(CloseCode.WITH_ERROR, 'protocol error');
  }
}

/**
 * All live guards of one transport, and the sweep that drops slow readers: a WebSocket whose
 * send buffer (bytes the kernel would not take yet) is over `maxBufferedBytes` is terminated, so a
 * client that stops reading costs at most that much memory (plus one sweep interval of traffic)
 * instead of everything the room would ever send it.
 */
export class ConnectionGuards {
  private readonly live = new Set<ConnectionGuard>();
  private sweepTimer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly options: GuardOptions) {}

  attach(ws: WebSocket, req: IncomingMessage): ConnectionGuard {
    // The client address the edge resolved for this upgrade (the forwarded one behind a trusted proxy).
    const guard = new ConnectionGuard(ws, requestClient(req).ip, this.options);
    guard.attempt = takeUpgradeAttempt(req);
    guards.set(ws, guard);
    // Every way the server ends this socket passes here (ws calls its own close() on frame errors).
    const close = ws.close;
    ws.close = function recordedClose(this: WebSocket, code?: number, data?: string | Buffer): void {
      guard.recordServerClose(code);
      close.call(this, code, data);
    };
    const terminate = ws.terminate;
    ws.terminate = function recordedTerminate(this: WebSocket): void {
      guard.recordTerminate();
      terminate.call(this);
    };
    this.live.add(guard);
    ws.once('close', () => {
      guard.dispose();
      this.live.delete(guard);
    });

    const emit = ws.emit;
    // Named parameters rather than rest/spread: 'message' is emitted for every frame, and a rest
    // array per frame is garbage. Other events go through `arguments` unchanged.
    ws.emit = function guardedEmit(this: WebSocket, event: string | symbol, data?: unknown, isBinary?: unknown): boolean {
      if (event === 'message') {
        if (!guard.admit(data, isBinary === true)) return false;
        try {
          return guard.takeInput(data as Buffer) || emit.call(this, event, data, isBinary);
        } catch (err) {
          guard.contain(err);
          return false;
        }
      }
      if (event === 'error') {
        // ws already closes the socket for a frame-level error; count it here instead of letting
        // Colyseus print a stack trace per attacker frame.
        guard.frameError(data);
        return true;
      }
      // eslint-disable-next-line prefer-rest-params
      return emit.apply(this, arguments as unknown as Parameters<typeof emit>);
    } as typeof ws.emit;

    this.sweepTimer ??= setInterval(() => this.sweep(), SLOW_CONSUMER_CHECK_MS);
    this.sweepTimer.unref?.();
    return guard;
  }

  get size(): number {
    return this.live.size;
  }

  sweep(): void {
    for (const guard of this.live) {
      const buffered = guard.ws.bufferedAmount;
      if (buffered > guard.peakBufferedBytes) guard.peakBufferedBytes = buffered;
      if (buffered > this.options.maxBufferedBytes) {
        recordRejection('connection', 'slow_consumer', { ip: guard.ip, detail: `${buffered} bytes queued` });
        guard.terminate();
      }
    }
  }

  stop(): void {
    clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
  }
}

