import type { ServerResponse } from 'node:http';
import { ErrorCode, ServerError } from '@colyseus/core';
import type { Application, NextFunction, Request, Response } from 'express';
import { routeLayersOf } from '../adapters/expressRouter.ts';
import { log } from '../observability/log.ts';

/**
 * Every error any HTTP route answers, in one shape: `{ code, error }` with `code` the HTTP status
 * and `error` a reason from a closed vocabulary (optionally `reason: detail`, where the detail is
 * our own text, never a library's). No stack trace, file path or dependency message ever reaches a
 * client, whatever NODE_ENV says: Express' own error and 404 pages (HTML with a stack trace outside
 * production) are never used.
 */
export interface ErrorBody {
  code: number;
  error: string;
}

/**
 * Reasons an error body may start with. Ours, written by this server (SECURITY.md and
 * docs/PROTOCOL.md list them): anything else is replaced before it is sent.
 */
export const ERROR_REASONS = [
  'bad_request', 'unauthorised', 'forbidden', 'not_found', 'method_not_allowed', 'length_required', 'body_too_large',
  'unsupported_media_type', 'rate_limited', 'too_many_guesses', 'internal_error', 'service_unavailable',
  // matchmaking and guest sessions (shared/closeCodes.ts JOIN_REJECTIONS and the edge)
  'invalid_options', 'auth_failed', 'origin_not_allowed', 'origin_missing', 'token_in_url', 'room_not_found', 'room_full',
  'spectators_full', 'reconnection_failed', 'matchmaking_unavailable', 'server_draining', 'too_many_viewers', 'banned',
] as const;
export type ErrorReason = (typeof ERROR_REASONS)[number];

const REASON_WORDS: ReadonlySet<string> = new Set(ERROR_REASONS);
const REASON_PREFIX = /^([a-z_]+)(?::|$)/;

/** True when `message` is one of our reasons (with or without `: detail`). */
export function isOurReason(message: string): boolean {
  const m = REASON_PREFIX.exec(message);
  return m !== null && REASON_WORDS.has(m[1]!);
}

/** Answer `status` with the fixed JSON error body; extra headers (e.g. Retry-After) may be added. */
export function sendError(res: ServerResponse, status: number, error: ErrorReason | string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    // A response already under way cannot change its status: end it rather than send half of it.
    res.destroy();
    return;
  }
  const body = JSON.stringify({ code: status, error: isOurReason(error) ? error : defaultReason(status) } satisfies ErrorBody);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(body)),
    'cache-control': 'no-store',
  });
  res.end(body);
}

function defaultReason(status: number): ErrorReason {
  switch (status) {
    case 401: return 'unauthorised';
    case 403: return 'forbidden';
    case 404: return 'not_found';
    case 405: return 'method_not_allowed';
    case 411: return 'length_required';
    case 413: return 'body_too_large';
    case 415: return 'unsupported_media_type';
    case 429: return 'rate_limited';
    case 503: return 'service_unavailable';
    default: return status >= 500 ? 'internal_error' : 'bad_request';
  }
}

/** What went wrong with a request, as a status and a reason (4xx for the client's faults, else 500). */
export function classifyRequestError(err: unknown): { status: number; error: ErrorReason | string } {
  const e = err as { status?: unknown; statusCode?: unknown; type?: unknown; code?: unknown; message?: unknown } | undefined;
  // Refusals of matchmaking and the room list (Redis down, draining): our own 503 messages.
  if (err instanceof ServerError && err.code === 503 && isOurReason(err.message)) return { status: 503, error: err.message };
  // body-parser (the dashboard's sign-in form) says what was wrong in `type`.
  switch (e?.type) {
    case 'entity.too.large':
    case 'parameters.too.many':
      return { status: 413, error: 'body_too_large' };
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return { status: 415, error: 'unsupported_media_type' };
    default:
      break;
  }
  const status = Number(e?.status ?? e?.statusCode);
  if (Number.isInteger(status) && status >= 400 && status < 500) return { status, error: defaultReason(status) };
  return { status: 500, error: 'internal_error' };
}

/**
 * The last handlers of the Express app (mount after every route): an unknown path is 404, a known
 * path with a method it does not serve is 405 with `Allow`, and any error a route or middleware
 * raised (a malformed URL, cookie or body, a failed dependency) is answered in the fixed shape.
 * Unexpected errors (5xx) are logged here with their stack; the client gets `internal_error`.
 */
export function mountErrorHandling(app: Application): void {
  app.use((req: Request, res: Response) => {
    const allowed = allowedMethods(app, req.path);
    if (allowed.length === 0) return sendError(res, 404, 'not_found');
    sendError(res, 405, 'method_not_allowed', { allow: allowed.join(', ') });
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, error } = classifyRequestError(err);
    if (status >= 500 && status !== 503) log.error({ err, method: req.method, path: req.path }, 'request failed');
    sendError(res, status, error, status === 503 ? { 'retry-after': '2' } : {});
  });
}

/** Methods the app's routes serve at `path` (HEAD wherever GET is), upper case; empty if none. */
function allowedMethods(app: Application, path: string): string[] {
  const stack = routeLayersOf(app);
  const methods = new Set<string>();
  for (const layer of stack) {
    if (layer.route === undefined) continue;
    let matches: unknown;
    try {
      matches = layer.match(path);
    } catch {
      matches = false; // a path that does not even decode matches no route
    }
    if (!matches) continue;
    for (const method of Object.keys(layer.route.methods)) {
      if (method === '_all') continue;
      methods.add(method.toUpperCase());
      if (method === 'get') methods.add('HEAD');
    }
  }
  return [...methods].sort();
}

/**
 * Colyseus' matchmaking errors, in our vocabulary and with 4xx statuses. Colyseus answers with its
 * own codes (520–526, not HTTP statuses) and messages that quote the request (`room "X" not found`,
 * `invalid method "X"`) or tell rooms that exist from rooms that do not (`is locked`, `has been
 * disposed`, `token invalid`), which would turn a failed guess into an answer. Our own refusals
 * (invalid_options, auth_failed, room_full, 503s) keep their status and text.
 */
export function matchmakingFailure(err: unknown, method: string): { status: number; error: string } {
  const code = (err as { code?: unknown } | undefined)?.code;
  const message = String((err as { message?: unknown } | undefined)?.message ?? '');
  if (typeof code === 'number' && ((code >= 400 && code < 500) || code === 503) && isOurReason(message)) return { status: code, error: message };
  // A reconnection that fails for any reason (no such room, wrong or stale token) says only that.
  if (method === 'reconnect') return { status: 404, error: 'reconnection_failed' };
  switch (code) {
    case ErrorCode.MATCHMAKE_NO_HANDLER: return { status: 404, error: 'not_found' };
    case ErrorCode.MATCHMAKE_INVALID_CRITERIA:
    case ErrorCode.MATCHMAKE_INVALID_ROOM_ID:
    case ErrorCode.MATCHMAKE_EXPIRED:
      return { status: 404, error: 'room_not_found' };
    case ErrorCode.AUTH_FAILED: return { status: 401, error: 'auth_failed' };
    default: break;
  }
  // Colyseus' SeatReservationError (no code): the room had no seat left to reserve.
  if (/already full/.test(message)) return { status: 409, error: 'room_full' };
  log.error({ err, method }, 'matchmaking failed');
  return { status: 500, error: 'internal_error' };
}

