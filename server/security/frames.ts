import { Protocol, ProtocolModifier } from '@colyseus/core';
import { schemaFields } from '../adapters/schemaMetadata.ts';
import { MAX_MESSAGE_TYPE_CHARS, MAX_PAYLOAD_DEPTH, type FrameKind } from './limits.ts';
import { checkPlainMsgpack } from './msgpackShape.ts';
import type { RejectionReason } from './rejections.ts';

/**
 * What the connection gate makes of one client -> server WebSocket frame, before Colyseus parses
 * it. Only the frame kinds this game uses pass; their headers are parsed with every length checked
 * against the bytes present. `close` means a protocol error (no honest client sends it); `drop`
 * means a rule violation that is counted as a strike.
 */
export type FrameVerdict =
  | { action: 'pass'; kind: FrameKind; joinAck?: true }
  | { action: 'drop'; kind: FrameKind; reason: RejectionReason; detail?: string }
  | { action: 'close'; reason: RejectionReason; detail?: string };

const CODE_MASK = 0x1f;
/** The verdicts that pass, made once: every honest frame gets one, and they carry no detail. */
const PASS: { readonly [K in FrameKind]: FrameVerdict } = {
  input: { action: 'pass', kind: 'input' },
  message: { action: 'pass', kind: 'message' },
  request: { action: 'pass', kind: 'request' },
  ping: { action: 'pass', kind: 'ping' },
  control: { action: 'pass', kind: 'control' },
};
const PASS_JOIN_ACK: FrameVerdict = { action: 'pass', kind: 'control', joinAck: true };
const MODIFIER_MASK = 0xe0;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Wire size of each fixed-size schema primitive. */
const PRIMITIVE_BYTES: Record<string, number> = {
  boolean: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, float32: 4, int64: 8, uint64: 8, float64: 8,
};
/** Schema operation byte for "set this field" (OPERATION.ADD), which is what InputEncoder emits. */
const OP_ADD = 0x80;

/**
 * Byte size of each field of an input schema, by field index, read from the schema's metadata.
 * Undefined when a field has a variable-size type (the strict check is then impossible).
 */
export function inputFieldSizes(schemaClass: unknown): number[] | undefined {
  const fields = schemaFields(schemaClass);
  if (fields === undefined) return undefined;
  const sizes: number[] = [];
  for (const field of fields) {
    const size = typeof field.type === 'string' ? PRIMITIVE_BYTES[field.type] : undefined;
    if (size === undefined || field.index > 0x3f) return undefined;
    sizes[field.index] = size;
  }
  return sizes;
}

/** A schema `number` as the Colyseus encoder writes it; returns the new offset, or -1. */
function skipNumber(buf: Uint8Array, at: number): number {
  const b = buf[at];
  if (b === undefined) return -1;
  if (b <= 0x7f || b >= 0xe0) return at + 1;
  const size = b === 0xcc || b === 0xd0 ? 1 : b === 0xcd || b === 0xd1 ? 2 : b === 0xce || b === 0xd2 || b === 0xca ? 4 : b === 0xcf || b === 0xd3 || b === 0xcb ? 8 : -1;
  if (size < 0 || at + 1 + size > buf.length) return -1;
  if (b === 0xca || b === 0xcb) {
    const view = new DataView(buf.buffer, buf.byteOffset + at + 1, size);
    if (!Number.isFinite(size === 4 ? view.getFloat32(0, true) : view.getFloat64(0, true))) return -1;
  }
  return at + 1 + size;
}

/** Input body: `[0x80 | field][fixed-size value]` pairs, each known field at most once. */
function validInputBody(buf: Uint8Array, at: number, sizes: readonly number[]): boolean {
  // Fields seen so far, as bits (field indexes are 0-63): no allocation per frame.
  let seenLow = 0;
  let seenHigh = 0;
  while (at < buf.length) {
    const op = buf[at]!;
    const field = op & 0x3f;
    const size = sizes[field];
    const bit = 1 << (field & 31);
    const seen = field < 32 ? seenLow & bit : seenHigh & bit;
    if ((op & 0xc0) !== OP_ADD || size === undefined || seen !== 0) return false;
    if (field < 32) seenLow |= bit;
    else seenHigh |= bit;
    if (at + 1 + size > buf.length) return false;
    at += 1 + size;
  }
  return true;
}

/**
 * A reliable input frame. With the TIMED modifier (lag compensation) a stamp precedes the body:
 * one number, and in "both timelines" mode a uint16 after it; both layouts are tried.
 */
