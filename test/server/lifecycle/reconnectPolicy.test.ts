import { describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../../shared/closeCodes.ts';
import { holdsSeat } from '../../../server/lifecycle/reconnectPolicy.ts';

const drop = (code: number | undefined, extra: Partial<Parameters<typeof holdsSeat>[0]> = {}) =>
  holdsSeat({ code, serverCloseCode: undefined, superseded: false, ...extra });

describe('which drops keep the seat', () => {
  it('network losses do', () => {
    for (const code of [1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014, 4010, undefined]) expect(drop(code)).toBe(true);
  });

  it('closes the server made on purpose do not, whatever the peer echoed', () => {
    for (const code of [4002, CLOSE_CODES.TOO_MANY_VIOLATIONS, 4101, 4150, 1008, 1009, 4001, CLOSE_CODES.MATCH_ENDED, CLOSE_CODES.SHUTDOWN_DEADLINE]) {
      expect(drop(code)).toBe(false);
    }
    // A kicked client that never sends a close frame back shows up as 1006.
    expect(drop(1006, { serverCloseCode: CLOSE_CODES.TOO_MANY_VIOLATIONS })).toBe(false);
  });

  it('a stale socket replaced by its own reconnection does', () => {
    expect(drop(4002, { superseded: true })).toBe(true);
  });
});
