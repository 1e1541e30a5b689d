import { matchMaker, ServerError } from '@colyseus/core';
import { matchmakingFailure } from '../http/errors.ts';
import { matchmakingUnavailable, withTimeout } from './guardedDriver.ts';

/** HTTP status and message prefix of a matchmaking request refused because this process is draining. */
export const SERVER_DRAINING = { status: 503, prefix: 'server_draining' } as const;

export interface MatchmakingGate {
  /** Why matchmaking must be refused right now, or undefined to let it through. */
  refusal(): ServerError | undefined;
  timeoutMs: number;
}

type InvokeMethod = typeof matchMaker.controller.invokeMethod;
let original: InvokeMethod | undefined;
let gate: MatchmakingGate | undefined;

/**
 * Every matchmaking request (join, create, join by code, reconnect) passes through Colyseus'
 * `controller.invokeMethod`. Wrap it once per process so a request is refused at once with a
 * clear reason when Redis is down or the process is draining, and answered 503 rather than
 * left hanging when a dependency stalls mid-request. Every failure leaves in our error vocabulary
 * with a 4xx (or 503) status (server/http/errors.ts), never as Colyseus' own code and message.
 */
export function installMatchmakingGate(next: MatchmakingGate): () => void {
  gate = next;
  if (original === undefined) {
    const inner = matchMaker.controller.invokeMethod;
    original = inner;
    const invoke = (self: typeof matchMaker.controller, args: Parameters<InvokeMethod>): Promise<unknown> => {
      const current = gate;
      if (current === undefined) return inner.apply(self, args);
      const refusal = current.refusal();
      if (refusal) return Promise.reject(refusal);
      return withTimeout(inner.apply(self, args), current.timeoutMs, () => matchmakingUnavailable('matchmaking timed out'));
    };
    matchMaker.controller.invokeMethod = function guarded(this: typeof matchMaker.controller, ...args: Parameters<InvokeMethod>) {
      return invoke(this, args).catch((err: unknown) => {
        const failure = matchmakingFailure(err, args[0]);
        throw new ServerError(failure.status, failure.error);
      });
    } as InvokeMethod;
  }
  return () => {
    if (gate === next) gate = undefined;
  };
}

export const SERVER_DRAINING_MESSAGE = `${SERVER_DRAINING.prefix}: this server is restarting; try again`;

export function serverDraining(): ServerError {
  return new ServerError(SERVER_DRAINING.status, SERVER_DRAINING_MESSAGE);
}
