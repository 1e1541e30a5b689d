import { describe, expect, it } from 'vitest';
import { Decoder, Encoder } from '@colyseus/schema';
import { schemaFields } from '../../../server/adapters/schemaMetadata.ts';
import { ArenaState, PlayerState, ProjectileState } from '../../../server/state/ArenaState.ts';
import { replicatedSchemaOf } from '../../../server/state/replicatedState.ts';
import { defineReplicated, ENGINE_STATE_FIELDS, fieldType, isViewField, type StateFields } from '../../../shared/game/state.ts';
import { BALL_REPLICATED } from '../../../shared/games/ball/definition.ts';
import { ARENA_REPLICATED, BODY_FIELDS } from '../../../shared/sim/replicated.ts';
import { POSITION_WIRE } from '../../../shared/wire.ts';

/** What a declared field must become in the schema: its name in order, its type, its view tag. */
function expectSchemaOf(klass: unknown, fields: StateFields): void {
  const actual = schemaFields(klass)!;
  expect(actual.map((f) => f.name)).toEqual(Object.keys(fields));
  for (const f of actual) {
    const decl = fields[f.name]!;
    if (typeof decl === 'object' && 'quantized' in decl) expect(f.type, f.name).toMatchObject({ quantized: { min: decl.quantized.min, max: decl.quantized.max } });
    else if (typeof decl === 'object' && 'array' in decl) expect(f.type, f.name).toEqual({ array: decl.array });
    else expect(f.type, f.name).toBe(fieldType(decl));
    expect(f.tag !== undefined, `${f.name} view tag`).toBe(isViewField(decl));
  }
}

describe('a replicated layout becomes the state schema (shared/game/state.ts → server/state/replicatedState.ts)', () => {
  it('the arena: every declared field with its type, quantization and view tag; the per-client kind tagged', () => {
    expectSchemaOf(PlayerState, ARENA_REPLICATED.entities.players);
    expectSchemaOf(ProjectileState, ARENA_REPLICATED.entities.projectiles);
    // The interest layer's body bits are exactly the fields tagged for views, in their order.
    expect(schemaFields(PlayerState)!.filter((f) => f.tag !== undefined).map((f) => f.name)).toEqual([...BODY_FIELDS]);
    const root = schemaFields(ArenaState)!;
    expect(root.map((f) => f.name)).toEqual([...Object.keys(ENGINE_STATE_FIELDS), ...Object.keys(ARENA_REPLICATED.match), 'players', 'projectiles']);
    expect(root.filter((f) => f.tag !== undefined).map((f) => f.name)).toEqual(['projectiles']);
  });

  it('the ball game: the same derivation, nothing per client', () => {
    const shape = replicatedSchemaOf(BALL_REPLICATED, 'ball');
    expectSchemaOf(shape.kinds.players, BALL_REPLICATED.entities.players);
    expectSchemaOf(shape.kinds.balls, BALL_REPLICATED.entities.balls);
    expect(schemaFields(shape.State)!.filter((f) => f.tag !== undefined)).toEqual([]);
  });

  it('a client decodes what the server wrote: quantized values on the wire\'s grid, arrays, per-room instances', () => {
    const state = new ArenaState();
    const other = new ArenaState();
    state.tick = 42;
    state.crowd.push(3);
    const p = new PlayerState({ name: 'ann', kills: 2 });
    p.x = 100.3; // quantized: snaps to the position grid
    state.players.set('a', p);
    expect(other.players.size).toBe(0); // maps are per instance, not a shared default
    const decoder = new Decoder(new ArenaState());
    decoder.decode(new Encoder(state).encodeAll());
    const seen = decoder.state as unknown as InstanceType<typeof ArenaState>;
    expect(seen.tick).toBe(42);
    expect([...seen.crowd]).toEqual([3]);
    expect(seen.players.get('a')).toMatchObject({ name: 'ann', kills: 2 });
    const step = (POSITION_WIRE.max - POSITION_WIRE.min) / 65535;
    expect(Math.abs(p.x - 100.3)).toBeLessThanOrEqual(step / 2);
  });

  it('refuses a layout that would shadow the engine\'s fields or names an undeclared per-client kind', () => {
    expect(() => defineReplicated({ match: { draining: 'boolean' }, entities: {} })).toThrow(/engine/);
    expect(() => defineReplicated({ match: {}, entities: { a: { x: 'uint8' } }, perClient: ['b'] })).toThrow(/per-client/);
    expect(() => defineReplicated({ match: { a: 'uint8' }, entities: { a: { x: 'uint8' } } })).toThrow(/both/);
  });
});
