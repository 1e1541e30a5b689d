/**
 * WebSocket close codes this server uses, besides Colyseus' own
 * (4000 consented leave, 4001 server shutdown, 4002 error, 4003 failed to reconnect,
 * 4010 may try to reconnect; 1009 message too big, from the WebSocket layer).
 * Documented in docs/PROTOCOL.md; clients show a message per code.
 */
export const CLOSE_CODES = {
  /** The client kept sending messages that failed validation. */
  TOO_MANY_VIOLATIONS: 4100,
  /** The client kept sending faster than its rate limit after being dropped for it. */
  RATE_LIMITED: 4101,
  /** The WebSocket opened but never acknowledged its join in time. */
  JOIN_TIMEOUT: 4102,
  /** The same guest session joined this room on another connection (one avatar per session). */
  SESSION_REPLACED: 4103,
  /** An operator removed the player (admin API: kick, or a ban of its profile). */
  KICKED_BY_ADMIN: 4104,
  /** The match ran its full length; a `matchEnd` message with the final scores came just before. */
  MATCH_ENDED: 4200,
  /**
   * The server is shutting down and its drain deadline arrived before the match's own end;
   * a `matchEnd` message (reason `shutdown`) with the scores so far came just before.
   */
  SHUTDOWN_DEADLINE: 4201,
} as const;

/**
 * Close codes the server uses to remove a client on purpose (protocol errors, violations,
 * rate limits, oversized frames). A client closed with one of these never gets its seat held
 * for reconnection. Policy closes added later belong in 4100-4199 so this stays true.
 */
export const KICK_CODE_RANGE = { min: 4100, max: 4199 } as const;

export type GameCloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];

/** Why a join or create was refused (the `message` of the matchmaking error starts with it). */
export const JOIN_REJECTIONS = {
  INVALID_OPTIONS: 'invalid_options',
  ROOM_FULL: 'room_full',
  /** Every spectator seat of the room is taken (its players may still have room). */
  SPECTATORS_FULL: 'spectators_full',
  /** Missing, expired or forged guest token (HTTP 401). */
  AUTH_FAILED: 'auth_failed',
  /** Too many requests from this address (HTTP 429). */
  RATE_LIMITED: 'rate_limited',
  /** The page's origin is not allowed to use this server (HTTP 403). */
  ORIGIN_NOT_ALLOWED: 'origin_not_allowed',
  /** The player's profile is banned (HTTP 403; the operator's reason follows). */
  BANNED: 'banned',
} as const;

export type JoinRejection = (typeof JOIN_REJECTIONS)[keyof typeof JOIN_REJECTIONS];
