import { AIM_STEPS_PER_TURN } from '../../shared/limits.ts';
import { JoinError, Lobby } from '../../game-client/net/lobby.ts';
import type { ArenaSession, InputSample } from '../../game-client/net/session.ts';

/**
 * One soak bot's life: matchmake through `Lobby` (quick play, a private room, or a friend's
 * code), play with wandering inputs for a while through `ArenaSession`, then leave. Deliberately
 * small: the soak looks for leaks and errors over time, not at how bots play (the issue-4 bot
 * runner can replace this; see soak.ts).
 */

export interface BotTally {
  joins: number;
  joinFailures: Record<string, number>;
  leaves: number;
  /** Leaves the server had not confirmed after LEAVE_WAIT_MS (a lost leave; the session must still end). */
  slowLeaves: number;
  reconnects: number;
  reconnectsBack: number;
  /** Sessions that ended in a way other than our own leave or a finished match, by reason. */
  unexpectedCloses: Record<string, number>;
  inputsSent: number;
}

export function emptyTally(): BotTally {
  return { joins: 0, joinFailures: {}, leaves: 0, slowLeaves: 0, reconnects: 0, reconnectsBack: 0, unexpectedCloses: {}, inputsSent: 0 };
}

export interface BotPlan {
  lobby: Lobby;
  name: string;
  lifetimeMs: number;
  /** Private codes other bots opened, to join by code. */
  codes: string[];
  random: () => number;
  /** Stop early (the soak is ending). */
  stopping: () => boolean;
}

const FRAME_MS = 16;
const LEAVE_WAIT_MS = 3000;

function wander(random: () => number): () => InputSample {
  let sample: InputSample = { moveX: 0, moveY: 0, aim: 0, fire: false };
  let changeAt = 0;
  return () => {
    const now = performance.now();
    if (now >= changeAt) {
      const axis = () => Math.floor(random() * 3) - 1;
      sample = { moveX: axis(), moveY: axis(), aim: Math.floor(random() * AIM_STEPS_PER_TURN), fire: random() < 0.3 };
      changeAt = now + 400 + random() * 1600;
    }
    return sample;
  };
}

async function enter(plan: BotPlan): Promise<ArenaSession> {
  const roll = plan.random();
  if (roll < 0.15) {
    const session = await plan.lobby.createPrivate(plan.name);
    plan.codes.push(session.code);
    if (plan.codes.length > 20) plan.codes.shift();
    return session;
  }
  if (roll < 0.3 && plan.codes.length > 0) {
    const code = plan.codes[Math.floor(plan.random() * plan.codes.length)]!;
    try {
      return await plan.lobby.joinByCode(code, plan.name);
    } catch (err) {
      // The room may have ended or filled since: fall back to quick play, like a person would.
      if (!(err instanceof JoinError)) throw err;
    }
  }
  return plan.lobby.quickPlay(plan.name);
}

/** Run one bot life; never throws (everything lands in the tally). */
export async function liveOnce(plan: BotPlan, tally: BotTally): Promise<void> {
  let session: ArenaSession;
  try {
    session = await enter(plan);
  } catch (err) {
    const key = (err as Error).message.slice(0, 80);
    tally.joinFailures[key] = (tally.joinFailures[key] ?? 0) + 1;
    return;
  }
  tally.joins++;
  let ended: { code: number; reason: string } | undefined;
  session.events.on('closed', (c) => { ended = c; });
  session.events.on('connection', (c) => {
    if (c.status === 'reconnecting') tally.reconnects++;
    if (c.status === 'playing') tally.reconnectsBack++;
  });
  const sample = wander(plan.random);
  const end = performance.now() + plan.lifetimeMs;
  let chatAt = performance.now() + 5000 + plan.random() * 20_000;
  while (performance.now() < end && !plan.stopping() && session.status !== 'closed') {
    const now = performance.now();
    session.update(now, sample);
    session.frame(now);
    if (now > chatAt) {
      session.sendChat(`gg from ${plan.name}`);
      chatAt = now + 20_000 + plan.random() * 40_000;
    }
    await new Promise((r) => setTimeout(r, FRAME_MS));
  }
  tally.inputsSent += session.stats().inputsSent;
  if (session.status !== 'closed') {
    const left = await Promise.race([session.leave().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), LEAVE_WAIT_MS))]);
    tally.leaves++;
    if (!left) tally.slowLeaves++;
  } else if (ended && ended.code !== 4000 && ended.code !== 4200) {
    const key = `${ended.code} ${ended.reason}`.slice(0, 80);
    tally.unexpectedCloses[key] = (tally.unexpectedCloses[key] ?? 0) + 1;
  }
}
