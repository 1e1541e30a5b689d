import { Encoder } from '@colyseus/schema';
import { describe, expect, it } from 'vitest';
import { changeTreeOf, indexInParentOf, liveFieldMask, refIdOf, rootOf, trackWrites, untrackWrites } from '../../../server/adapters/schemaView.ts';
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

  it('stores writes it does not record while untracked, and records them again after', () => {
    const { state, player } = arena();
    const encoder = new Encoder(state);
    encoder.encode();
    encoder.discardChanges();
    expect(encoder.hasChanges).toBe(false);

    untrackWrites(player);
    player.x = 123;
    player.hp = 42;
    expect(player.x).toBeCloseTo(123, 0);
    expect(player.hp).toBe(42);
    // Nothing queued for the patch (the view drain reads the stored values: schemaViewDrain.test.ts).
    expect(encoder.hasChanges).toBe(false);
    trackWrites(player);
    expect(encoder.hasChanges).toBe(false);

    player.hp = 41;
    expect(encoder.hasChanges).toBe(true);
  });
});

