import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Decoder, OPERATION, StateView } from '@colyseus/schema';
import { describe, expect, it } from 'vitest';
import { bindView, changeTreeOf, indexInParentOf, refIdOf } from '../../../server/adapters/schemaView.ts';
import { ARRAY_SNAPSHOT_KEY, InterestEncoder, SWITCH_TO_STRUCTURE_CODE } from '../../../server/adapters/schemaViewDrain.ts';
import { ArenaState } from '../../../server/state/ArenaState.ts';
import { arena } from '../../helpers/arenaState.ts';

/**
 * Contract of server/adapters/schemaViewDrain.ts (and schemaView.ts' view binding) with the pinned
 * @colyseus/schema: fails when an upgrade moves the encoder internals interest management writes
 * patches with. Every frame is read back with schema's own decoder.
 */

describe('the schema view drain', () => {
  it('binds a fresh view so that its client gets the filtered collection, and entries queued by hand decode as schema\'s own', () => {
    const { state, shots } = arena();
    const encoder = new InterestEncoder(state, undefined, () => false);
    const view = new StateView();
    bindView(view, state, state.projectiles);
    const it = { offset: 0 };
    encoder.encodeAll(it);
    const full = encoder.encodeAllView(view, it.offset, { ...it });
    view.changes.clear();
    const client = new ArenaState();
    const decoder = new Decoder(client);
    decoder.decode(full);
    expect(client.players.get('a')?.name).toBe('a');
    expect(client.projectiles?.size).toBe(0);

    // What interest management queues for a projectile entering the view (server/interest/manager.ts addShot).
    encoder.discardChanges();
    const shot = shots[1]!;
    view.markVisible(changeTreeOf(shot));
    view.changes.set(refIdOf(state.projectiles), new Map([[indexInParentOf(shot), OPERATION.ADD]]));
    const fields = new Map<number, OPERATION>();
    for (let i = 0; i < 6; i++) fields.set(i, OPERATION.ADD);
    view.changes.set(refIdOf(shot), fields);
    const patch = { offset: 0 };
    encoder.encode(patch);
    const frame = encoder.encodeViewWith(view, undefined, patch.offset, { offset: patch.offset });
    decoder.decode(frame);
    const got = client.projectiles.get('2');
    expect(got).toMatchObject({ ownerId: 'a', y0: 20, vx: 30, vy: -40, spawnTick: 9 });
    expect(got!.x0).toBe(20);
    expect(client.projectiles.size).toBe(1);
  });

  it('copies two of schema\'s constants: they still have the installed version\'s values', () => {
    const root = createRequire(import.meta.url).resolve('@colyseus/schema').replace(/build\/.*$/, 'build/');
    expect(readFileSync(`${root}encoding/spec.d.ts`, 'utf8')).toContain(`SWITCH_TO_STRUCTURE = ${SWITCH_TO_STRUCTURE_CODE};`);
    expect(readFileSync(`${root}encoder/StateView.d.ts`, 'utf8')).toContain(`ARRAY_SNAPSHOT = ${ARRAY_SNAPSHOT_KEY};`);
  });
});
