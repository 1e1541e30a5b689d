import { InputEncoder } from '@colyseus/schema/input';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputFrames, rawArenaConnection } from '../../../tools/bots/rawArena.ts';
import type { InputSample } from '../../../game-client/net/session.ts';
import { InputMessage } from '../../../server/rooms/inputSchema.ts';
import { joinArenaById, leaveAll, type ArenaRoom } from '../../helpers/clients.ts';
import { startTestServer } from '../../helpers/server.ts';
import { waitFor } from '../../helpers/wait.ts';

/**
 * The raw light bots (tools/bots/rawArena.ts) speak Colyseus' wire protocol by hand: their
 * input frames must be byte for byte the SDK's, and a real server must take them as a client.
 */

const ROOM_INPUT_RELIABLE = 19;
/** A client frame made by rawWebSocket.ts: FIN + binary, masked length, zero masking key, payload. */
const payloadOf = (frame: Buffer) => frame.subarray(6);

describe('raw light bots', () => {
  it('send the same input bytes as the SDK\'s input handle, delta by delta', () => {
    const inputs: InputSample[] = [
      { moveX: 0, moveY: 0, aim: 0, fire: false },
      { moveX: 1, moveY: 0, aim: 0, fire: false },
      { moveX: 1, moveY: 0, aim: 30000, fire: true },
      { moveX: 1, moveY: 0, aim: 30000, fire: true },
      { moveX: -1, moveY: 1, aim: 65535, fire: false },
    ];
    const raw = new InputFrames();
    const instance = new InputMessage() as unknown as Record<string, unknown>;
    Object.assign(instance, { seq: 0, moveX: 0, moveY: 0, aim: 0, fire: false, viewTick: 0 });
    const sdk = new InputEncoder(instance as never);
    sdk.encode(); // the SDK's handle starts from the zeroed instance, which it has sent nothing of
    inputs.forEach((sample, i) => {
      Object.assign(instance, { seq: i + 1, ...sample });
      const expected = Buffer.concat([Buffer.from([ROOM_INPUT_RELIABLE]), Buffer.from(sdk.encode())]);
      const { frame, payloadBytes } = raw.frame(i + 1, sample);
      if (i === 0) {
        // The very first input: the raw bot sends every field; the SDK only those off their zero value.
        expect(payloadOf(frame).subarray(0, 6)).toEqual(expected.subarray(0, 6));
        return;
      }
      expect(payloadOf(frame)).toEqual(expected);
      expect(payloadBytes).toBe(expected.length);
    });
  });

  describe('against a real server', () => {
    let server: Awaited<ReturnType<typeof startTestServer>>;
    const rooms: ArenaRoom[] = [];
    beforeAll(async () => { server = await startTestServer({ security: { rateLimitExemptIps: ['127.0.0.1'] } as never }); });
    afterAll(async () => {
      await leaveAll(rooms);
      await server?.close();
    });

    it('join a room, play, have their inputs acknowledged and their pings answered, and leave', async () => {
      const gaps: number[] = [];
      const bot = await rawArenaConnection(server.endpoint, 'arena', { via: 'create' }, 'rawbot', { record: (v) => gaps.push(v) });
      const watcher = await joinArenaById(server.endpoint, bot.code, { name: 'watcher' });
      rooms.push(watcher);
      const botId = await waitFor('the bot in the roster', () => [...(watcher.state.players as unknown as Map<string, { name: string }>).entries()].find(([, p]) => p.name === 'rawbot')?.[0]);
      for (let i = 0; i < 30; i++) {
        bot.send({ moveX: 1, moveY: 0, aim: 100, fire: false });
        await new Promise((resolve) => setTimeout(resolve, 33));
      }
      bot.ping();
      await waitFor('every input acknowledged', () => bot.inputsAcked() === 30, { timeoutMs: 5000 });
      await waitFor('the ping answered', () => bot.pingMs() !== undefined, { timeoutMs: 5000 });
      // It moved in the server's simulation (seen by another client), and received patches all along.
      await waitFor('moved right', () => (watcher.state.players.get(botId)?.x ?? 0) > 0 && bot.traffic().patches > 10);
      expect(gaps.length).toBeGreaterThan(5);
      expect(bot.traffic().patchBytes).toBeLessThanOrEqual(bot.traffic().bytesIn);
      await bot.leave();
      expect(await bot.closed).toBe(4000);
      await waitFor('gone from the roster', () => !watcher.state.players.get(botId));
    });
  });
});
