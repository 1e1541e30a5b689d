import { ArraySchema, MapSchema, schema, t, type Schema } from '@colyseus/schema';
import { ENGINE_STATE_FIELDS, fieldType, isViewField, type FieldDecl, type Replica, type ReplicatedLayout, type StateFields, type StateValues, type ValuesOf } from '../../shared/game/state.ts';

type Builder = ReturnType<typeof t.uint8>;
type Fields = Record<string, Builder>;

/** A field's schema builder: its wire type (or quantization, or array), its view tag, its zero default. */
function fieldOf(decl: FieldDecl): Builder {
  if (typeof decl === 'object' && 'array' in decl) return t.array(decl.array) as unknown as Builder;
  let field = (typeof decl === 'object' && 'quantized' in decl ? t.quantized(decl.quantized) : t[fieldType(decl)!]()) as Builder;
  if (isViewField(decl)) field = field.view();
  const type = fieldType(decl);
  return field.default((type === 'string' ? '' : type === 'boolean' ? false : 0) as never);
}

function fieldsOf(decl: StateFields): Fields {
  const out: Fields = {};
  for (const [name, field] of Object.entries(decl)) out[name] = fieldOf(field);
  return out;
}

/** A replicated entity on the server: a schema instance with the kind's fields (arrays as ArraySchema). */
export type EntityOf<F extends StateFields> = Schema & ValuesOf<F, ArraySchema<number>>;
/** An entity kind's schema class; construct with some of its values. */
export type EntityClass<F extends StateFields> = new (init?: Partial<ValuesOf<F>>) => EntityOf<F>;
/** The root state of a layout on the server: the engine's fields, the match's, a map per entity kind. */
export type StateOf<L extends ReplicatedLayout> = Schema & ValuesOf<typeof ENGINE_STATE_FIELDS> & ValuesOf<L['match'], ArraySchema<number>>
  & { [K in keyof L['entities']]: MapSchema<EntityOf<L['entities'][K]>> };

export interface ReplicatedSchema<L extends ReplicatedLayout = ReplicatedLayout> {
  /** The root schema class (construct one per room). */
  readonly State: new () => StateOf<L>;
  /** Entity schema classes by kind. */
  readonly kinds: { readonly [K in keyof L['entities']]: EntityClass<L['entities'][K]> };
}

/**
 * The state schema of a game's replicated layout (shared/game/state.ts): the engine's fields and
 * the match fields at the root, one map per entity kind (tagged for per-client views when the
 * layout names it `perClient`). `name` prefixes the schema names the layout does not give.
 */
export function replicatedSchemaOf<const L extends ReplicatedLayout>(layout: L, name: string): ReplicatedSchema<L> {
  const kinds: Record<string, new () => Schema> = {};
  const root: Fields = { ...fieldsOf(ENGINE_STATE_FIELDS), ...fieldsOf(layout.match) };
  for (const [kind, decl] of Object.entries(layout.entities)) {
    const Kind = schema(fieldsOf(decl), layout.names?.kinds?.[kind] ?? `${name}_${kind}`) as unknown as new () => Schema;
    kinds[kind] = Kind;
    const map = t.map(Kind as never) as unknown as Builder;
    root[kind] = layout.perClient?.includes(kind) === true ? map.view() : map;
  }
  const State = schema(root, layout.names?.state ?? `${name}_State`) as unknown as ReplicatedSchema<L>['State'];
  return { State, kinds: kinds as unknown as ReplicatedSchema<L>['kinds'] };
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
export function applyReplica<L extends ReplicatedLayout>(shape: ReplicatedSchema<L>, state: Schema, replica: Replica): void {
  const root = state as unknown as Bag;
  assign(root, replica.match);
  for (const [kind, Kind] of Object.entries(shape.kinds) as Array<[string, new () => Schema]>) {
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
