export type ShapeVerdict = 'ok' | 'malformed' | 'too_deep';

/** msgpackr's record extension type ('r'): how the SDK's Packr writes every object. */
const RECORD_EXT = 0x72;
const FIRST_RECORD_ID = 0x40;
const LAST_RECORD_ID = 0x7f;
/** Longest object key accepted. */
const MAX_KEY_BYTES = 64;

/**
 * Checks, without decoding, that bytes are exactly one plain MessagePack value of the kind the
 * SDK sends: nil, booleans, numbers (no 64-bit integers), strings, arrays, maps with string keys, and msgpackr records
 * (objects written as `d4 72 <id>` + key list + values, or `<id>` + values once defined in the
 * same message), nested at most `maxDepth` deep. Every other extension type (msgpackr turns them
 * into Dates, Sets, RegExps, Errors, typed arrays and structured-clone references), binary blobs,
 * the reserved byte 0xc1, truncated data and trailing bytes are refused. Runs before msgpackr
 * sees a client's payload, in time linear in its length: every claimed length and count is checked
 * against the bytes actually left.
 */
export function checkPlainMsgpack(bytes: Uint8Array, start: number, maxDepth: number): ShapeVerdict {
  const end = bytes.length;
  const records = new Map<number, number>();
  let pos = start;
  let tooDeep = false;

  const need = (n: number): boolean => n >= 0 && pos + n <= end;
  const uint = (n: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++) v = v * 256 + bytes[pos + i]!;
    pos += n;
    return v;
  };
  const skip = (n: number): boolean => {
    if (!need(n)) return false;
    pos += n;
    return true;
  };

  /** A string, returned as its byte length, or -1. */
  const stringLength = (): number => {
    if (!need(1)) return -1;
    const b = bytes[pos++]!;
    let n: number;
    if (b >= 0xa0 && b <= 0xbf) n = b & 0x1f;
    else if (b === 0xd9 && need(1)) n = uint(1);
    else if (b === 0xda && need(2)) n = uint(2);
    else return -1;
    return skip(n) ? n : -1;
  };
  const key = (): boolean => {
    const n = stringLength();
    return n >= 0 && n <= MAX_KEY_BYTES;
  };

  const enter = (depth: number): boolean => {
    if (depth + 1 <= maxDepth) return true;
    tooDeep = true;
    return false;
  };

  const values = (count: number, depth: number): boolean => {
    if (count > end - pos) return false; // every value takes at least one byte
    for (let i = 0; i < count; i++) if (!value(depth + 1)) return false;
    return true;
  };

  const map = (count: number, depth: number): boolean => {
    if (!enter(depth) || count * 2 > end - pos) return false;
    for (let i = 0; i < count; i++) if (!key() || !value(depth + 1)) return false;
    return true;
  };

  /** `d4 72 <id>` was read: a key list, then one value per key. */
  const recordDefinition = (depth: number): boolean => {
    const id = bytes[pos - 1]!;
    if (id < FIRST_RECORD_ID || id > LAST_RECORD_ID || records.has(id) || !need(1)) return false;
    const b = bytes[pos++]!;
    const count = b >= 0x90 && b <= 0x9f ? b & 0x0f : b === 0xdc && need(2) ? uint(2) : -1;
    if (count < 0 || count > end - pos) return false;
    for (let i = 0; i < count; i++) if (!key()) return false;
    records.set(id, count);
    return enter(depth) && values(count, depth);
  };

  function value(depth: number): boolean {
    if (!need(1)) return false;
    const b = bytes[pos++]!;
    const record = records.get(b);
    if (record !== undefined) return enter(depth) && values(record, depth);
    if (b <= 0x7f || b >= 0xe0 || b === 0xc0 || b === 0xc2 || b === 0xc3) return true; // fixint, nil, bool
    if (b >= 0xa0 && b <= 0xbf) return skip(b & 0x1f); // fixstr
    if (b >= 0x90 && b <= 0x9f) return enter(depth) && values(b & 0x0f, depth); // fixarray
    if (b >= 0x80 && b <= 0x8f) return map(b & 0x0f, depth); // fixmap
    switch (b) {
      case 0xcc: case 0xd0: return skip(1);
      case 0xcd: case 0xd1: return skip(2);
      case 0xce: case 0xd2: case 0xca: return skip(4);
      case 0xcb: return skip(8);
      // 64-bit integers decode to BigInt, which nothing downstream expects (JSON.stringify throws
      // on it); the SDK writes large numbers as float64 and never sends these.
      case 0xcf: case 0xd3: return false;
      case 0xd9: return need(1) && skip(uint(1));
      case 0xda: return need(2) && skip(uint(2));
      case 0xdb: return need(4) && skip(uint(4));
      case 0xdc: return need(2) && enter(depth) && values(uint(2), depth);
      case 0xdd: return need(4) && enter(depth) && values(uint(4), depth);
      case 0xde: return need(2) && map(uint(2), depth);
      case 0xdf: return need(4) && map(uint(4), depth);
      case 0xd4: return need(2) && bytes[pos++] === RECORD_EXT && skip(1) && recordDefinition(depth);
      default: return false; // bin (c4-c6), other ext (c7-c9, d4-d8), reserved c1
    }
  }

  if (start >= end) return 'ok'; // no payload (the message is `undefined`)
  const ok = value(0);
  if (tooDeep) return 'too_deep';
  return ok && pos === end ? 'ok' : 'malformed';
}
