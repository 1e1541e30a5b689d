import { Encoder } from '@colyseus/schema';
import { describe, expect, it } from 'vitest';
import { changeTreeOf, indexInParentOf, liveFieldMask, refIdOf, rootOf } from '../../../server/adapters/schemaView.ts';
import { arena } from '../../helpers/arenaState.ts';

/**
 * Contract of server/adapters/schemaView.ts with the pinned @colyseus/schema: fails when an upgrade
 * moves the change tracking interest management reads (a view's binding is checked, with a decoder,
 * in schemaViewDrain.test.ts).
 */

describe('the schema view adapter', () => {
  it('reads reference ids, slots in a collection and live fields from the change tracking', () => {
    const { state, shots, player } = arena();
    const encoder = new Encoder(state);
    expect(rootOf(state)).toBe(encoder.root);
    const ids = [refIdOf(state), refIdOf(state.players), refIdOf(player), refIdOf(state.projectiles), ...shots.map(refIdOf)];
    expect(ids.every((id) => Number.isInteger(id) && id >= 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(shots.map(indexInParentOf)).toEqual([0, 1]);
    expect(liveFieldMask(shots[0]!)).toBe((1 << 6) - 1);
    expect(changeTreeOf(player).ref).toBe(player);
  });
});
