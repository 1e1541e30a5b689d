import { PlayerState, ProjectileState } from '../state/ArenaState.ts';
import { BODY_FIELDS } from '../../shared/sim/replicated.ts';
import { schemaFields, type SchemaField } from '../adapters/schemaMetadata.ts';

/**
 * Wire facts about the schema the interest layer writes into views: field indexes and the exact
 * bytes each field update costs, read once from the schema's own metadata (built from the
 * declaration in shared/sim/replicated.ts), so a change there cannot leave a stale copy here.
 */

function metadataOf(klass: unknown): SchemaField[] {
  const fields = schemaFields(klass);
  if (fields === undefined) throw new Error('not a schema class');
  return fields;
}

/** Value bytes of a fixed-size field type (strings are sized per value). */
function valueBytes(type: unknown): number {
  if (typeof type === 'object' && type !== null && 'quantized' in type) return (type as { quantized: { bits: number } }).quantized.bits / 8;
  switch (type) {
    case 'boolean': case 'uint8': case 'int8': return 1;
    case 'uint16': case 'int16': return 2;
    case 'uint32': case 'int32': case 'float32': return 4;
    case 'float64': return 8;
    default: throw new Error(`no fixed size for field type ${JSON.stringify(type)}`);
  }
}

/** Bytes of a msgpack-style unsigned integer as schema's `encode.number` writes it. */
export function varintBytes(n: number): number {
  return n < 0x80 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5;
}

const playerFields = metadataOf(PlayerState);
const byName = new Map(playerFields.map((f) => [f.name, f]));

/** Schema field index of each body bit (BODY_FIELDS order). */
export const BODY_FIELD_INDEX: readonly number[] = BODY_FIELDS.map((name) => {
  const f = byName.get(name);
  if (f === undefined) throw new Error(`PlayerState has no field "${name}"`);
  return f.index;
});

/** Wire bytes of each body bit's update: one byte of field index and operation, then the value. */
const BODY_FIELD_BYTES: readonly number[] = BODY_FIELDS.map((name) => 1 + valueBytes(byName.get(name)!.type));

/** Bytes of the body fields in `mask`, without the structure header. */
export function bodyFieldBytes(mask: number): number {
  let n = 0;
  for (let i = 0; mask !== 0; i++, mask >>>= 1) if (mask & 1) n += BODY_FIELD_BYTES[i]!;
  return n;
}

/** Bytes to switch the decoder to an instance: the marker and its reference id. */
export function headerBytes(refId: number): number {
  return 1 + varintBytes(refId);
}

/** A player's body update for the fields in `mask` (`refId`: the player's reference id). */
export function bodyUpdateBytes(refId: number, mask: number): number {
  return headerBytes(refId) + bodyFieldBytes(mask);
}

/**
 * What a body leaving a view deletes on that client: every field sent through views (what
 * `StateView.remove` deletes), which must be the body fields.
 */
const viewTagged = playerFields.filter((f) => f.tag !== undefined).map((f) => f.index).sort((a, b) => a - b);
if (viewTagged.join() !== [...BODY_FIELD_INDEX].sort((a, b) => a - b).join()) {
  throw new Error(`PlayerState's view fields (${viewTagged.join()}) are not the body fields (${BODY_FIELD_INDEX.join()})`);
}

/** A player leaving an area: one delete operation per body field. */
export function bodyLeaveBytes(refId: number): number {
  return headerBytes(refId) + BODY_FIELDS.length;
}

const projectileFields = metadataOf(ProjectileState);
/** Index of a projectile's `ownerId`, which only its owner's client needs (to tell its own shots). */
export const PROJECTILE_OWNER_INDEX: number = projectileFields.find((f) => f.name === 'ownerId')!.index;
const PROJECTILE_FIXED_BYTES = projectileFields.filter((f) => f.type !== 'string').reduce((n, f) => n + 1 + valueBytes(f.type), 0);

/**
 * A projectile entering a view: the map entry (operation, its `index` in the map, string key,
 * reference id) and its fields (strings as length prefix plus bytes, enough for the ASCII ids we
 * use; the owner id only for its owner).
 */
export function projectileAddBytes(refId: number, index: number, key: string, ownerIdChars: number | undefined): number {
  return 1 + varintBytes(index) + 1 + key.length + varintBytes(refId)
    + headerBytes(refId) + PROJECTILE_FIXED_BYTES + (ownerIdChars === undefined ? 0 : ownerIdFieldBytes(ownerIdChars));
}

/** A projectile's owner id as a field: its operation and index, the string's length, the string. */
function ownerIdFieldBytes(ownerIdChars: number): number {
  return 2 + ownerIdChars;
}

/** A projectile's owner id sent on its own, after the projectile reached the client without it. */
export function projectileOwnerIdBytes(refId: number, ownerIdChars: number): number {
  return headerBytes(refId) + ownerIdFieldBytes(ownerIdChars);
}

/** A projectile leaving a view: the map's delete operation. */
export function projectileRemoveBytes(index: number): number {
  return 1 + varintBytes(index);
}
