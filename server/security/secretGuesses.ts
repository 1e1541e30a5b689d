import { secretAttemptsTotal } from '../observability/metrics.ts';
import type { IncomingMessage } from 'node:http';
import type { AddressList } from './clientAddress.ts';
import { GUESS_LIMITS, MAX_TRACKED_ADDRESSES, SECRET_KINDS, type GuessLimit, type SecretKind } from './limits.ts';
import { recordRejection, type RejectionStage } from './rejections.ts';
import { KeyedBuckets, TokenBucket } from './tokenBucket.ts';

/** An attempt that may go ahead: report how it went, once. */
export interface Attempt {
  readonly ok: true;
  /** `nowMs` defaults to the monotonic clock (tests pass their own). */
  settle(success: boolean, nowMs?: number): void;
}

/** An attempt refused before the secret was looked at: wait this long (the true wait). */
export interface Refusal {
  readonly ok: false;
  retryAfterMs: number;
  /** Whose budget ran out: this address', or every address' together. */
  scope: 'address' | 'global';
}

/**
 * The guessing budget of every secret a client can present. Each kind has a per-address bucket and
 * a process-wide bucket of failed attempts, so neither one address nor many together can guess
 * fast, while honest use, which succeeds (a success only confirms what the client already knew),
 * costs nothing. An attempt while either bucket is empty is refused before the secret is checked,
 * so a refusal says nothing about whether the guess was right. Every attempt is counted in
 * `game_secret_attempts_total{secret, outcome}`.
 *
 * Callers key on the resolved client address (clientAddress.ts), never the TCP peer, so behind a
 * trusted proxy each client has its own budget.
 */
export class SecretGuesses {
  private readonly perAddress = new Map<SecretKind, KeyedBuckets>();
  private readonly globalFailures = new Map<SecretKind, TokenBucket>();

  /** `exempt`: the operator's load generators (RATE_LIMIT_EXEMPT_IPS) skip the per-address budget, not the global one. */
  constructor(readonly exempt: AddressList, limits: Record<SecretKind, GuessLimit> = GUESS_LIMITS, nowMs = performance.now()) {
    for (const kind of SECRET_KINDS) {
      this.perAddress.set(kind, new KeyedBuckets(limits[kind].perAddressFailures, MAX_TRACKED_ADDRESSES));
      this.globalFailures.set(kind, new TokenBucket(limits[kind].globalFailures, nowMs));
    }
  }

  /**
   * Ask before checking a secret `ip` presented. `stage` names where, for the rejection count and
   * log (`too_many_guesses`).
   */
  attempt(kind: SecretKind, ip: string, stage: RejectionStage, nowMs = performance.now()): Attempt | Refusal {
    const global = this.globalFailures.get(kind)!;
    const address = this.exempt.has(ip) ? undefined : this.perAddress.get(kind)!.bucket(ip, nowMs);
    const globalWaitMs = global.waitMs(nowMs);
    const addressWaitMs = address?.waitMs(nowMs) ?? 0;
    if (globalWaitMs > 0 || addressWaitMs > 0) {
      secretAttemptsTotal.inc({ secret: kind, outcome: 'refused' });
      recordRejection(stage, 'too_many_guesses', { ip, detail: kind });
      const scope = addressWaitMs >= globalWaitMs ? 'address' : 'global';
      return { ok: false, retryAfterMs: Math.max(globalWaitMs, addressWaitMs), scope };
    }
    // Charged now as if it will fail, and given back if it does not: guesses still in flight
    // (many sockets, many addresses at once) can never add up to more than the budget.
    address?.charge(nowMs, 1);
    global.charge(nowMs, 1);
    let settled = false;
    return {
      ok: true,
      settle: (success: boolean, settledAtMs = performance.now()) => {
        if (settled) return;
        settled = true;
        secretAttemptsTotal.inc({ secret: kind, outcome: success ? 'ok' : 'failed' });
        if (!success) return;
        address?.charge(settledAtMs, -1);
        global.charge(settledAtMs, -1);
      },
    };
  }
}

const upgradeAttempts = new WeakMap<IncomingMessage, Attempt>();

/** The edge admitted a WebSocket upgrade that spends a reconnection token: its guard settles it. */
export function holdUpgradeAttempt(req: IncomingMessage, attempt: Attempt): void {
  upgradeAttempts.set(req, attempt);
}

/** The attempt an upgrade carries, if any (once: the connection guard takes it). */
export function takeUpgradeAttempt(req: IncomingMessage): Attempt | undefined {
  const attempt = upgradeAttempts.get(req);
  upgradeAttempts.delete(req);
  return attempt;
}
