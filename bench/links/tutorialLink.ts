import { meteredLobby } from '../../tools/bots/arenaLinks.ts';
import { lightLink } from '../../tools/bots/lightLink.ts';
import type { BotLink, JoinPlan, LinkFactory, LinkMeters, LinkTarget } from '../../tools/bots/types.ts';

/**
 * Bots for the tutorial-style baseline: the same matchmaking path (`Lobby`, a metered SDK client
 * that does not decode state) and the same input stream, sent the tutorial's way: one plain
 * `input` message per tick (`room.send`), not the input channel.
 */
async function join(target: LinkTarget, plan: JoinPlan, meters: LinkMeters): Promise<BotLink> {
  const { lobby, room: meteredRoom } = meteredLobby(target, false, meters, { guest: false }); // the baseline has no guest tokens
  const room = await lobby.joinRoom(plan.route, plan.name);
  const metered = meteredRoom();
  room.onMessage('*', () => undefined);
  let seq = 0;
  return lightLink({
    code: room.roomId,
    closed: new Promise((resolve) => room.onLeave((code: number) => resolve(code))),
    send(input) { room.send('input', { seq: ++seq, ...input }); },
    ping() { if (room.connection?.isOpen) room.ping(() => undefined); },
    traffic: () => metered.traffic,
    pingMs: () => metered.lastPingMs,
    inputsSent: () => seq,
    inputsAcked: () => 0,
    patchIntervalMs: () => undefined,
    leave: async () => { if (room.connection?.isOpen) await room.leave(true); },
  }, plan);
}

export function createLinkFactory(target: LinkTarget): LinkFactory {
  return { join: (plan, meters) => join(target, plan, meters) };
}
