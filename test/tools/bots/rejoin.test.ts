import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBots, RUN_DEFAULTS } from '../../../tools/bots/coordinator.ts';
import { startTestServer } from '../../helpers/server.ts';

const MATCH_S = 2;
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer({ security: { rateLimitExemptIps: ['127.0.0.1'] }, operations: { matchDurationS: MATCH_S } });
});
afterAll(async () => {
  await server?.close();
});

/**
 * Timed matches under load (the benchmark with MATCH_DURATION_S): a bot whose match ended goes on
 * to a new room, as a player would, so the load stays at its target; a match end is not a disconnect.
 */
describe('bots and timed matches', () => {
  it('come back in new rooms after each match ends, keeping the count', async () => {
    const report = await runBots({ ...RUN_DEFAULTS, url: server.wsUrl.replace('localhost', '127.0.0.1'), rooms: 2, perRoom: 4, durationS: MATCH_S * 2 + 1.5, full: 4, workers: 1 });
    expect(report).toMatchObject({ target: 8, connected: 8, failedJoins: 0, disconnects: 0 });
    expect(report.full).toMatchObject({ bots: 4, joined: 4 });
    expect(report.light).toMatchObject({ bots: 4, joined: 4 });
    // Two rooms per generation: at least two generations of rooms.
    expect(report.roomsSeen).toBeGreaterThanOrEqual(4);
  });
});
