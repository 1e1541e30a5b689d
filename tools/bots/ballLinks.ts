import { GuestAuth } from '../../game-client/net/guestAuth.ts';
import { PITCH } from '../../shared/games/ball/rules.ts';
import { TICK_MS } from '../../shared/limits.ts';
import { httpBase } from './arenaLinks.ts';
import { strikerInput } from './ballStriker.ts';
import { MeteredClient } from './meteredClient.ts';
import type { BotLink, JoinPlan, LinkFactory, LinkMeters, LinkTarget } from './types.ts';

/** Inputs a late update may catch up at once (a stalled process does not flood the server). */
const MAX_CATCH_UP_INPUTS = 5;

/**
 * Bots for the ball game (`--room ball`): every bot decodes the (small, shared) state and plays
 * the striker behaviour (ballStriker.ts) for its team, one input per tick through the SDK's input
 * channel. Light and full bots are the same here: a ball room holds four players.
 */
async function joinBall(target: LinkTarget, plan: JoinPlan, meters: LinkMeters): Promise<BotLink> {
  const base = httpBase(target.url);
  const guest = new GuestAuth(base);
  const client = new MeteredClient(base, { fetchFn: guest.fetch }, {}, true, meters.patchGaps);
  const { route, name } = plan;
  const room = route.via === 'quick' ? await client.joinOrCreate<any>(target.roomName, { name })
    : route.via === 'create' ? await client.create<any>(target.roomName, { name, private: true, ...(route.maxPlayers !== undefined ? { maxPlayers: route.maxPlayers } : {}) })
    : await client.joinById<any>(route.code, { name });
  room.onMessage('*', () => undefined);
  // Our own numbering: the SDK's input handle restarts its count on a reconnection, while the
  // room and the rules drop any input at or below the last one applied (`resumed` says which).
  let seq = 0;
  room.onMessage('resumed', (m: { lastInputSeq: number }) => { seq = Math.max(seq, m.lastInputSeq); });
  const closed = new Promise<number>((resolve) => room.onLeave((code: number) => resolve(code)));
  const input = room.input();
  let nextInputAtMs: number | undefined;
  return {
    code: room.roomId,
    closed,
    update(nowMs) {
      nextInputAtMs ??= nowMs;
      const me = room.state?.players?.get(room.sessionId);
      const ball = room.state?.balls?.get('ball');
      if (me === undefined || ball === undefined) return;
      if (nowMs - nextInputAtMs > MAX_CATCH_UP_INPUTS * TICK_MS) nextInputAtMs = nowMs - MAX_CATCH_UP_INPUTS * TICK_MS;
      for (; nextInputAtMs <= nowMs; nextInputAtMs += TICK_MS) {
        Object.assign(input.data as object, { seq: ++seq, ...strikerInput(me, ball, me.team === 1 ? 1 : 0, PITCH) });
        input.send();
      }
    },
    snapshot() {
      return {
        traffic: { ...client.lastRoom!.traffic },
        inputsSent: input.sentCount,
        inputsAcked: room.state?.players?.get(room.sessionId)?.lastInputSeq ?? 0,
        pingMs: undefined,
        patchIntervalMs: undefined,
      };
    },
    leave: async () => { await room.leave(); },
  };
}

/** Bots for this project's ball room. */
export function createLinkFactory(target: LinkTarget): LinkFactory {
  return { join: (plan, meters) => joinBall(target, plan, meters) };
}
