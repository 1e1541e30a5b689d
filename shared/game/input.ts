/**
 * How a game declares its input, once: each field's wire type and, where the server must clamp
 * it, its range. From one declaration the server's input-channel schema (server/state/inputSchema.ts),
 * the channel's sanitize clamps (`inputRanges`) and the frame guard's strict sizes are derived, so
 * they cannot drift apart. Field order is wire order.
 */

/** Fixed-size wire types: input frames are then checked byte for byte before they are read. */
export type InputWireType = 'boolean' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32';

export interface InputFieldDecl {
  readonly type: InputWireType;
  /** Inclusive bounds the server clamps the field to (NaN gives the minimum); none: taken as sent. */
  readonly range?: readonly [number, number];
}

export type InputLayout = Readonly<Record<string, InputFieldDecl>>;

/** Checks a layout where it is declared: a sequence field, ranges that are ranges. */
export function defineInputLayout<const L extends InputLayout>(layout: L & { seq: { type: 'uint32' } }): L {
  for (const [name, field] of Object.entries(layout as InputLayout)) {
    const r = field.range;
    if (r !== undefined && !(Number.isInteger(r[0]) && Number.isInteger(r[1]) && r[0] <= r[1])) throw new Error(`input field ${name}: range must be two integers, low to high`);
  }
  return layout;
}

type RangedNames<L extends InputLayout> = { [K in keyof L]: L[K] extends { range: readonly [number, number] } ? K : never }[keyof L];

/** The ranges of the fields that have one, by name (the input channel's sanitize clamps). */
export function inputRanges<L extends InputLayout>(layout: L): { readonly [K in RangedNames<L>]: readonly [number, number] } {
  const out: Record<string, readonly [number, number]> = {};
  for (const [name, field] of Object.entries(layout)) if (field.range !== undefined) out[name] = field.range;
  return out as { readonly [K in RangedNames<L>]: readonly [number, number] };
}
