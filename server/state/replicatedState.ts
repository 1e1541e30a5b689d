import { MapSchema, schema, t, type Schema } from '@colyseus/schema';
import type { Replica, ReplicatedLayout, StateFields, StateValues } from '../../shared/game/state.ts';

/** The engine's own fields at the root of every replicated state (the match clock and connection policy). */
const ENGINE_FIELDS: StateFields = { mapId: 'string', matchEndsAtTick: 'int32', draining: 'boolean', reconnectWindowS: 'uint16' };

type Fields = Record<string, ReturnType<typeof t.uint8>>;

function fieldsOf(decl: StateFields): Fields {
  const out: Fields = {};
  for (const [name, type] of Object.entries(decl)) {
    const field = t[type]() as ReturnType<typeof t.uint8>;
    out[name] = field.default((type === 'string' ? '' : type === 'boolean' ? false : 0) as never);
  }
  return out;
}

export interface ReplicatedSchema {
  /** The root schema class (construct one per room). */
  readonly State: new () => Schema;
  /** Entity schema classes by kind. */
  readonly kinds: Readonly<Record<string, new () => Schema>>;
}

/**
 * The state schema of a game's replicated layout (shared/game/state.ts): the engine's fields and
 * the match fields at the root, one map per entity kind. `name` prefixes the schema names.
 */
export function replicatedSchemaOf(layout: ReplicatedLayout, name: string): ReplicatedSchema {
  for (const field of Object.keys(ENGINE_FIELDS)) if (field in layout.match || field in layout.entities) throw new Error(`replicated ${name}: ${field} is the engine's`);
  const kinds: Record<string, new () => Schema> = {};
  const root: Fields = { ...fieldsOf(ENGINE_FIELDS), ...fieldsOf(layout.match) };
  for (const [kind, decl] of Object.entries(layout.entities)) {
    const Kind = schema(fieldsOf(decl), `${name}_${kind}`) as unknown as new () => Schema;
    kinds[kind] = Kind;
    root[kind] = t.map(Kind as never).default(new MapSchema() as never) as never;
  }
  return { State: schema(root, `${name}_State`) as unknown as new () => Schema, kinds };
}

type Bag = Record<string, unknown>;

/** Write only what changed (an assignment marks a field changed even when the value is the same). */
function assign(target: Bag, values: StateValues): void {
  for (const key in values) if (target[key] !== values[key]) target[key] = values[key];
}

/**
 * Brings a replicated state up to a replica: match fields, entities added, changed and removed.
 * Call once per patch (what changes between two patches is never sent anyway).
 */
export function applyReplica(shape: ReplicatedSchema, state: Schema, replica: Replica): void {
  const root = state as unknown as Bag;
  assign(root, replica.match);
  for (const [kind, Kind] of Object.entries(shape.kinds)) {
    const map = root[kind] as MapSchema<Schema>;
    const seen = new Set<string>();
    for (const [id, values] of replica.entities[kind] ?? []) {
      seen.add(id);
      let entity = map.get(id);
      if (entity === undefined) map.set(id, (entity = new Kind()));
      assign(entity as unknown as Bag, values);
    }
    for (const id of [...map.keys()]) if (!seen.has(id)) map.delete(id);
  }
}
