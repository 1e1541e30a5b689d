/**
 * How a game declares what every client sees, once, for rooms that send the whole state to
 * everyone (small rooms, no interest management: server/rooms/GameRoom.ts). From the declaration
 * the server builds its state schema (server/state/replicatedState.ts); the client reads the same
 * names from the state the SDK decodes.
 */

/** Wire types of replicated fields (schema 5's primitives). */
export type StateFieldType = 'boolean' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'number' | 'string';

export type StateFields = Readonly<Record<string, StateFieldType>>;

/** The entity kind that holds one entry per player, keyed by session id (a client finds itself there). */
export const PLAYER_ENTITIES = 'players';

export interface ReplicatedLayout {
  /** Fields of the match as a whole (score, clock), at the state's root. */
  readonly match: StateFields;
  /** Entity kinds, each a collection keyed by id (a kind named `PLAYER_ENTITIES` holds one entry per player). */
  readonly entities: Readonly<Record<string, StateFields>>;
}

export type StateValues = Record<string, number | string | boolean>;

/** The values of a field declaration, typed (what a reader of `ReplicatedLayout` entities gets). */
export type ValuesOf<F extends StateFields> = { -readonly [K in keyof F]: F[K] extends 'string' ? string : F[K] extends 'boolean' ? boolean : number };

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

/** An entity collection of a decoded state (the SDK's MapSchema, or a Map). */
interface Keyed {
  forEach(fn: (value: unknown, key: string) => void): void;
}

function pick(fields: StateFields, from: unknown): StateValues {
  const source = from as Record<string, number | string | boolean>;
  const out: StateValues = {};
  for (const name of Object.keys(fields)) out[name] = source[name]!;
  return out;
}

/**
 * A replica read back from a state decoded with `layout` (a client's copy of the room state): the
 * layout's fields only, so the reader sees what `replicate` wrote and nothing of the engine's own.
 */
export function readReplica(layout: ReplicatedLayout, state: Readonly<Record<string, unknown>>): Replica {
  const entities: Record<string, Array<readonly [string, StateValues]>> = {};
  for (const [kind, fields] of Object.entries(layout.entities)) {
    const rows: Array<readonly [string, StateValues]> = [];
    (state[kind] as Keyed | undefined)?.forEach((value, id) => rows.push([id, pick(fields, value)]));
    entities[kind] = rows;
  }
  return { match: pick(layout.match, state), entities };
}
