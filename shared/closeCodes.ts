/**
 * WebSocket close codes this server uses, besides Colyseus' own
 * (4000 consented leave, 4001 server shutdown, 4002 error, 4003 failed to reconnect,
 * 4010 may try to reconnect; 1009 message too big, from the WebSocket layer).
 * Documented in docs/PROTOCOL.md; clients show a message per code.
 */
export const CLOSE_CODES = {
  /** The client kept sending messages that failed validation. */
  TOO_MANY_VIOLATIONS: 4100,
} as const;

export type GameCloseCode = (typeof CLOSE_CODES)[keyof typeof CLOSE_CODES];

/** Why a join or create was refused (the `message` of the matchmaking error starts with it). */
export const JOIN_REJECTIONS = {
  INVALID_OPTIONS: 'invalid_options',
  ROOM_FULL: 'room_full',
} as const;

export type JoinRejection = (typeof JOIN_REJECTIONS)[keyof typeof JOIN_REJECTIONS];
