import { ProtocolModifier, type Client, type Room } from '@colyseus/core';
import { decode, type Iterator } from '@colyseus/schema';
import type { ClientInputs, InputChannel, InputFieldSpec, InputFieldType } from '../netcode/inputChannel.ts';
import { schemaFields } from './schemaMetadata.ts';

/**
 * The one place this project reaches into Colyseus' input internals (@colyseus/core and
 * @colyseus/schema are pinned to exact versions for it; test/server/adapters/colyseusInput.test.ts
 * fails when an upgrade moves them):
 *
 * - `room._inputController.decodeReliable(client, buffer, it, modifiers)` is what a room calls for
 *   every ROOM_INPUT_RELIABLE frame; it is replaced per room to hand the frame to an InputChannel.
 *   `defineInput()` still runs, so the join handshake still tells the SDK the input layout and the
 *   patch frames keep their TIMED prefix.
 * - `client._inputBuffer.ackSeq` is the input acknowledgement Colyseus' own serializer stamps on
 *   every patch frame; `acknowledgeFrom` makes it report an InputChannel's count instead.
 * - a schema class's fields (names, indexes, types) come from server/adapters/schemaMetadata.ts.
 */

interface InputController {
  decodeReliable(client: Client, buffer: Buffer, it: Iterator, modifiers: number): void;
}

const WIRE_TYPES = new Set<InputFieldType>(['boolean', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'float32']);

/** The fields of a flat input schema, by wire index, with clamps for those named in `ranges`. */
export function inputFieldsOf(schemaClass: unknown, ranges: Readonly<Record<string, readonly [number, number]>> = {}): InputFieldSpec[] {
  const fields = schemaFields(schemaClass);
  if (fields === undefined) throw new Error('input schema has no metadata (schema internals changed?)');
  return fields.map((f) => {
    if (typeof f.type !== 'string' || !WIRE_TYPES.has(f.type as InputFieldType)) throw new Error(`input field ${f.name}: type ${String(f.type)} is not a fixed-size primitive`);
    const range = ranges[f.name];
    return { name: f.name, index: f.index, type: f.type as InputFieldType, ...(range ? { range } : {}) };
  });
}

const stamp: Iterator = { offset: 0 };

/**
 * Read one whole ROOM_INPUT_RELIABLE frame (`[code | modifiers][stamp?][body]`) into `channel`
 * for `sessionId`; false when the body is malformed.
 */
export function readInputFrame(channel: InputChannel, sessionId: string, frame: Buffer): boolean {
  return channel.receive(sessionId, frame, bodyStart(frame), frame.length);
}

/** `readInputFrame` into a connection's buffer the caller holds (InputChannel.open). */
export function readInputFrameFor(channel: InputChannel, inputs: ClientInputs, frame: Buffer): boolean {
  return channel.receiveFor(inputs, frame, bodyStart(frame), frame.length);
}

/** Where an input frame's body starts: after the code, and the lag-compensation stamp if any. */
function bodyStart(frame: Buffer): number {
  if ((frame[0]! & ProtocolModifier.TIMED) === 0) return 1;
  // A stamp this room never asks for: skip it as Colyseus would read it.
  stamp.offset = 1;
  decode.number(frame, stamp);
  return stamp.offset;
}

/**
 * From now on `room`'s reliable input frames that reach Colyseus go to `channel` instead of its
 * decoder (those the connection guard delivers itself never get there: see ArenaRoom.onJoin). A
 * body the channel refuses (the guard lets only well-formed ones through, so this means the two
 * disagree) closes the connection with `protocolErrorCode`.
 */
export function routeInputs(room: Room<any>, channel: InputChannel, protocolErrorCode: number): void {
  const controller = (room as unknown as { _inputController?: Partial<InputController> })._inputController;
  if (controller === undefined || typeof controller.decodeReliable !== 'function') {
    throw new Error('Colyseus input internals changed: room._inputController.decodeReliable is missing (server/adapters/colyseusInput.ts)');
  }
  controller.decodeReliable = (client: Client, buffer: Buffer) => {
    if (!readInputFrame(channel, client.sessionId, buffer)) client.leave(protocolErrorCode, 'malformed input');
  };
}

/**
 * The acknowledgement Colyseus' own serializer stamps on `client`'s patch frames (rooms that keep
 * it, unlike the arena's interest serializer) becomes `ack()`. Inputs routed to an InputChannel
 * never reach Colyseus' input buffer, whose count would otherwise stay 0: the SDK's
 * `input.lastProcessed` and its reconciliation would never move. Call on every join and
 * reconnection (Colyseus gives a reconnected client a fresh buffer).
 */
export function acknowledgeFrom(client: Client, ack: () => number): void {
  const buffer = (client as unknown as { _inputBuffer?: object })._inputBuffer;
  if (buffer === undefined || !('ackSeq' in buffer)) {
    throw new Error('Colyseus input internals changed: client._inputBuffer.ackSeq is missing (server/adapters/colyseusInput.ts)');
  }
  Object.defineProperty(buffer, 'ackSeq', { get: ack, configurable: true });
}
