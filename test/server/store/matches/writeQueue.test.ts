import { describe, expect, it } from 'vitest';
import { storeWritesTotal, WriteQueue, type QueuedWrite } from '../../../../server/store/matches/writeQueue.ts';
import { counterValue } from '../../../../server/observability/metrics.ts';

/** The store's write queue without a database: order, retries, superseding, the bound. */
function write(matchId: string, kind: 'final' | 'checkpoint', log: string[], failures = { left: 0 }): QueuedWrite {
  return {
    key: `${kind}:${matchId}`, matchId, kind,
    run: async () => {
      if (failures.left > 0) {
        failures.left--;
        throw new Error('database down');
      }
      log.push(`${kind}:${matchId}`);
    },
  };
}

describe('WriteQueue', () => {
  it('writes in order, retries a failing write in place until it succeeds', async () => {
    const log: string[] = [];
    const q = new WriteQueue(10);
    const failures = { left: 2 };
    q.push(write('a', 'final', log, failures));
    q.push(write('b', 'final', log));
    expect(await q.flush(5000)).toBe(true);
    expect(log).toEqual(['final:a', 'final:b']);
    expect(failures.left).toBe(0);
  });

  it('a newer checkpoint replaces a waiting one, and a final write replaces its match\'s waiting checkpoint', async () => {
    const log: string[] = [];
    const q = new WriteQueue(10);
    const blocker = { left: 1 };
    q.push(write('x', 'final', log, blocker)); // fails once: the rest wait behind it
    q.push(write('a', 'checkpoint', log));
    q.push(write('b', 'checkpoint', log));
    q.push(write('a', 'checkpoint', log));
    q.push(write('b', 'final', log));
    expect(q.length).toBe(3);
    expect(await q.flush(5000)).toBe(true);
    expect(log).toEqual(['final:x', 'checkpoint:a', 'final:b']);
  });

  it('past its bound refuses the oldest waiting write, counted, never the one being written', async () => {
    const log: string[] = [];
    const q = new WriteQueue(2);
    const before = await counterValue(storeWritesTotal, { kind: 'final', outcome: 'refused' });
    const down = { left: 1 };
    q.push(write('head', 'final', log, down));
    await new Promise((r) => setTimeout(r, 10)); // the head is under way (failed once, waiting to retry)
    for (const id of ['m1', 'm2', 'm3']) q.push(write(id, 'final', log));
    expect(await counterValue(storeWritesTotal, { kind: 'final', outcome: 'refused' })).toBe(before + 1);
    expect(await q.flush(5000)).toBe(true);
    expect(log).toEqual(['final:head', 'final:m2', 'final:m3']);
  });
});
