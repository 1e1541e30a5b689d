import { DEFAULT_PATCH_INTERVAL_MS } from '../../shared/limits.ts';
import { InputClock } from '../../game-client/net/inputClock.ts';
import type { InputSample } from '../../game-client/net/session.ts';
import { BotBrain } from './behaviour.ts';
import type { TrafficCounters } from './types.ts';
import type { BotLink, JoinPlan, LinkSnapshot } from './types.ts';

/**
 * A light bot's connection, whatever the protocol: it sends inputs and pings and counts bytes,
 * and never decodes state. The arena's is in lightSession.ts; benchmarks add their baselines'.
 */
export interface LightConnection {
  readonly code: string;
  /** Resolves with the close code. */
  readonly closed: Promise<number>;
  send(input: InputSample): void;
  ping(): void;
  traffic(): TrafficCounters;
  /** Latest ping round trip, ms. */
  pingMs(): number | undefined;
  inputsSent(): number;
  inputsAcked(): number;
  /** Patch interval the server announced, if it does. */
  patchIntervalMs(): number | undefined;
  leave(): Promise<void>;
}

const PING_INTERVAL_MS = 2000;

/**
 * A light bot: inputs at the server's tick rate (the client's own input clock) from a blind
 * brain, and a ping every two seconds, like the game client's session.
 */
export function lightLink(connection: LightConnection, plan: JoinPlan): BotLink {
  const clock = new InputClock();
  const brain = new BotBrain(plan.role, plan.seed);
  let open = true;
  const pinger = setInterval(() => connection.ping(), PING_INTERVAL_MS);
  connection.ping();
  const closed = connection.closed.then((code) => {
    open = false;
    clearInterval(pinger);
    return code;
  });
  return {
    code: connection.code,
    closed,
    update(nowMs) {
      if (!open) return;
      const steps = clock.advance(nowMs);
      for (let i = 0; i < steps; i++) connection.send(brain.decide(undefined));
    },
    snapshot(): LinkSnapshot {
      return {
        traffic: { ...connection.traffic() },
        inputsSent: connection.inputsSent(),
        inputsAcked: connection.inputsAcked(),
        pingMs: connection.pingMs(),
        patchIntervalMs: connection.patchIntervalMs() ?? DEFAULT_PATCH_INTERVAL_MS,
      };
    },
    leave: async () => {
      clearInterval(pinger);
      await connection.leave();
    },
  };
}
