import { matchMaker } from '@colyseus/core';
import { RoomInput } from '@colyseus/core/input/RoomInput';
import { InputEncoder } from '@colyseus/schema/input';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INPUT_RANGES } from '../../../shared/input.ts';
import { inputFieldsOf, readInputFrame } from '../../../server/adapters/colyseusInput.ts';
import { InputChannel } from '../../../server/netcode/inputChannel.ts';
import { InputMessage } from '../../../server/rooms/inputSchema.ts';
import { createArena } from '../../helpers/clients.ts';
import { suiteServer } from '../../helpers/suiteServer.ts';

/**
 * Contract of server/adapters/colyseusInput.ts with the pinned Colyseus and schema versions: these
 * fail when an upgrade moves what the adapter relies on (the input wire format as the SDK writes
 * it, the schema metadata, the room's input controller).
 */

const ROOM_INPUT_RELIABLE = 19;

/** The bytes the SDK's input handle sends for one input (its InputEncoder's delta, behind the protocol code). */
function sdkFrame(encoder: InputEncoder<any>): Buffer {
  const body = encoder.encode();
  return Buffer.concat([Buffer.from([ROOM_INPUT_RELIABLE]), Buffer.from(body)]);
}

describe('the Colyseus input adapter', () => {
  it('reads the input schema\'s fields from its metadata', () => {
    expect(inputFieldsOf(InputMessage, INPUT_RANGES)).toEqual([
      { name: 'seq', index: 0, type: 'uint32' },
      { name: 'moveX', index: 1, type: 'int8', range: [-1, 1] },
      { name: 'moveY', index: 2, type: 'int8', range: [-1, 1] },
      { name: 'aim', index: 3, type: 'uint16', range: INPUT_RANGES.aim },
      { name: 'fire', index: 4, type: 'boolean' },
      { name: 'viewTick', index: 5, type: 'uint8', range: INPUT_RANGES.viewTick },
    ]);
  });

  it('decodes exactly what the SDK\'s encoder writes, field deltas included, clamped to the ranges', () => {
    const input = fc.record({
      moveX: fc.integer({ min: -128, max: 127 }),
      moveY: fc.integer({ min: -128, max: 127 }),
      aim: fc.integer({ min: 0, max: 65535 }),
      fire: fc.boolean(),
      viewTick: fc.integer({ min: 0, max: 255 }),
    });
    fc.assert(fc.property(fc.array(input, { minLength: 1, maxLength: 20 }), (inputs) => {
      const channel = new InputChannel(inputFieldsOf(InputMessage, INPUT_RANGES), 'seq', 32);
      channel.open('c');
      const instance = new InputMessage() as unknown as Record<string, number | boolean>;
      const encoder = new InputEncoder(instance as never);
      const f = (name: string) => channel.fieldIndex(name);
      inputs.forEach((sample, i) => {
        Object.assign(instance, { seq: i + 1, ...sample });
        expect(readInputFrame(channel, 'c', sdkFrame(encoder))).toBe(true);
        const got = channel.take('c')!;
        expect(got[f('seq')]).toBe(i + 1);
        expect(got[f('moveX')]).toBe(Math.max(-1, Math.min(1, sample.moveX)));
        expect(got[f('moveY')]).toBe(Math.max(-1, Math.min(1, sample.moveY)));
        expect(got[f('aim')]).toBe(sample.aim);
        expect(got[f('fire')]).toBe(sample.fire ? 1 : 0);
        expect(got[f('viewTick')]).toBe(sample.viewTick);
      });
      expect(channel.acknowledged('c')).toBe(inputs.length);
    }), { numRuns: 200 });
  });

  it('refuses bodies that are not the input layout', () => {
    const channel = new InputChannel(inputFieldsOf(InputMessage, INPUT_RANGES), 'seq', 4);
    channel.open('c');
    for (const bad of [[ROOM_INPUT_RELIABLE, 0x80, 1, 0], [ROOM_INPUT_RELIABLE, 0x86, 1], [ROOM_INPUT_RELIABLE, 0x40, 0, 0, 0, 0]]) {
      expect(readInputFrame(channel, 'c', Buffer.from(bad))).toBe(false);
    }
    expect(channel.depth('c')).toBe(0);
  });

  describe('in a room', () => {
    const server = suiteServer();
    const rooms = server.rooms;

    it('replaces the room\'s decodeReliable, which Colyseus\' input controller still has', async () => {
      expect(typeof RoomInput.prototype.decodeReliable).toBe('function');
      const room = await createArena(server.endpoint, { name: 'contract', private: true });
      rooms.push(room);
      const local = matchMaker.getLocalRoomById(room.roomId) as unknown as { _inputController?: { decodeReliable: unknown } };
      expect(local._inputController).toBeInstanceOf(RoomInput);
      expect(local._inputController!.decodeReliable).not.toBe(RoomInput.prototype.decodeReliable);
    });
  });
});
