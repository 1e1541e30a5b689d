import { matchMaker } from '@colyseus/core';
import type { World } from '../../shared/sim/world.ts';
import type { ArenaRoom } from '../../server/rooms/ArenaRoom.ts';

/**
 * Reach into a room running in this test process (startTestServer), to arrange state and to
 * cut connections from the server side. Read-mostly: tests assert through clients.
 */
export function localRoom(code: string) {
  const room = matchMaker.getLocalRoomById(code) as ArenaRoom | undefined;
  if (!room) throw new Error(`room ${code} is not in this process`);
  const internals = room as unknown as { world: World; lifecycle: { afterStep(): void } };
  return {
    room,
    world: () => internals.world,
    /** Called after every simulation step, with the world. */
    onStep(listener: (world: World) => void) {
      const lifecycle = internals.lifecycle;
      const next = lifecycle.afterStep.bind(lifecycle);
      lifecycle.afterStep = () => {
        listener(internals.world);
        next();
      };
    },
    /** Drop a client's socket the way a dead network or the heartbeat does (no close frame). */
    terminate(sessionId: string) {
      const client = room.clients.find((c) => c.sessionId === sessionId);
      if (!client) throw new Error(`no client ${sessionId} in ${code}`);
      (client.ref as unknown as { terminate(): void }).terminate();
    },
  };
}
