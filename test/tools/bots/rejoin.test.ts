import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotRun, RUN_DEFAULTS } from '../../../tools/bots/coordinator.ts';
import { mergeTotals } from '../../../tools/bots/report.ts';
import { startTestServer } from '../../helpers/server.ts';

const MATCH_S = 2;
const ROOMS = 2;
/** Generous bound on the whole run: three generations of two-second matches, each with its rejoin. */
const RUN_BOUND_MS = 30_000;
const POLL_MS = 50;
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
    const run = new BotRun({ ...RUN_DEFAULTS, url: server.wsUrl.replace('localhost', '127.0.0.1'), rooms: ROOMS, perRoom: 4, durationS: RUN_BOUND_MS / 1000, full: 4, workers: 1 });
    await run.start();
    // The count is read in the middle of the third generation's match, found by its events, not by
    // a clock: a fixed run length drifts out of that match when joins are slow (on a loaded machine
    // a rejoin took long enough that a 1.5 s margin ended the run while bots were between rooms).
    // Both third-generation rooms seen, then half a match: stragglers of a room have half a match
    // to arrive, and the match has about half its length left, so neither edge is near.
    const deadline = performance.now() + RUN_BOUND_MS;
    const seen: string[] = [];
    let third = false;
    while (performance.now() < deadline) {
      const m = mergeTotals(await run.totals(false));
      seen.push(`${Math.round(performance.now() - deadline + RUN_BOUND_MS)}ms rooms=${m.roomsSeen} connected=${m.all.connected}`);
      if (m.roomsSeen >= ROOMS * 3) { third = true; break; }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    if (third) await new Promise((r) => setTimeout(r, (MATCH_S * 1000) / 2));
    const report = await run.stop('duration');
    expect(third, `no third generation of rooms within ${RUN_BOUND_MS} ms: ${seen.slice(-5).join('; ')}`).toBe(true);
    expect(report, seen.filter((_, i) => i % 10 === 0).join('; ')).toMatchObject({ target: 8, connected: 8, failedJoins: 0, disconnects: 0 });
    expect(report.full).toMatchObject({ bots: 4, joined: 4 });
    expect(report.light).toMatchObject({ bots: 4, joined: 4 });
    // Two rooms per generation: exactly three generations' rooms, none shared across lineages.
    expect(report.roomsSeen).toBe(ROOMS * 3);
  });
});
