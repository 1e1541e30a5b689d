/**
 * How a game declares what its clients see, once: the match's fields at the state's root and its
 * entity kinds, each a collection keyed by id with its fields. From the declaration the server
 * builds its state schema (server/state/replicatedState.ts) and the interest layer its field
 * tables; the client types the state the SDK decodes with `StateView` and reads replicas back.
 * The generic room (server/rooms/GameRoom.ts) sends it whole to everyone, or the per-client parts
 * (`view` fields, `perClient` kinds) only around each client when the game declares `interest`
 * (shared/game/interest.ts); the arena's room sends them through its own interest layer.
 */

/** Wire types of replicated fields (schema 5's primitives). */
export type StateFieldType = 'boolean' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'number' | 'string';

/** A number the wire carries as `bits`-bit steps between `min` and `max` (schema 5's `t.quantized`). */
export interface WireQuantization {
  readonly min: number;
  readonly max: number;
  readonly bits?: 8 | 16 | 32;
  readonly mode?: 'clamp' | 'wrap';
}

/**
 * One field: its wire type, or a quantized number, or an array of small numbers. `view`: the
 * field reaches a client only while the interest layer puts its entity in that client's view
 * (server/interest/); it reads `undefined` otherwise.
 */
export type FieldDecl =
  | StateFieldType
  | { readonly type: StateFieldType; readonly view?: true }
  | { readonly quantized: WireQuantization; readonly view?: true }
  | { readonly array: 'uint8' | 'uint16' };

export type StateFields = Readonly<Record<string, FieldDecl>>;

/** The entity kind that holds one entry per player, keyed by session id (a client finds itself there). */
export const PLAYER_ENTITIES = 'players';

export interface ReplicatedLayout {
  /** Fields of the match as a whole (score, clock), at the state's root. */
  readonly match: StateFields;
  /** Entity kinds, each a collection keyed by id (a kind named `PLAYER_ENTITIES` holds one entry per player). */
  readonly entities: Readonly<Record<string, StateFields>>;
  /** Entity kinds whose entries each client receives only as its interest layer adds them to its view. */
  readonly perClient?: readonly string[];
  /** Schema names shown by tools (the state's and each kind's); derived from the game's id when absent. */
  readonly names?: { readonly state?: string; readonly kinds?: Readonly<Record<string, string>> };
}

/**
 * The engine's own fields at the root of every replicated state (the match clock and connection
 * policy, server/lifecycle/): in the state rather than a message, so a client has them from the
 * join's first full state (a message sent at join can reach it before its handler exists).
 */
export const ENGINE_STATE_FIELDS = {
  mapId: 'string',
  /** Tick at which the match ends; -1: it runs until everyone leaves. */
  matchEndsAtTick: 'int32',
  /** The server is shutting down: no new players, the match ends at `matchEndsAtTick` at the latest. */
  draining: 'boolean',
  /** Seconds a dropped player's seat is kept for reconnection. */
  reconnectWindowS: 'uint16',
} as const satisfies StateFields;

export type StateValues = Record<string, number | string | boolean>;

/** The base wire type of a field declaration (`number` for a quantized one; undefined for an array). */
export function fieldType(decl: FieldDecl): StateFieldType | undefined {
  if (typeof decl === 'string') return decl;
  if ('type' in decl) return decl.type;
  return 'quantized' in decl ? 'number' : undefined;
}

/** Whether a field reaches a client only with its entity's place in that client's view. */
export function isViewField(decl: FieldDecl): boolean {
  return typeof decl === 'object' && 'view' in decl && decl.view === true;
}

/** Names of the `view` fields of an entity kind, in declaration order. */
export type ViewFieldName<F extends StateFields> = { [K in keyof F]: F[K] extends { readonly view: true } ? K : never }[keyof F] & string;

/** The `view` fields of an entity kind, in declaration order (the interest layer's field bits follow it). */
export function viewFieldsOf<const F extends StateFields>(fields: F): ReadonlyArray<ViewFieldName<F>> {
  return Object.keys(fields).filter((name) => isViewField(fields[name]!)) as Array<ViewFieldName<F>>;
}

/** The value a field declaration holds (`A`: how an array field is seen: a plain array-like on clients). */
type ValueOf<D, A> = D extends 'string' | { readonly type: 'string' } ? string
  : D extends 'boolean' | { readonly type: 'boolean' } ? boolean
  : D extends { readonly array: unknown } ? A
  : number;

/** The values of a field declaration, typed (what a reader of `ReplicatedLayout` entities gets). */
export type ValuesOf<F extends StateFields, A = ArrayLike<number>> = { -readonly [K in keyof F]: ValueOf<F[K], A> };

/** A keyed collection as a client reads it (the SDK's MapSchema, or a Map). */
export interface MapLike<V> {
  get(key: string): V | undefined;
  forEach(cb: (value: V, key: string) => void): void;
  readonly size: number;
}

/** The state a client decodes for a layout: the engine's fields, the match's, one map per entity kind. */
export type StateView<L extends ReplicatedLayout> = ValuesOf<typeof ENGINE_STATE_FIELDS> & ValuesOf<L['match']>
  & { -readonly [K in keyof L['entities']]: MapLike<ValuesOf<L['entities'][K]>> };

/** One snapshot of what is replicated: values by field name, entities by kind and id. */
export interface Replica {
  match: StateValues;
  entities: Record<string, Iterable<readonly [string, StateValues]>>;
}

/** Checks a layout where it is declared (names unique, per-client kinds declared, none the engine's). */
export function defineReplicated<const R extends ReplicatedLayout>(layout: R): R {
  for (const kind of Object.keys(layout.entities)) if (kind in layout.match) throw new Error(`replicated: ${kind} is both a match field and an entity kind`);
  for (const kind of layout.perClient ?? []) if (!(kind in layout.entities)) throw new Error(`replicated: per-client kind ${kind} is not declared`);
  for (const field of Object.keys(ENGINE_STATE_FIELDS)) {
    if (field in layout.match || field in layout.entities) throw new Error(`replicated: ${field} is the engine's`);
  }
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
