import { Lobby } from '../../game-client/net/lobby.ts';
import type { RenderFrame } from '../../game-client/net/renderModel.ts';
import type { ArenaSession } from '../../game-client/net/session.ts';
import { BotBrain } from './behaviour.ts';
import { ExperienceMeter } from './experience.ts';
import { lightLink } from './lightLink.ts';
import { rawArenaConnection } from './rawArena.ts';
import { MeteredClient, type MeteredRoom } from './meteredClient.ts';
import type { BotLink, JoinPlan, LinkFactory, LinkMeters, LinkSnapshot, LinkTarget } from './types.ts';

/** `ws://host:port` and `http://host:port` both work: the SDK and Lobby want the HTTP form. */
export function httpBase(url: string): string {
  return url.replace(/^ws(s?):\/\//, 'http$1://').replace(/\/+$/, '');
}

function announcedPatchIntervalMs(room: MeteredRoom): number | undefined {
  const ms = room.clock.patchInterval?.() ?? 0;
  return ms > 0 ? ms : undefined;
}

/**
 * A `Lobby` (the way players join) whose SDK client meters the connection, and for light bots
 * does not decode state. `room()` is the SDK room of the join, once it is made.
 */
export function meteredLobby(target: LinkTarget, decodeState: boolean, meters: LinkMeters, options: { guest?: boolean } = {}) {
  let client: MeteredClient | undefined;
  const lobby = new Lobby(httpBase(target.url), {
    roomName: target.roomName,
    ...(options.guest === false ? { auth: null } : {}),
    createClient: (base, options, net) => (client = new MeteredClient(base, options, net, decodeState, meters.patchGaps)),
  });
  const room = () => {
    if (client?.lastRoom === undefined) throw new Error('metered client made no room');
    return client.lastRoom;
  };
  return { lobby, room };
}

/** A full bot: `ArenaSession` (decoded state, the client netcode), deciding from its frames. */
async function joinFull(target: LinkTarget, plan: JoinPlan, meters: LinkMeters): Promise<BotLink> {
  const { lobby, room: getRoom } = meteredLobby(target, true, meters);
  const { route, name } = plan;
  const session: ArenaSession = route.via === 'quick' ? await lobby.quickPlay(name)
    : route.via === 'create' ? await lobby.createPrivate(name, { maxPlayers: route.maxPlayers })
    : await lobby.joinByCode(route.code, name);
  const room = getRoom();
  const brain = new BotBrain(plan.role, plan.seed);
  const experience = new ExperienceMeter();
  const closed = new Promise<number>((resolve) => {
    if (session.status === 'closed') resolve(0);
    session.events.on('closed', ({ code }) => resolve(code));
  });
  return {
    code: session.code,
    closed,
    update(nowMs) {
      // One rendered frame per update (about every 35 ms, like a 30 fps screen): what the player sees.
      const frame: RenderFrame = session.frame(nowMs);
      experience.observe(frame, nowMs);
      session.update(nowMs, () => brain.decide(frame));
    },
    snapshot(): LinkSnapshot {
      const stats = session.stats();
      return {
        traffic: { ...room.traffic },
        inputsSent: stats.inputsSent,
        inputsAcked: stats.inputsAcked,
        pingMs: room.lastPingMs ?? stats.pingMs,
        patchIntervalMs: announcedPatchIntervalMs(room),
        corrections: stats.corrections,
        bufferUnderruns: stats.underruns,
        frames: experience.frames,
        visibleSnaps: experience.visibleSnaps,
        renderStalls: experience.renderStalls,
        renderRewinds: experience.renderRewinds,
      };
    },
    leave: () => session.leave(),
  };
}

/** A light bot: same matchmaking and inputs, on a raw WebSocket; state frames counted and dropped (rawArena.ts). */
async function joinLight(target: LinkTarget, plan: JoinPlan, meters: LinkMeters): Promise<BotLink> {
  return lightLink(await rawArenaConnection(httpBase(target.url), target.roomName, plan.route, plan.name, meters.patchGaps), plan);
}

/** Bots for this project's arena server. */
export function createLinkFactory(target: LinkTarget): LinkFactory {
  return {
    join: (plan, meters) => (plan.kind === 'full' ? joinFull(target, plan, meters) : joinLight(target, plan, meters)),
  };
}
