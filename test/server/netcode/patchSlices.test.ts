import { describe, expect, it } from 'vitest';
import { DEFAULT_PATCH_SLICES, PatchSlices, type PatchSliceLimits } from '../../../server/netcode/patchSlices.ts';

/** Slices over named clients, recording what each call served, when the patch finished, and each slice's end. */
function recorder(limits: PatchSliceLimits, fail: ReadonlySet<string> = new Set()) {
  const log: string[] = [];
  const slices = new PatchSlices<string>((c) => {
    log.push(c);
    if (fail.has(c)) throw new Error(`serving ${c} failed`);
  }, () => log.push('finish'), limits, () => log.push('|'));
  return { slices, log };
}

const clients = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + i));

describe('a patch served in slices', () => {
  it('a room with fewer clients than a slice\'s minimum is served in one turn, however long it takes', () => {
    const { slices, log } = recorder({ sliceMs: 0, minClients: 16 });
    // Started long ago: the slice is spent before the first client, and still nothing is left over.
    expect(slices.begin(clients(15), performance.now() - 1000)).toBe(false);
    expect(log).toEqual([...clients(15), 'finish', '|']);
    expect(slices.inProgress).toBe(false);
    expect(slices.continue()).toBe(false);
  });

  it('when the patch\'s own work spent the first slice it ends before any client; later slices serve at least the minimum and leave no fewer', () => {
    const { slices, log } = recorder({ sliceMs: 0, minClients: 2 });
    expect(slices.begin(clients(7), performance.now())).toBe(true);
    expect(slices.inProgress).toBe(true);
    expect(slices.continue()).toBe(true);
    expect(slices.continue()).toBe(true);
    expect(slices.continue()).toBe(false);
    expect(log.join(' ')).toBe('| a b | c d | e f g finish |');
    expect(slices.inProgress).toBe(false);
  });

  it('within its time a slice goes on serving; finishNow serves the rest at once', () => {
    const { slices, log } = recorder({ sliceMs: 60_000, minClients: 2 });
    expect(slices.begin(clients(5), performance.now())).toBe(false);
    expect(log.join(' ')).toBe('a b c d e finish |');
    const late = recorder({ sliceMs: 0, minClients: 2 });
    late.slices.begin(clients(6), performance.now());
    late.slices.continue();
    late.slices.finishNow();
    expect(late.log.join(' ')).toBe('| a b | c d e f finish |');
  });

  it('a client that throws is skipped: the slice still ends (its sockets uncorked), the next call serves the rest', () => {
    const { slices, log } = recorder({ sliceMs: 0, minClients: 2 }, new Set(['c']));
    slices.begin(clients(6), performance.now());
    slices.continue();
    expect(() => slices.continue()).toThrow(/serving c failed/);
    expect(slices.inProgress).toBe(true);
    expect(slices.continue()).toBe(false);
    expect(log.join(' ')).toBe('| a b | c | d e f finish |');
  });

  it('a new patch finishes the one still in progress first; clients are not held once served', () => {
    const { slices, log } = recorder({ sliceMs: 0, minClients: 2 });
    slices.begin(clients(5), performance.now());
    slices.begin(['x', 'y'], performance.now());
    slices.finishNow();
    expect(log.join(' ')).toBe('| a b c d e finish | | x y finish |');
    const held = (slices as unknown as { clients: unknown[] }).clients;
    expect(held.filter((c) => c !== undefined)).toEqual([]);
  });

  it('prepares clients ahead of serving them, a slice\'s minimum at a time, all of a smaller room at once', () => {
    const log: string[] = [];
    const make = (limits: PatchSliceLimits) => new PatchSlices<string>((c) => log.push(c), () => log.push('finish'), limits, () => log.push('|'), (c) => log.push(`+${c}`));
    const sliced = make({ sliceMs: 0, minClients: 2 });
    sliced.begin(clients(5), performance.now());
    while (sliced.continue());
    expect(log.join(' ')).toBe('| +a +b a b | +c +d c d +e e finish |');
    log.length = 0;
    make({ sliceMs: 0, minClients: 16 }).begin(clients(4), performance.now());
    expect(log.join(' ')).toBe('+a +b +c +d a b c d finish |');
  });

  it('a large room\'s opening (the interest pass) runs in a turn of its own, after the one that began the patch; a small room\'s at once', () => {
    const { slices, log } = recorder({ sliceMs: 0, minClients: 2 });
    expect(slices.begin(clients(3), performance.now(), () => log.push('open'))).toBe(true);
    expect(log).toEqual([]);
    while (slices.continue());
    expect(log.join(' ')).toBe('open | a b c finish |');
    log.length = 0;
    expect(slices.begin(clients(1), performance.now(), () => log.push('open'))).toBe(false);
    expect(log.join(' ')).toBe('open a finish |');
    log.length = 0;
    // Completed at once (the next patch is due, or the room stops): the opening first.
    slices.begin(clients(4), performance.now(), () => log.push('open'));
    slices.finishNow();
    expect(log.join(' ')).toBe('open a b c d finish |');
  });

  it('an opening that throws drops the patch: no client is served, the patch is finished, the error goes on', () => {
    const { slices, log } = recorder({ sliceMs: 0, minClients: 2 });
    slices.begin(clients(4), performance.now(), () => { throw new Error('interest pass failed'); });
    expect(() => slices.continue()).toThrow(/interest pass failed/);
    expect(log.join(' ')).toBe('finish');
    expect(slices.inProgress).toBe(false);
    expect(slices.continue()).toBe(false);
  });

  it('by default a room of 16 is never split, a slice is a millisecond', () => {
    expect(DEFAULT_PATCH_SLICES.minClients).toBeGreaterThan(16);
    expect(DEFAULT_PATCH_SLICES.sliceMs).toBe(1);
  });
});
