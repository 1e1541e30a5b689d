import type { IncomingMessage } from 'node:http';
import { CloseCode } from '@colyseus/core';
import type WebSocket from 'ws';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { violationsTotal } from '../observability/metrics.ts';
import { classifyFrame } from './frames.ts';
import { FRAME_LIMITS, SLOW_CONSUMER_CHECK_MS, type FrameKind } from './limits.ts';
import { recordRejection, type RejectionContext, type RejectionReason } from './rejections.ts';
import { TokenBucket } from './tokenBucket.ts';

export interface GuardOptions {
  joinAckTimeoutMs: number;
  maxBufferedBytes: number;
  /** Violations tolerated before TOO_MANY_VIOLATIONS. */
  maxViolations: number;
  /** From `inputFieldSizes(InputSchema)`. */
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
 */
export class ConnectionGuard {
  /** The code this guard closed the connection with (a deliberate close: no seat is held for it). */
  closeCode: number | undefined;
  private readonly buckets: Record<FrameKind, TokenBucket>;
  private strikes = 0;
  private joined = false;
  private closing = false;
  private joinTimer: ReturnType<typeof setTimeout> | undefined;
  /** Largest send buffer seen for this connection (diagnostics and tests). */
  peakBufferedBytes = 0;

  constructor(readonly ws: WebSocket, readonly ip: string, private readonly options: GuardOptions) {
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
    const verdict = classifyFrame(data, isBinary, this.options.inputSizes, this.options.knownTypes);
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
    }
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

  /** ws refused a frame (too big, too many fragments, bad opcode or UTF-8) and is closing. */
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
    this.closeCode = code;
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
    // The edge rewrote X-Forwarded-For to the one resolved client address.
    const forwarded = req.headers['x-forwarded-for'];
    const ip = typeof forwarded === 'string' ? forwarded : req.socket.remoteAddress ?? 'unknown';
    const guard = new ConnectionGuard(ws, ip, this.options);
    guards.set(ws, guard);
    this.live.add(guard);
    ws.once('close', () => {
      guard.dispose();
      this.live.delete(guard);
    });

    const emit = ws.emit;
    ws.emit = function guardedEmit(this: WebSocket, event: string | symbol, ...args: unknown[]): boolean {
      if (event === 'error') {
        // ws already closes the socket for a frame-level error; count it here instead of letting
        // Colyseus print a stack trace per attacker frame.
        guard.frameError(args[0]);
        return true;
      }
      if (event !== 'message') return emit.call(this, event, ...args);
      if (!guard.admit(args[0], args[1] === true)) return false;
      try {
        return emit.call(this, event, ...args);
      } catch (err) {
        guard.contain(err);
        return false;
      }
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

