import type { Client } from '@colyseus/core';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { MAX_VIOLATIONS_PER_CLIENT } from '../../shared/limits.ts';
import { log } from '../observability/log.ts';
import { violationsTotal } from '../observability/metrics.ts';
import { guardOf } from '../security/connectionGuard.ts';

export type ViolationKind = 'invalid_message' | 'unknown_message';

/**
 * Counts what each connection did wrong. A violation drops the message and is counted and
 * logged; a connection that keeps at it is closed with TOO_MANY_VIOLATIONS. Nothing here
 * touches other clients.
 */
export class ViolationTracker {
  private readonly counts = new WeakMap<Client, number>();

  constructor(private readonly roomId: () => string, private readonly maxPerClient = MAX_VIOLATIONS_PER_CLIENT) {}

  record(client: Client, kind: ViolationKind, detail: string): void {
    // One count per connection, shared with the frame checks of its guard (server/security).
    const guard = guardOf(client.ref);
    if (guard !== undefined) {
      guard.strike(kind, { sessionId: client.sessionId, roomId: this.roomId(), detail });
      return;
    }
    violationsTotal.inc({ kind });
    const count = (this.counts.get(client) ?? 0) + 1;
    this.counts.set(client, count);
    // Log the first few per client only: a flood must not become a log flood.
    if (count <= 3) log.warn({ roomId: this.roomId(), sessionId: client.sessionId, kind, detail: detail.slice(0, 200) }, 'message rejected');
    if (count === this.maxPerClient + 1) {
      log.warn({ roomId: this.roomId(), sessionId: client.sessionId, count }, 'closing client after repeated violations');
      client.leave(CLOSE_CODES.TOO_MANY_VIOLATIONS, 'too many invalid messages');
    }
  }
}
