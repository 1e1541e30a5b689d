import type { Room } from '@colyseus/sdk';
import { DEFAULT_RECONNECT_WINDOW_S, INPUT_PAUSE_AFTER_SILENCE_MS, RECONNECT_ATTEMPT_TIMEOUT_MS, RECONNECT_BACKOFF_BASE_MS, RECONNECT_BACKOFF_MAX_MS, SERVER_SILENCE_TIMEOUT_MS } from '../../shared/limits.ts';

export type ConnectionStatus = 'playing' | 'reconnecting' | 'closed';

export interface ConnectionChange {
  status: ConnectionStatus;
  /** Reconnection attempts made so far in this outage. */
  attempt: number;
  /** Why, for people (set when reconnecting starts and when giving up). */
  reason?: string;
}

export interface ReconnectOptions {
  /** Seconds the server keeps the seat; updated from the server's `match` message. */
  windowS?: number;
  /** No data from the server for this long means the connection is dead. */
  silenceTimeoutMs?: number;
  /** A reconnection attempt that has not completed in this long is abandoned and retried. */
  attemptTimeoutMs?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * Asks the matchmaker whether the room still exists anywhere (true/false), or undefined when
   * it cannot tell. With it, a client whose room's process died gives up in seconds instead of
   * retrying for the whole window.
   */
  roomExists?: (roomId: string) => Promise<boolean | undefined>;
  random?: () => number;
  now?: () => number;
}

/**
 * Delay before reconnection attempt `attempt` (1, 2, ...): exponential from `baseMs`, capped
 * at `maxMs`, with "equal jitter" (50-100 % of the step) so that a server restart does not
 * bring every client back in the same millisecond.
 */
export function backoffDelayMs(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step * (0.5 + random() * 0.5));
}

const WATCH_INTERVAL_MS = 250;
/** Effectively unlimited: `watch()` ends the loop by time. */
const MAX_RETRIES = 1000;
/** The client keeps trying a little past the server's window: clocks and the last attempt's flight time. */
const GIVE_UP_SLACK_MS = 2000;
const PROBE_INTERVAL_MS = 2000;
/** SDK close code meaning "dropped, may reconnect": closing with it starts the SDK's reconnect loop at once. */
const MAY_TRY_RECONNECT = 4010;
const WS_CONNECTING = 0;
const WS_OPEN = 1;

/**
 * Keeps one room connection alive through network trouble, on top of the SDK's own reconnect
 * loop (which rejoins the same room object with its reconnection token, so state, handlers and
 * the session survive):
 *
 * - notices a dead connection the browser has not (no data for `silenceTimeoutMs`; patches
 *   arrive 20 times a second) and hands it to the SDK's reconnect path;
 * - retries with exponential backoff and jitter, abandoning attempts that hang;
 * - gives up with a clear reason when the seat window has passed, the server refused the
 *   token, or the room no longer exists;
 * - reports `playing` / `reconnecting` / `closed` for the scene to show.
 */
export class ConnectionKeeper {
  private status: ConnectionStatus = 'playing';
  private windowS: number;
  private lastHeardAt: number;
  private droppedAt = 0;
  private attemptWs: unknown;
  private attemptStartedAt = 0;
  private lastProbeAt = 0;
  private probing = false;
  private quietPingSent = false;
  private giveUpReason: string | undefined;
  private abandoned = false;
  private serverError: string | undefined;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(
    private readonly room: Room<any, any>,
    private readonly options: ReconnectOptions,
    private readonly onChange: (change: ConnectionChange) => void,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.random = options.random ?? Math.random;
    this.windowS = options.windowS ?? DEFAULT_RECONNECT_WINDOW_S;
    this.lastHeardAt = this.now();

    const rc = room.reconnection;
    rc.enabled = true;
    rc.minUptime = 0;
    // The time budget, not a retry count, decides when to give up (see watch()).
    rc.maxRetries = MAX_RETRIES;
    rc.minDelay = 0;
    rc.maxDelay = options.maxDelayMs ?? RECONNECT_BACKOFF_MAX_MS;
    rc.delay = options.baseDelayMs ?? RECONNECT_BACKOFF_BASE_MS;
    rc.backoff = (attempt: number, baseMs: number) => backoffDelayMs(attempt, baseMs, rc.maxDelay, this.random);

    // Any frame from the server (patch, message, pong) proves the connection alive. The SDK
    // keeps this events object across its reconnects, so one wrap lasts the session.
    const events = room.connection.events;
    const inner = events.onmessage;
    events.onmessage = (event: MessageEvent) => {
      this.lastHeardAt = this.now();
      this.quietPingSent = false;
      inner?.(event);
    };

    room.onDrop(() => this.dropped());
    room.onReconnect(() => this.reconnected());
    room.onError((_code: number, message?: string) => { if (message) this.serverError = message; });
    this.timer = setInterval(() => this.watch(), WATCH_INTERVAL_MS);
  }

  get current(): ConnectionStatus {
    return this.status;
  }

  /** Nothing heard from the server for a while: hold inputs back (see INPUT_PAUSE_AFTER_SILENCE_MS). */
  get serverQuiet(): boolean {
    return this.now() - this.lastHeardAt > INPUT_PAUSE_AFTER_SILENCE_MS;
  }

