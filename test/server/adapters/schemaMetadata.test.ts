import { describe, expect, it } from 'vitest';
import { schemaFields } from '../../../server/adapters/schemaMetadata.ts';
import { PlayerState, ProjectileState } from '../../../server/state/ArenaState.ts';
import { InputMessage } from '../../../server/rooms/inputSchema.ts';

/** Contract of server/adapters/schemaMetadata.ts with the pinned @colyseus/schema: fails when an upgrade moves the field layout. */
describe('the schema metadata adapter', () => {
  it('lists a schema class\'s fields in declaration order with their indexes and types', () => {
    const fields = schemaFields(PlayerState)!;
    expect(fields.map((f) => f.name)).toEqual(['name', 'kills', 'deaths', 'x', 'y', 'vx', 'vy', 't', 'aim', 'hp', 'alive']);
    expect(fields.map((f) => f.index)).toEqual(fields.map((_, i) => i));
    expect(fields.find((f) => f.name === 'hp')!.type).toBe('uint8');
    expect(fields.find((f) => f.name === 'x')!.type).toMatchObject({ quantized: { bits: 16 } });
    expect(schemaFields(InputMessage)!.map((f) => [f.name, f.type])).toEqual([
      ['seq', 'uint32'], ['moveX', 'int8'], ['moveY', 'int8'], ['aim', 'uint16'], ['fire', 'boolean'], ['viewTick', 'uint8'],
    ]);
    expect(schemaFields(ProjectileState)!.map((f) => f.name)).toEqual(['ownerId', 'x0', 'y0', 'vx', 'vy', 'spawnTick']);
  });

  it('says undefined for something that is not a schema class', () => {
    expect(schemaFields(class Plain {})).toBeUndefined();
    expect(schemaFields(undefined)).toBeUndefined();
  });
});
