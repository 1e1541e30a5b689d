import type { MeteredRoom } from './meteredClient.ts';
import type { LightConnection } from './lightLink.ts';

/**
 * A light bot's connection to the arena: the same inputs as `ArenaSession` sends (input channel,
 * same fields, seq = inputs sent + 1), state frames counted by the metered room and dropped.
 */
export function arenaLightConnection(room: MeteredRoom): LightConnection {
  const input = room.input<{ seq: number; moveX: number; moveY: number; aim: number; fire: boolean }>();
  // Server messages (kill feed, chat) are not needed; a '*' handler keeps the SDK quiet.
  room.onMessage('*', () => undefined);
  const closed = new Promise<number>((resolve) => room.onLeave((code: number) => resolve(code)));
  return {
    code: room.roomId,
    closed,
    send(sample) {
      const data = input.data;
      data.seq = input.sentCount + 1;
      data.moveX = sample.moveX;
      data.moveY = sample.moveY;
      data.aim = sample.aim;
      data.fire = sample.fire;
      input.send();
    },
    // The metered room times the round trip itself (finer than the SDK callback's whole ms).
    ping() { if (room.connection?.isOpen) room.ping(() => undefined); },
    traffic: () => room.traffic,
    pingMs: () => room.lastPingMs,
    inputsSent: () => input.sentCount,
    inputsAcked: () => input.lastProcessed,
    patchIntervalMs() {
      const ms = room.clock.patchInterval?.() ?? 0;
      return ms > 0 ? ms : undefined;
    },
    leave: async () => { if (room.connection?.isOpen) await room.leave(true); },
  };
}
