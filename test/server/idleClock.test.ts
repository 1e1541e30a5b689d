import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lobby } from '../../game-client/net/lobby.ts';
import { parseNetSim } from '../../game-client/net/netsim/config.ts';
import type { ArenaSession } from '../../game-client/net/session.ts';
import { startTestServer } from '../helpers/server.ts';
import { sleep, waitFor } from '../helpers/wait.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
let idle: ArenaSession;

beforeAll(async () => {
  server = await startTestServer();
  idle = await new Lobby(server.endpoint, { netsim: parseNetSim('rtt=80') }).createPrivate('idle');
});

afterAll(async () => {
  await idle?.leave().catch(() => undefined);
  await server?.close();
});

describe('clock while idle', () => {
  it('measures RTT and clock offset without a single input sent', async () => {
    // No update() calls: a hidden tab, a menu. Only the server's pings and patches flow.
    const first = await waitFor('an RTT sample', () => (idle.stats().rttMs > 0 ? idle.stats() : undefined), { timeoutMs: 3000 });
    expect(first.inputsSent).toBe(0);
    expect(first.rttMs).toBeGreaterThanOrEqual(80);
    expect(first.rttMs).toBeLessThan(400);
    // The offset is the best (least delayed) of the patches seen so far: read it once a few have
    // come (a quarter second: five at 20 Hz), so one early patch held up by this busy process (the
    // server runs in it) does not count as the estimate moving.
    await sleep(250);
    const offset = idle.stats().clockOffsetMs;
    await sleep(1200);
    const later = idle.stats();
    expect(later.inputsSent).toBe(0);
    // Fresh samples kept coming (five reports a second), and the offset held steady.
    expect(later.rttMs).not.toBe(first.rttMs);
    expect(Math.abs(later.clockOffsetMs - offset)).toBeLessThan(50);
  });
});
