/**
 * How a game declares what every client sees, once, for rooms that send the whole state to
 * everyone (small rooms, no interest management: server/rooms/GameRoom.ts). From the declaration
 * the server builds its state schema (server/state/replicatedState.ts); the client reads the same
 * names from the state the SDK decodes.
 */

/** Wire types of replicated fields (schema 5's primitives). */
export type StateFieldType = 'boolean' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'number' | 'string';

export type StateFields = Readonly<Record<string, StateFieldType>>;

export interface ReplicatedLayout {
  /** Fields of the match as a whole (score, clock), at the state's root. */
  readonly match: StateFields;
  /** Entity kinds, each a collection keyed by id (a kind named `players` holds one entry per player). */
  readonly entities: Readonly<Record<string, StateFields>>;
}

export type StateValues = Record<string, number | string | boolean>;

/** One snapshot of what is replicated: values by field name, entities by kind and id. */
export interface Replica {
  match: StateValues;
  entities: Record<string, Iterable<readonly [string, StateValues]>>;
}

/** Checks a layout where it is declared (no entity kind may shadow a match field). */
export function defineReplicated<const R extends ReplicatedLayout>(layout: R): R {
  for (const kind of Object.keys(layout.entities)) if (kind in layout.match) throw new Error(`replicated: ${kind} is both a match field and an entity kind`);
  return layout;
}
