import { matchMaker } from '@colyseus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { ARENA_ROOM } from '../../shared/limits.ts';
import { counterValue, joinRejectionsTotal } from '../../server/observability/metrics.ts';
import { type Baseline, dropConnection, expectBackToBaseline, expectHealthy, expectRejected, type HonestPlayer, honestPlayer, httpFrom, localRoom, rejections, takeBaseline } from '../helpers/attack.ts';
import { closed, joinArenaById, leaveAll, newGuest, openRawSocket, reconnectArena, reserveSeat, roomSocketUrl, type ArenaRoom } from '../helpers/clients.ts';
import { startTestServer } from '../helpers/server.ts';
import { TEST_AUTH_SECRET, forgeToken, tamper, unsignedToken } from '../helpers/tokens.ts';
import { waitFor } from '../helpers/wait.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
let honest: HonestPlayer;
let base: Baseline;
const open: ArenaRoom[] = [];

beforeAll(async () => {
  server = await startTestServer({ security: { authSecret: TEST_AUTH_SECRET }, operations: { reconnectWindowS: 10 } });
  honest = await honestPlayer(server.endpoint);
  base = await takeBaseline(server);
});
afterAll(async () => {
  await leaveAll(open);
  await honest?.stop();
  await server?.close();
});

/**
 * Matchmaking with a chosen token from an attacker's address of its own: forged tokens spend that
 * address' guessing budget (test/security/guessing.test.ts), not the honest players'.
 */
