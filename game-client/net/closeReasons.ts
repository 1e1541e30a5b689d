import { CLOSE_CODES } from '../../shared/closeCodes.ts';

/** A sentence a player can read for each way a room connection ends. */
export function describeClose(code: number): string {
  switch (code) {
    case 4000: return 'You left the room.';
    case 4001: return 'The server is shutting down.';
    case 4002: return 'Disconnected: the server rejected a message.';
    case 4003: return 'Connection lost: could not rejoin the room.';
    case CLOSE_CODES.TOO_MANY_VIOLATIONS: return 'Disconnected: too many invalid messages.';
    case CLOSE_CODES.RATE_LIMITED: return 'Disconnected: sending too fast.';
    case CLOSE_CODES.JOIN_TIMEOUT: return 'Disconnected: joining took too long.';
    case CLOSE_CODES.SESSION_REPLACED: return 'You joined this room again somewhere else.';
    case 1008: return 'Disconnected: the server refused a message.';
    case CLOSE_CODES.MATCH_ENDED: return 'The match is over.';
    case CLOSE_CODES.SHUTDOWN_DEADLINE: return 'The server restarted: the match was closed.';
    case 1009: return 'Disconnected: a message was too large.';
    case 1000: return 'The room closed.';
    default: return `Connection lost (code ${code}).`;
  }
}
