import { describe, expect, it } from 'vitest';
import type { InputHandle } from '@colyseus/sdk';
import { InputSequence } from '../../../game-client/net/inputSeq.ts';
import { describeMatchClock, describeMatchEnd } from '../../../game-client/net/matchText.ts';
import { backoffDelayMs } from '../../../game-client/net/reconnect.ts';
import { nextRandom } from '../../../shared/rng.ts';

describe('reconnection backoff', () => {
  it('doubles per attempt up to the cap, with 50-100 % jitter', () => {
    expect(backoffDelayMs(1, 250, 4000, () => 1)).toBe(250);
    expect(backoffDelayMs(2, 250, 4000, () => 1)).toBe(500);
    expect(backoffDelayMs(5, 250, 4000, () => 1)).toBe(4000);
    expect(backoffDelayMs(12, 250, 4000, () => 1)).toBe(4000);
    expect(backoffDelayMs(3, 250, 4000, () => 0)).toBe(500);
    const seen = new Set<number>();
    let state = 42;
    const random = () => {
      const r = nextRandom(state);
      state = r.state;
      return r.value;
    };
    for (let i = 0; i < 50; i++) {
      const d = backoffDelayMs(4, 250, 4000, random);
      expect(d).toBeGreaterThanOrEqual(1000);
      expect(d).toBeLessThanOrEqual(2000);
      seen.add(d);
    }
    expect(seen.size).toBeGreaterThan(20);
  });
});

/** The counters of the SDK input handle that InputSequence reads (reset on reconnect). */
function fakeHandle() {
  const h = { sentCount: 0, lastProcessed: 0, epoch: 0 };
  return {
    h,
    handle: h as unknown as InputHandle<unknown>,
    send() { h.sentCount++; },
    ack(n: number) { h.lastProcessed = n; },
    reset() { h.sentCount = 0; h.lastProcessed = 0; h.epoch++; },
  };
}

describe('input sequence across reconnects', () => {
  it('keeps growing when the SDK counters restart at 0', () => {
    const f = fakeHandle();
    const seq = new InputSequence();
    const sent: number[] = [];
    for (let i = 0; i < 5; i++) { sent.push(seq.next(f.handle)); f.send(); }
    f.ack(3);
    expect(seq.acked(f.handle)).toBe(3);
    f.reset();
    // Right after the reset nothing new is acknowledged, and nothing old is un-acknowledged.
    expect(seq.acked(f.handle)).toBe(3);
    for (let i = 0; i < 3; i++) { sent.push(seq.next(f.handle)); f.send(); }
    expect(sent).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    f.ack(2);
    expect(seq.acked(f.handle)).toBe(7);
  });

  it('takes the server\'s word for what was applied before the drop', () => {
    const f = fakeHandle();
    const seq = new InputSequence();
    for (let i = 0; i < 10; i++) { seq.next(f.handle); f.send(); }
    f.ack(6);
    seq.acked(f.handle);
    f.reset();
    seq.resumed(8);
    expect(seq.acked(f.handle)).toBe(8);
    expect(seq.next(f.handle)).toBe(11);
  });

  it('a send that did not go out reuses its seq, or leaves a gap after a reset', () => {
    const f = fakeHandle();
    const seq = new InputSequence();
    expect(seq.next(f.handle)).toBe(1);
    f.send();
    expect(seq.next(f.handle)).toBe(2); // not transmitted (socket closed)
    expect(seq.next(f.handle)).toBe(2);
    f.reset();
    expect(seq.next(f.handle)).toBe(3);
  });
});

describe('match text', () => {
  it('shows the time left and the drain', () => {
    expect(describeMatchClock(undefined, 0)).toBe('');
    expect(describeMatchClock({ endsAtTick: null, draining: false, reconnectWindowS: 20 }, 10)).toBe('');
    expect(describeMatchClock({ endsAtTick: 30 * 125, draining: false, reconnectWindowS: 20 }, 30 * 5)).toBe('2:00 left');
    expect(describeMatchClock({ endsAtTick: 900, draining: true, reconnectWindowS: 20 }, 900 - 30 * 25)).toBe('server restarting: match ends, 0:25 left');
  });

  it('names the winner and your place', () => {
    const scores = [{ id: 'a', name: 'Ann', kills: 3, deaths: 0 }, { id: 'b', name: 'Bo', kills: 1, deaths: 2 }];
    expect(describeMatchEnd({ reason: 'time', tick: 1, scores }, 'b')).toBe('Match over. Ann won with 3 kills. You placed 2 of 2.');
    expect(describeMatchEnd({ reason: 'shutdown', tick: 1, scores }, 'a')).toBe('Match over: the server is restarting. You won with 3 kills.');
  });
});
