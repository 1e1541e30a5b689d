/**
 * The room's input channel without Colyseus' per-input machinery: each reliable input frame (the
 * SDK's input handle writes it, the connection guard has already checked its layout) is read
 * straight into a preallocated record of a per-client ring, the fields clamped on the way. No
 * schema decoder, no change tracking, no clone per input, no garbage: at 30 inputs a second per
 * player that machinery was the largest single cost of a player (docs/BENCHMARKS.md).
 *
 * Behaviour matches Colyseus' buffered input (`defineInput` with `seqField`): an input whose
 * sequence is not above the last one accepted is dropped; a full buffer drops its oldest input,
 * which counts as consumed; the acknowledgement sent back with every patch is the number of this
 * connection's inputs consumed (taken, dropped for overflow, or cleared); a new connection (a
 * reconnection) starts from zero, as the SDK does.
 */

/** Wire types an input field may have: fixed-size little-endian values, as schema writes them. */
export type InputFieldType = 'boolean' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32';

export interface InputFieldSpec {
  name: string;
  /** Its index on the wire (the schema field index). */
  index: number;
  type: InputFieldType;
  /** Clamp on arrival (inclusive); NaN clamps to `min`. */
  range?: readonly [number, number];
}

/**
 * One buffered input: its field values by wire index (booleans as 0 or 1), a view into the
 * client's ring, valid until the next `receive` for that client.
 */
export type InputValues = Float64Array;

const OP_ADD = 0x80;
const FIELD_MASK = 0x3f;
const TYPE_CODE: Record<InputFieldType, number> = { boolean: 0, int8: 1, uint8: 2, int16: 3, uint16: 4, int32: 5, uint32: 6, float32: 7 };

/**
 * One connection's inputs: a ring of slots in one typed array, made once. Its holder (the
 * connection's guard) passes it back to `receive` so the hot path does no lookup by session.
 */
export class ClientInputs {
  /** The decode target: the last input as the client built it (fields it did not resend keep their value). */
  readonly current: Float64Array;
  readonly slots: Float64Array[];
  head = 0;
  size = 0;
  consumed = 0;
  lastSeq = -Infinity;

  constructor(capacity: number, width: number) {
    const storage = new Float64Array((capacity + 1) * width);
    this.current = storage.subarray(0, width);
    this.slots = Array.from({ length: capacity }, (_, i) => storage.subarray((i + 1) * width, (i + 2) * width));
  }
}

export class InputChannel {
  private readonly clients = new Map<string, ClientInputs>();
  private readonly types: number[] = [];
  private readonly mins: number[] = [];
  private readonly maxs: number[] = [];
  private readonly indexes = new Map<string, number>();
  private readonly width: number;
  private readonly seqIndex: number;

  /**
   * `fields` by wire index; `seqField` names the sequence field (dedupe); `capacity` is the most
   * inputs buffered per client.
   */
  constructor(fields: readonly InputFieldSpec[], seqField: string, private readonly capacity: number) {
    for (const f of fields) {
      if (f.index < 0 || f.index > FIELD_MASK) throw new Error(`input field ${f.name}: index ${f.index} out of range`);
      this.types[f.index] = TYPE_CODE[f.type];
      this.mins[f.index] = f.range?.[0] ?? -Infinity;
      this.maxs[f.index] = f.range?.[1] ?? Infinity;
      this.indexes.set(f.name, f.index);
    }
    this.width = Math.max(...fields.map((f) => f.index)) + 1;
    this.seqIndex = this.fieldIndex(seqField);
  }

  /** Where a field's value is in an `InputValues`. */
  fieldIndex(name: string): number {
    const index = this.indexes.get(name);
    if (index === undefined) throw new Error(`input has no field ${name}`);
    return index;
  }

  /** A connection starts (join or reconnection): an empty buffer and a zero acknowledgement. */
  open(sessionId: string): ClientInputs {
    const c = new ClientInputs(this.capacity, this.width);
    this.clients.set(sessionId, c);
    return c;
  }

  /** The connection is gone for good. */
  close(sessionId: string): void {
    this.clients.delete(sessionId);
  }

  /** Drop what is buffered (a dropped connection's inputs are not played while its seat waits); they count as consumed. */
  clear(sessionId: string): void {
    const c = this.clients.get(sessionId);
    if (c === undefined) return;
    c.consumed += c.size;
    c.size = 0;
  }

  /**
   * One input frame's body, `bytes[at, end)`: `[0x80 | field][value]…`. Returns false when the
   * body is malformed (nothing is buffered then).
   */
  receive(sessionId: string, bytes: Buffer, at: number, end: number): boolean {
    const c = this.clients.get(sessionId);
    return c !== undefined && this.receiveFor(c, bytes, at, end);
  }

  /** `receive` for a connection's buffer held by the caller (see `open`). */
  receiveFor(c: ClientInputs, bytes: Buffer, at: number, end: number): boolean {
    const cur = c.current;
    const types = this.types;
    while (at < end) {
      const op = bytes[at++]!;
      const index = op & FIELD_MASK;
      const type = types[index];
      if ((op & 0xc0) !== OP_ADD || type === undefined) return false;
      let value: number;
      switch (type) {
        case 0: if (at + 1 > end) return false; value = bytes[at]! !== 0 ? 1 : 0; at += 1; break;
        case 1: if (at + 1 > end) return false; value = bytes.readInt8(at); at += 1; break;
        case 2: if (at + 1 > end) return false; value = bytes[at]!; at += 1; break;
        case 3: if (at + 2 > end) return false; value = bytes.readInt16LE(at); at += 2; break;
        case 4: if (at + 2 > end) return false; value = bytes.readUInt16LE(at); at += 2; break;
        case 5: if (at + 4 > end) return false; value = bytes.readInt32LE(at); at += 4; break;
        case 6: if (at + 4 > end) return false; value = bytes.readUInt32LE(at); at += 4; break;
        default: if (at + 4 > end) return false; value = bytes.readFloatLE(at); at += 4; break;
      }
      const min = this.mins[index]!;
      const max = this.maxs[index]!;
      cur[index] = value >= min ? (value <= max ? value : max) : min;
    }
    const seq = cur[this.seqIndex]!;
    if (!(seq > c.lastSeq)) return true; // a repeat: not buffered, not counted (as Colyseus' seqField does)
    c.lastSeq = seq;
    if (c.size === this.capacity) {
      // Full: the oldest goes, counted as consumed.
      c.head = (c.head + 1) % this.capacity;
      c.size--;
      c.consumed++;
    }
    // A plain loop: TypedArray.prototype.set costs more than a handful of element copies.
    const slot = c.slots[(c.head + c.size) % this.capacity]!;
    for (let i = 0; i < this.width; i++) slot[i] = cur[i]!;
    c.size++;
    return true;
  }

  /** Inputs waiting for `sessionId`. */
  depth(sessionId: string): number {
    return this.clients.get(sessionId)?.size ?? 0;
  }

  /** The oldest waiting input, consumed; valid until the next `receive` for this client (copy what you keep). */
  take(sessionId: string): InputValues | undefined {
    const c = this.clients.get(sessionId);
    if (c === undefined || c.size === 0) return undefined;
    const slot = c.slots[c.head]!;
    c.head = (c.head + 1) % this.capacity;
    c.size--;
    c.consumed++;
    return slot;
  }

  /** The acknowledgement for this connection: its inputs consumed so far. */
  acknowledged(sessionId: string): number {
    return this.clients.get(sessionId)?.consumed ?? 0;
  }
}