async function matchmake(token: string | undefined, path = `joinById/${honest.room.roomId}`, body: unknown = { name: 'intruder' }) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  const res = await httpFrom('127.0.0.9', `${server.endpoint}/matchmake/${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, json: () => JSON.parse(res.body) as unknown };
}

describe('guest tokens on matchmaking', () => {
  const cases: Array<[string, () => Promise<string | undefined> | string | undefined, string]> = [
    ['missing', () => undefined, 'missing'],
    ['expired', () => forgeToken({ expiresInS: -120 }), 'expired'],
    ['tampered', async () => tamper(await forgeToken()), 'bad_signature'],
    ['alg:none', () => unsignedToken(), 'alg_not_allowed'],
    ['signed with another secret', () => forgeToken({ secret: 'another-secret-another-secret-another-0' }), 'bad_signature'],
    ['signed with another HMAC algorithm', () => forgeToken({ alg: 'HS512' }), 'alg_not_allowed'],
    ['for another audience', () => forgeToken({ audience: 'someone-else' }), 'bad_claims'],
    ['garbage', () => 'not.a.token', 'malformed'],
    ['oversized', () => `${'a'.repeat(3000)}.b.c`, 'malformed'],
  ];

  it.each(cases)('refuses a %s token with 401 before any seat is reserved', async (_what, make, reason) => {
    const before = await rejections('auth', `token_${reason}`);
    const clientsBefore = localRoom(honest.room.roomId).clients.length;
    const res = await matchmake(await make());
    expect(res.status).toBe(401);
    expect(res.json()).toEqual({ code: 401, error: `auth_failed: ${reason}` });
    await expectRejected('auth', `token_${reason}`, before);
    expect(localRoom(honest.room.roomId).clients.length).toBe(clientsBefore);
    expect(Object.keys((localRoom(honest.room.roomId) as unknown as { _reservedSeats: object })._reservedSeats)).toHaveLength(0);
  });

  it('checks the token again in the room\'s static onAuth (matchmaking that bypasses HTTP is covered too)', async () => {
    const roomClass = matchMaker.getRoomClass(ARENA_ROOM) as unknown as { onAuth(token: string | undefined, options: unknown, context: unknown): Promise<unknown> };
    const before = await counterValue(joinRejectionsTotal, { reason: 'auth_failed' });
    await expect(roomClass.onAuth(unsignedToken(), { name: 'x' }, {})).rejects.toMatchObject({ code: 401, message: 'auth_failed: alg_not_allowed' });
    await expect(roomClass.onAuth(undefined, { name: 'x' }, {})).rejects.toMatchObject({ code: 401 });
    await expect(roomClass.onAuth(await forgeToken(), { name: 'x' }, {})).resolves.toMatchObject({ name: 'x', guestId: expect.any(String) });
    expect(await counterValue(joinRejectionsTotal, { reason: 'auth_failed' })).toBe(before + 2);
  });

  it('never lets a token travel in a URL', async () => {
    const urls: string[] = [];
    const record = (req: { url?: string }) => urls.push(req.url ?? '');
    server.httpServer.prependListener('request', record);
    server.httpServer.prependListener('upgrade', record);
    const guest = newGuest(server.endpoint);
    const token = await guest.token();
    const room = await joinArenaById(server.endpoint, honest.room.roomId, { name: 'careful' }, guest);
    open.push(room);
    server.httpServer.off('request', record);
    server.httpServer.off('upgrade', record);
    expect(urls.some((u) => u.startsWith('/matchmake/'))).toBe(true);
    expect(urls.some((u) => u.includes(room.sessionId))).toBe(true); // the WebSocket URL was seen
    for (const url of urls) {
      expect(url).not.toContain(token);
      expect(url).not.toContain(token.split('.')[2]!);
      expect(url.toLowerCase()).not.toContain('authtoken');
    }

    // A client that puts one there anyway is refused, on the upgrade and on matchmaking.
    const before = await rejections('upgrade', 'token_in_url');
    const seat = await reserveSeat(server.endpoint, 'joinById', honest.room.roomId, { name: 'leaky' });
    const raw = openRawSocket(roomSocketUrl(server.endpoint, seat, { _authToken: token }));
    await expect(raw.opened).rejects.toMatchObject({ status: 400 });
    await expectRejected('upgrade', 'token_in_url', before);
    const viaQuery = await fetch(`${server.endpoint}/matchmake/joinById/${honest.room.roomId}?token=${token}`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"name":"leaky"}',
    });
    expect(viaQuery.status).toBe(400);
  });
});

describe('one avatar per guest session', () => {
  it('a second join of the same guest replaces the first avatar instead of adding one', async () => {
    const guest = newGuest(server.endpoint);
    const first = await joinArenaById(server.endpoint, honest.room.roomId, { name: 'twin' }, guest);
    const firstClosed = closed(first);
    const second = await joinArenaById(server.endpoint, honest.room.roomId, { name: 'twin' }, guest);
    open.push(second);
    expect(await firstClosed).toBe(CLOSE_CODES.SESSION_REPLACED);
    await waitFor('first avatar gone, second here', () => honest.room.state.players.get(first.sessionId) === undefined && honest.room.state.players.get(second.sessionId) !== undefined);
    let twins = 0;
    honest.room.state.players.forEach((p) => { if (p.name === 'twin') twins++; });
    expect(twins).toBe(1);
    expect(honest.room.state.players.get(second.sessionId)?.name).toBe('twin');

    // Another guest is another player, told apart on the scoreboard (test/security/names.test.ts).
    const other = await joinArenaById(server.endpoint, honest.room.roomId, { name: 'twin' });
    open.push(other);
    await waitFor('two twins, told apart', () => honest.room.state.players.get(other.sessionId)?.name === 'twin (2)');
    await honest.stillPlaying();
  });
});

describe('one avatar per guest session, across a drop', () => {
  it('a guest whose dropped seat is still held, joining again, replaces the held avatar at once', async () => {
    const guest = newGuest(server.endpoint);
    const first = await joinArenaById(server.endpoint, honest.room.roomId, { name: 'comeback' }, guest);
    first.reconnection.enabled = false; // the guest comes back with a new join, not its token
    await waitFor('first avatar visible', () => honest.room.state.players.get(first.sessionId));
    const firstClosed = closed(first);
    dropConnection(honest.room.roomId, first.sessionId);
    expect(await firstClosed).toBe(1006);
    expect(honest.room.state.players.get(first.sessionId)?.name).toBe('comeback'); // held for 10 s

    const second = await joinArenaById(server.endpoint, honest.room.roomId, { name: 'comeback' }, guest);
    open.push(second);
    // Well inside the 10 s window: the held seat ended because its guest is back, not by time.
    const t0 = performance.now();
    await waitFor('held avatar gone, new one here', () => honest.room.state.players.get(first.sessionId) === undefined && honest.room.state.players.get(second.sessionId) !== undefined, { timeoutMs: 5000 });
    expect(performance.now() - t0).toBeLessThan(5000);
    let avatars = 0;
    honest.room.state.players.forEach((p) => { if (p.name.startsWith('comeback')) avatars++; });
    expect(avatars).toBe(1);
    expect(honest.room.state.players.get(second.sessionId)?.name).toBe('comeback');
  });
});

describe('reconnection', () => {
  it('a wrong reconnection token gets nobody in, and the real player still gets back in', async () => {
    const guest = newGuest(server.endpoint);
    const victim = await joinArenaById(server.endpoint, honest.room.roomId, { name: 'victim' }, guest);
    victim.reconnection.enabled = false; // this test reconnects by hand
    await waitFor('victim visible', () => honest.room.state.players.get(victim.sessionId)?.alive);
    const victimClosed = closed(victim);

    // The network drops the victim (no close frame): the seat is held for a reconnection.
    dropConnection(honest.room.roomId, victim.sessionId);
    expect(await victimClosed).toBe(1006);

    const seat = { processId: matchMaker.processId, roomId: honest.room.roomId, sessionId: victim.sessionId };
    const wrong = openRawSocket(roomSocketUrl(server.endpoint, seat, { reconnectionToken: 'WRONGWRONG' }));
    expect(await wrong.closed).toBe(4003);
    const none = openRawSocket(roomSocketUrl(server.endpoint, seat));
    expect(await none.closed).toBe(4002);
    await expect(reconnectArena(server.endpoint, `${honest.room.roomId}:WRONGWRONG`)).rejects.toThrow(/^reconnection_failed$/);
    // Someone who knows the victim's session id cannot matchmake into its seat either.
    const hijack = await fetch(`${server.endpoint}/matchmake/joinById/${honest.room.roomId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await newGuest(server.endpoint).token()}` },
      body: JSON.stringify({ name: 'hijack', sessionId: victim.sessionId }),
    });
    expect(hijack.status).toBe(400);

    expect(honest.room.state.players.get(victim.sessionId)?.name).toBe('victim'); // still held
    const back = await reconnectArena(server.endpoint, victim.reconnectionToken, guest);
    open.push(back);
    expect(back.sessionId).toBe(victim.sessionId);
    await waitFor('victim plays again', () => back.state.players.get(victim.sessionId)?.name === 'victim');
    await honest.stillPlaying();
    await expectHealthy(server.endpoint);
  });
});

describe('afterwards', () => {
  it('no attack connection is left behind and memory is back to its baseline', async () => {
    await leaveAll(open.splice(0));
    await honest.stillPlaying();
    await expectBackToBaseline(server, base);
  });
});
