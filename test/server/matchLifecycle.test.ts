import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { TICK_HZ } from '../../shared/limits.ts';
import type { MatchEnd, MatchInfo } from '../../shared/messages.ts';
import { Lobby } from '../../game-client/net/lobby.ts';
import type { ArenaSession } from '../../game-client/net/session.ts';
import { joinArena, leaveAll, unhandledMessages } from '../helpers/clients.ts';
import { startTestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

const MATCH_S = 2;
const DEADLINE_S = 1;
/** Not the client's default (20 s): a client that did not learn it from the server would show 20. */
const WINDOW_S = 7;

let server: Awaited<ReturnType<typeof startTestServer>>;
const sessions: ArenaSession[] = [];

beforeAll(async () => {
  server = await startTestServer({ operations: { matchDurationS: MATCH_S, drainDeadlineS: DEADLINE_S, reconnectWindowS: WINDOW_S } });
});
afterAll(async () => {
  await Promise.all(sessions.map((s) => s.leave().catch(() => undefined)));
  await server?.close();
});

async function enter(how: (lobby: Lobby) => Promise<ArenaSession>) {
  const session = await how(new Lobby(server.endpoint));
  sessions.push(session);
  const heard = { infos: [] as MatchInfo[], end: undefined as MatchEnd | undefined };
  session.events.on('match', (m) => heard.infos.push(m));
  session.events.on('matchEnd', (m) => { heard.end = m; });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => session.events.on('closed', resolve));
  return { session, heard, closed };
}

describe('match lifecycle', () => {
  it('the match clock and seat window come with the join\'s first state: known when the join resolves, nothing to miss', async () => {
    // A message sent at join could be dispatched before a client's handler exists; the state cannot.
    for (let i = 0; i < 5; i++) {
      const { session } = await enter((l) => l.createPrivate(`early${i}`));
      expect(session.match).toEqual({ endsAtTick: MATCH_S * TICK_HZ, draining: false, reconnectWindowS: WINDOW_S });
      await session.leave();
    }
    // A plain SDK client reads the same from the state, and is sent no message at join it did not ask for.
    const plain = await joinArena(server.endpoint, { name: 'plain' });
    expect([plain.state.matchEndsAtTick, plain.state.draining, plain.state.reconnectWindowS]).toEqual([MATCH_S * TICK_HZ, false, WINDOW_S]);
    expect(unhandledMessages(plain).map((m) => m.type)).not.toContain('match');
    await leaveAll([plain]);
  });

  it('a timed match tells its length, ends with the scores and closes with MATCH_ENDED', async () => {
    const a = await enter((l) => l.createPrivate('ann'));
    const b = await enter((l) => l.joinByCode(a.session.code, 'bo'));
    expect(b.session.match).toEqual({ endsAtTick: MATCH_S * TICK_HZ, draining: false, reconnectWindowS: WINDOW_S });

    const [endA, endB] = await Promise.all([a.closed, b.closed]);
    expect([endA.code, endB.code]).toEqual([CLOSE_CODES.MATCH_ENDED, CLOSE_CODES.MATCH_ENDED]);
    expect(endA.reason).toBe('The match is over.');
    for (const { heard } of [a, b]) {
      expect(heard.end).toMatchObject({ reason: 'time', tick: MATCH_S * TICK_HZ });
      expect(heard.end!.scores.map((s) => s.name).sort()).toEqual(['ann', 'bo']);
    }
    expect((await fetch(`${server.endpoint}/api/rooms/${a.session.code}`)).status).toBe(404);
  });

  it('draining: players are told, new players are refused, the match is cut at the deadline with SHUTDOWN_DEADLINE', async () => {
    const a = await enter((l) => l.quickPlay('last'));
    expect(a.session.match?.draining).toBe(false);
    const t0 = performance.now();
    const drained = server.drain();
    await waitFor('told about the drain', () => a.heard.infos.some((m) => m.draining));
    await expect(joinArena(server.endpoint, { name: 'late' })).rejects.toThrow();
    await expect(new Lobby(server.endpoint).quickPlay('late')).rejects.toThrow(/unavailable right now \(the server is restarting or busy\)/);
    expect((await fetch(`${server.endpoint}/readyz`)).status).toBe(503);
    const end = await a.closed;
    expect(end.code).toBe(CLOSE_CODES.SHUTDOWN_DEADLINE);
    expect(a.heard.end).toMatchObject({ reason: 'shutdown', scores: [expect.objectContaining({ name: 'last' })] });
    expect((performance.now() - t0) / 1000).toBeLessThan(DEADLINE_S + 2);
    await drained;
  });
});