  /** The server said how long it keeps seats. */
  setWindow(seconds: number): void {
    if (Number.isFinite(seconds) && seconds >= 0) this.windowS = seconds;
  }

  /** Text for the player when the connection has ended with `code`, if this keeper knows better than the code. */
  endReason(code: number): string | undefined {
    if (this.giveUpReason) return this.giveUpReason;
    if (code === 4003 && this.droppedAt !== 0) {
      return this.serverError && /expired|consumed|token/i.test(this.serverError)
        ? `Connection lost: the server no longer holds your seat (it is kept ${this.windowS} s).`
        : `Connection lost: could not rejoin the room within ${this.windowS} s.`;
    }
    return undefined;
  }

  /**
   * The player is leaving. From now on a drop ends the session instead of reconnecting (the SDK
   * would otherwise rejoin a room whose leave message was lost with the socket), an attempt in
   * flight is abandoned, and one that still succeeds leaves at once.
   */
  abandon(): void {
    this.abandoned = true;
    this.room.reconnection.enabled = false;
    if (this.status === 'reconnecting') this.giveUp('You left the room.', this.isAttempting());
  }

  /** The session is over (left, kicked, or gave up). */
  stop(): void {
    clearInterval(this.timer);
    this.status = 'closed';
  }

  private dropped(): void {
    if (this.status === 'reconnecting' || this.status === 'closed') return;
    this.status = 'reconnecting';
    this.droppedAt = this.now();
    this.lastProbeAt = this.droppedAt;
    this.giveUpReason = undefined;
    this.serverError = undefined;
    this.onChange({ status: 'reconnecting', attempt: 0, reason: 'Connection lost: reconnecting…' });
  }

  private reconnected(): void {
    if (this.abandoned) {
      void this.room.leave(true);
      return;
    }
    if (this.status === 'closed') return;
    this.status = 'playing';
    this.lastHeardAt = this.now();
    this.attemptWs = undefined;
    // An attempt already in flight when we gave up may still succeed: then the seat was there.
    this.giveUpReason = undefined;
    this.room.reconnection.maxRetries = MAX_RETRIES;
    this.onChange({ status: 'playing', attempt: this.room.reconnection.retryCount });
  }

  private watch(): void {
    const now = this.now();
    if (this.status === 'playing') {
      const silentMs = now - this.lastHeardAt;
      const timeoutMs = this.options.silenceTimeoutMs ?? SERVER_SILENCE_TIMEOUT_MS;
      if (silentMs > timeoutMs / 2 && !this.quietPingSent) {
        // Patches normally prove liveness; in a quiet spell ask for a pong instead.
        this.quietPingSent = true;
        this.room.ping(() => undefined);
      }
      if (silentMs > timeoutMs) this.room.connection.close(MAY_TRY_RECONNECT, 'no data from the server');
      return;
    }
    if (this.status !== 'reconnecting') return;

    const ws = this.socket();
    const attempting = ws !== undefined && (ws.readyState === WS_CONNECTING || ws.readyState === WS_OPEN);
    if (attempting && ws !== this.attemptWs) {
      this.attemptWs = ws;
      this.attemptStartedAt = now;
    }
    const attemptTimeoutMs = this.options.attemptTimeoutMs ?? RECONNECT_ATTEMPT_TIMEOUT_MS;
    const hung = attempting && now - this.attemptStartedAt > attemptTimeoutMs;

    if (!this.giveUpReason && now - this.droppedAt > this.windowS * 1000 + GIVE_UP_SLACK_MS) {
      this.giveUp(`Connection lost: could not rejoin the room within ${this.windowS} s.`, attempting);
    } else if (attempting && (hung || this.giveUpReason)) {
      // A half-open route (proxy, dead host) can leave an attempt hanging for minutes; once
      // giving up, an attempt started just before must not keep the player waiting either.
      this.room.connection.close(MAY_TRY_RECONNECT, 'reconnection attempt abandoned');
    } else if (!this.giveUpReason && this.options.roomExists && !this.probing && now - this.lastProbeAt > PROBE_INTERVAL_MS) {
      this.probe();
    }
  }

  private probe(): void {
    this.probing = true;
    this.lastProbeAt = this.now();
    this.options.roomExists!(this.room.roomId).then(
      (exists) => {
        this.probing = false;
        if (exists === false && this.status === 'reconnecting') {
          this.giveUp('The match is no longer running: its server went away.', this.isAttempting());
        }
      },
      () => { this.probing = false; },
    );
  }

  /** Let the SDK's loop end at its next failure (at once if an attempt is in flight). */
  private giveUp(reason: string, abortAttempt: boolean): void {
    if (this.giveUpReason) return;
    this.giveUpReason = reason;
    const rc = this.room.reconnection;
    rc.maxRetries = rc.retryCount;
    if (abortAttempt) this.room.connection.close(MAY_TRY_RECONNECT, 'giving up');
  }

  private isAttempting(): boolean {
    const ws = this.socket();
    return ws !== undefined && (ws.readyState === WS_CONNECTING || ws.readyState === WS_OPEN);
  }

  /** The SDK transport's current WebSocket (undefined on other transports). */
  private socket(): { readyState: number } | undefined {
    const transport = (this.room.connection as unknown as { transport?: { ws?: { readyState: number } } }).transport;
    return transport?.ws;
  }
}
