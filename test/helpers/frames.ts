import { Packr } from 'msgpackr';

/** Colyseus protocol codes a client sends (see @colyseus/shared-types). */
export const CODE = { JOIN_ROOM: 10, LEAVE_ROOM: 12, ROOM_DATA: 13, ROOM_DATA_BYTES: 17, PING: 18, INPUT: 19, INPUT_UNRELIABLE: 20, REQUEST: 21 } as const;

/** The SDK encodes payloads with a default Packr (objects become msgpackr records). */
const packr = new Packr();

export function packPayload(value: unknown): Uint8Array {
  return packr.pack(value);
}

function typeBytes(type: string | number): number[] {
  if (typeof type === 'number') return [type];
  const utf8 = [...Buffer.from(type)];
  return utf8.length < 32 ? [0xa0 | utf8.length, ...utf8] : [0xd9, utf8.length, ...utf8];
}

/** A ROOM_DATA frame as `room.send(type, payload)` writes it; a Uint8Array payload is sent raw. */
export function dataFrame(type: string | number, payload?: unknown): Buffer {
  const body = payload === undefined ? new Uint8Array(0) : payload instanceof Uint8Array ? payload : packPayload(payload);
  return Buffer.concat([Buffer.from([CODE.ROOM_DATA, ...typeBytes(type)]), body]);
}

/** A reliable input frame: `fields` maps schema field index to its little-endian value bytes. */
export function inputFrame(fields: Array<[index: number, bytes: number[]]>, code: number = CODE.INPUT): Buffer {
  return Buffer.from([code, ...fields.flatMap(([index, bytes]) => [0x80 | index, ...bytes])]);
}

/** Little-endian uint32 bytes. */
export function u32(value: number): number[] {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(value >>> 0);
  return [...b];
}
