import { log } from '../observability/log.ts';
import { securityRejectionsTotal } from '../observability/metrics.ts';

/** Where a rule refused something. */
export type RejectionStage = 'tcp' | 'http' | 'upgrade' | 'auth' | 'message' | 'connection';

/**
 * Why. A closed vocabulary (it becomes a metric label, so it must stay small) and the words
 * SECURITY.md documents.
 */
export type RejectionReason =
  // addresses and origins
  | 'too_many_connections' | 'origin_not_allowed' | 'origin_missing' | 'token_in_url'
  // HTTP shape and rate
  | 'body_too_large' | 'length_required' | 'rate_limited' | 'bad_request'
  // a guessing budget (secretGuesses.ts) ran out; an address held too many unplayed seats in a room
  | 'too_many_guesses' | 'too_many_pending_seats'
  // guest tokens (see guestTokens.ts)
  | 'token_missing' | 'token_malformed' | 'token_expired' | 'token_bad_signature' | 'token_alg_not_allowed' | 'token_bad_claims'
  // frames and messages
  | 'frame_too_large' | 'too_many_fragments' | 'invalid_frame'
  | 'text_frame' | 'empty_frame' | 'unsupported_frame' | 'malformed_frame' | 'malformed_input' | 'malformed_payload'
  | 'payload_too_deep' | 'unknown_message' | 'invalid_message' | 'handler_threw'
  | 'input_rate' | 'message_rate' | 'request_rate' | 'ping_rate' | 'control_rate' | 'chat_rate'
  // connection life cycle
  | 'join_timeout' | 'slow_consumer' | 'too_many_violations' | 'session_replaced';

export interface RejectionContext {
  /** Client address (never a token, a cookie or a URL with its query). */
  ip?: string;
  sessionId?: string;
  roomId?: string;
  /** Short, non-secret detail; cut to 120 characters. */
  detail?: string;
}

/** At most this many log lines per stage+reason per window: a flood must not become a log flood. */
const LOG_LINES_PER_WINDOW = 5;
const LOG_WINDOW_MS = 10_000;
const logWindows = new Map<string, { startMs: number; lines: number; suppressed: number }>();

/** Count a rejection in `/metrics` and log it (rate-limited, without secrets). */
export function recordRejection(stage: RejectionStage, reason: RejectionReason, context: RejectionContext = {}): void {
  securityRejectionsTotal.inc({ stage, reason });
  const key = `${stage}:${reason}`;
  const now = Date.now();
  let window = logWindows.get(key);
  if (window === undefined || now - window.startMs >= LOG_WINDOW_MS) {
    const suppressed = window?.suppressed ?? 0;
    window = { startMs: now, lines: 0, suppressed: 0 };
    logWindows.set(key, window);
    if (suppressed > 0) log.warn({ stage, reason, suppressed }, 'similar rejections not logged');
  }
  if (window.lines >= LOG_LINES_PER_WINDOW) {
    window.suppressed++;
    return;
  }
  window.lines++;
  const fields: Record<string, unknown> = { stage, reason };
  if (context.ip !== undefined) fields.ip = context.ip;
  if (context.sessionId !== undefined) fields.sessionId = context.sessionId;
  if (context.roomId !== undefined) fields.roomId = context.roomId;
  if (context.detail !== undefined) fields.detail = context.detail.slice(0, 120);
  log.warn(fields, 'rejected');
}
