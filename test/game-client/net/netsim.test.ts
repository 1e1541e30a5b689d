import { describe, expect, it } from 'vitest';
import { NETSIM_PRESETS, parseNetSim } from '../../../game-client/net/netsim/config.ts';
import { DelayQueue, LinkModel } from '../../../game-client/net/netsim/link.ts';
import { sleep } from '../../helpers/wait.ts';

describe('network condition simulator', () => {
  it('delays by latency ± jitter and never reorders', () => {
    const link = new LinkModel({ latencyMs: 75, jitterMs: 15, lossRate: 0 }, 1);
    let last = -Infinity;
    let spread = { min: Infinity, max: -Infinity };
    for (let i = 0; i < 2000; i++) {
      const sent = i * 5;
      const at = link.schedule(sent, 40);
      expect(at).toBeGreaterThanOrEqual(last);
      last = at;
      spread = { min: Math.min(spread.min, at - sent), max: Math.max(spread.max, at - sent) };
    }
    expect(spread.min).toBeGreaterThanOrEqual(60);
    expect(spread.max).toBeLessThanOrEqual(90 + 5);
    expect(spread.max - spread.min).toBeGreaterThan(20);
  });

  it('TCP-like loss: a lost segment arrives one retransmission time late and holds up everything behind it', () => {
    const link = new LinkModel({ latencyMs: 75, jitterMs: 0, lossRate: 0.05 }, 7);
    expect(link.retransmitMs).toBe(200);
    const delays: number[] = [];
    for (let i = 0; i < 4000; i++) delays.push(link.schedule(i * 50, 100) - i * 50);
    const stalled = delays.filter((d) => d >= 75 + 200).length;
    expect(stalled / delays.length).toBeGreaterThan(0.035);
    expect(stalled / delays.length).toBeLessThan(0.07);
    expect(link.lost).toBe(stalled);
    // Head-of-line blocking: the message sent 50 ms after a lost one still waits for it.
    const i = delays.findIndex((d) => d >= 275);
    expect(delays[i + 1]).toBeGreaterThanOrEqual(delays[i]! - 50);
    expect(delays[i + 1]).toBeGreaterThan(75);
  });

  it('a bandwidth cap queues messages behind each other', () => {
    const link = new LinkModel({ latencyMs: 10, jitterMs: 0, lossRate: 0, kbps: 80 }, 1);
    let at = 0;
    for (let i = 0; i < 100; i++) at = link.schedule(0, 1000); // 100 kB at 10 kB/s
    expect(at).toBeGreaterThanOrEqual(10_000);
    expect(at).toBeLessThan(10_100);
  });

  it('parses presets and explicit settings, and refuses anything else', () => {
    const mobile = parseNetSim('mobile');
    expect(mobile.up).toMatchObject({ latencyMs: 75, jitterMs: 15, lossRate: 0.05 });
    expect(mobile.down).toEqual(mobile.up);
    expect(mobile.label).toBe('150 ms ± 30 ms 5% loss');
    expect(parseNetSim('rtt=300,kbps=256').down).toMatchObject({ latencyMs: 150, kbps: 256, lossRate: 0 });
    expect(Object.keys(NETSIM_PRESETS)).toEqual(['lan', 'broadband', 'mobile', 'satellite']);
    expect(() => parseNetSim('rtt=fast')).toThrow(/bad setting/);
    expect(() => parseNetSim('ping=3')).toThrow(/unknown setting/);
  });

  it('the delivery queue hands items over in order when they come due', async () => {
    const got: number[] = [];
    const q = new DelayQueue<number>((n) => got.push(n));
    const t = performance.now();
    q.push(t + 30, 1);
    q.push(t + 30, 2);
    q.push(t + 60, 3);
    await sleep(15);
    expect(got).toEqual([]);
    await sleep(120);
    expect(got).toEqual([1, 2, 3]);
  });
});
