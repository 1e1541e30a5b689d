import { CLOSE_CODES } from '../../shared/closeCodes.ts';

/**
 * A small, fixed set of label values for why a player left (never the raw code: label values
 * must not be chosen by clients). Codes are those of docs/PROTOCOL.md.
 */
export type LeaveReason = 'consented' | 'dropped' | 'shutdown' | 'protocol_error' | 'violations' | 'message_too_big' | 'other';

export function leaveReason(code: number | undefined): LeaveReason {
  switch (code) {
    case 4000: return 'consented';
    case 1000: case 1001: case 1005: case 1006: return 'dropped';
    case 4001: return 'shutdown';
    case 4002: return 'protocol_error';
    case CLOSE_CODES.TOO_MANY_VIOLATIONS: return 'violations';
    case 1009: return 'message_too_big';
    default: return 'other';
  }
}
