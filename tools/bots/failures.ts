/** Why a join failed, as a short, fixed label for the report (the first message of each is kept as an example). */
export type JoinFailure =
  | 'timeout'
  | 'invalid_options'
  | 'room_unavailable'
  | 'room_full'
  | 'unknown_room_type'
  | 'rate_limited'
  | 'refused'
  | 'unreachable'
  | 'no_room'
  | 'other';

export class JoinTimeoutError extends Error {
  constructor(ms: number) {
    super(`join did not complete within ${ms} ms`);
    this.name = 'JoinTimeoutError';
  }
}

/** A follower could not join because its room's creator never managed to create it. */
export class NoRoomError extends Error {
  constructor(roomIndex: number) {
    super(`the bot creating room #${roomIndex} failed, so there is no room to join`);
    this.name = 'NoRoomError';
  }
}

/** Codes are HTTP statuses; the server's error reason (docs/PROTOCOL.md) leads the message. */
export function joinFailureReason(err: unknown): JoinFailure {
  if (err instanceof JoinTimeoutError) return 'timeout';
  if (err instanceof NoRoomError) return 'no_room';
  const e = err as { code?: number; message?: string };
  const message = String(e?.message ?? err);
  switch (e?.code) {
    case 400: return 'invalid_options';
    case 429: return 'rate_limited'; // rate_limited and too_many_guesses alike
    case 401: case 403: return 'refused';
    // `not_found`: no such room type; `room_not_found` (shown as "No open room with that code"): no such room.
    case 404: return message.startsWith('not_found') ? 'unknown_room_type' : 'room_unavailable';
    default: break;
  }
  if (/rate.?limit|too many requests/i.test(message)) return 'rate_limited';
  if (/already full|is full|locked/i.test(message)) return 'room_full';
  if (/origin|unauthori[sz]ed|forbidden/i.test(message)) return 'refused';
  if (/reach|ECONNREFUSED|ECONNRESET|fetch failed|network|socket hang up/i.test(message)) return 'unreachable';
  return 'other';
}

/** Race `promise` against a timeout; a late success is cleaned up by `onLate`. */
export function withTimeout<T>(promise: Promise<T>, ms: number, onLate: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new JoinTimeoutError(ms));
    }, ms);
    promise.then((value) => {
      clearTimeout(timer);
      if (settled) onLate(value);
      else resolve(value);
    }, (err: unknown) => {
      clearTimeout(timer);
      if (!settled) reject(err);
    });
  });
}