export function validInputFrame(buf: Uint8Array, sizes: readonly number[] | undefined): boolean {
  if (sizes === undefined) return true; // no strict check possible for this schema
  const timed = (buf[0]! & MODIFIER_MASK) === ProtocolModifier.TIMED;
  if (!timed) return validInputBody(buf, 1, sizes);
  const afterStamp = skipNumber(buf, 1);
  if (afterStamp < 0) return false;
  return validInputBody(buf, afterStamp, sizes) || (afterStamp + 2 <= buf.length && validInputBody(buf, afterStamp + 2, sizes));
}

/** A message type: a short string (fixstr or str8) or a small integer. Returns [type, next offset]. */
function readType(buf: Uint8Array, at: number): [string | number, number] | undefined {
  const b = buf[at];
  if (b === undefined) return undefined;
  let length: number;
  let start: number;
  if (b >= 0xa0 && b <= 0xbf) {
    length = b & 0x1f;
    start = at + 1;
  } else if (b === 0xd9 && at + 1 < buf.length) {
    length = buf[at + 1]!;
    start = at + 2;
  } else if (b <= 0x7f) {
    return [b, at + 1];
  } else if (b === 0xcc && at + 1 < buf.length) {
    return [buf[at + 1]!, at + 2];
  } else {
    return undefined;
  }
  if (length === 0 || length > MAX_MESSAGE_TYPE_CHARS || start + length > buf.length) return undefined;
  try {
    return [utf8.decode(buf.subarray(start, start + length)), start + length];
  } catch {
    return undefined;
  }
}

/** `[type][msgpack payload]` as in ROOM_DATA and, after a request id, ROOM_REQUEST. */
function checkMessage(buf: Uint8Array, at: number, kind: FrameKind, knownTypes: ReadonlySet<string>): FrameVerdict {
  const header = readType(buf, at);
  if (header === undefined) return { action: 'close', reason: 'malformed_frame', detail: 'message type' };
  const [type, payloadAt] = header;
  const shape = checkPlainMsgpack(buf, payloadAt, MAX_PAYLOAD_DEPTH);
  if (shape === 'malformed') return { action: 'close', reason: 'malformed_payload', detail: `type ${String(type).slice(0, 32)}` };
  if (typeof type !== 'string' || !knownTypes.has(type)) return { action: 'drop', kind, reason: 'unknown_message', detail: `type ${JSON.stringify(type).slice(0, 40)}` };
  if (shape === 'too_deep') return { action: 'drop', kind, reason: 'payload_too_deep', detail: `type ${type}` };
  return PASS[kind];
}

/**
 * Classify one frame. `inputSizes` comes from `inputFieldSizes(InputSchema)`; `knownTypes` are
 * the message types the rooms handle.
 */
export function classifyFrame(
  buf: Uint8Array,
  isBinary: boolean,
  inputSizes: readonly number[] | undefined,
  knownTypes: ReadonlySet<string>,
): FrameVerdict {
  if (!isBinary) return { action: 'close', reason: 'text_frame' };
  if (buf.length === 0) return { action: 'close', reason: 'empty_frame' };
  const code = buf[0]! & CODE_MASK;
  const modifiers = buf[0]! & MODIFIER_MASK;
  switch (code) {
    case Protocol.ROOM_INPUT_RELIABLE:
      if (modifiers !== 0 && modifiers !== ProtocolModifier.TIMED) return { action: 'close', reason: 'malformed_input', detail: 'modifier' };
      return validInputFrame(buf, inputSizes) ? PASS.input : { action: 'close', reason: 'malformed_input' };
    case Protocol.ROOM_DATA:
      if (modifiers !== 0) break;
      return checkMessage(buf, 1, 'message', knownTypes);
    case Protocol.ROOM_REQUEST: {
      if (modifiers !== 0) break;
      const afterId = skipNumber(buf, 1);
      if (afterId < 0) return { action: 'close', reason: 'malformed_frame', detail: 'request id' };
      return checkMessage(buf, afterId, 'request', knownTypes);
    }
    case Protocol.PING:
      if (modifiers !== 0 || buf.length !== 1) break;
      return PASS.ping;
    case Protocol.JOIN_ROOM:
      if (modifiers !== 0 || buf.length !== 1) break;
      return PASS_JOIN_ACK;
    case Protocol.LEAVE_ROOM:
      if (modifiers !== 0 || buf.length !== 1) break;
      return PASS.control;
    default:
      // ROOM_INPUT_UNRELIABLE among others: its decoder trusts lengths and counts from the
      // client (a 3-byte frame can spin it for minutes), and a WebSocket has no unreliable
      // channel anyway.
      break;
  }
  return { action: 'close', reason: 'unsupported_frame', detail: `code ${code} modifiers ${modifiers}` };
}
