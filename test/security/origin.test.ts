import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARENA_ROOM } from '../../shared/limits.ts';
import { type Baseline, expectBackToBaseline, expectHealthy, expectRejected, type HonestPlayer, honestPlayer, localRoom, rejections, takeBaseline } from '../helpers/attack.ts';
import { joinRaw, newGuest, openRawSocket, reserveSeat, roomSocketUrl } from '../helpers/clients.ts';
import { startTestServer } from '../helpers/server.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
let honest: HonestPlayer;
let base: Baseline;
let own: string;
const EVIL = 'https://evil.example';

beforeAll(async () => {
  // The refused upgrades below leave their seat reservations behind, from one address; the cap on
  // such seats per address (test/security/seats.test.ts) is not what this file tests.
  server = await startTestServer({ security: { rateLimitExemptIps: ['127.0.0.1'] } });
  own = `http://127.0.0.1:${server.port}`;
  honest = await honestPlayer(server.endpoint);
  base = await takeBaseline(server);
});
afterAll(async () => {
  await honest?.stop();
  await server?.close();
});

/** A valid guest token, as the game client would hold it. */
async function token(): Promise<string> {
  return newGuest(server.endpoint).token();
}

describe('Origin allowlist on the WebSocket upgrade', () => {
  it.each([
    ['a foreign site', EVIL],
    ['an opaque origin ("null")', 'null'],
    ['a look-alike host', `http://127.0.0.1:${'PORT'}.evil.example`],
    ['the right host on another port', 'http://127.0.0.1:1'],
    ['the right host with another scheme', 'https://127.0.0.1:PORT'],
  ])('refuses %s with HTTP 403 before any handshake', async (_what, originTemplate) => {
    const origin = originTemplate.replace('PORT', String(server.port));
    const seat = await reserveSeat(server.endpoint, 'joinById', honest.room.roomId, { name: 'cswsh' });
    const before = await rejections('upgrade', 'origin_not_allowed');
    const raw = openRawSocket(roomSocketUrl(server.endpoint, seat), { origin });
    await expect(raw.opened).rejects.toMatchObject({ status: 403 });
    await expectRejected('upgrade', 'origin_not_allowed', before);
    // The seat was never taken: nobody joined in the victim's name.
    expect(localRoom(honest.room.roomId).clients.length).toBe(1);
    await honest.stillPlaying();
  });

  it('admits this server\'s own origin and, for non-browser clients, no Origin at all', async () => {
    const withOrigin = await joinRaw(server.endpoint, { room: { method: 'joinById', nameOrId: honest.room.roomId }, socket: { origin: own } });
    const withoutOrigin = await joinRaw(server.endpoint, { room: { method: 'joinById', nameOrId: honest.room.roomId } });
    expect(withOrigin.ws.readyState).toBe(withOrigin.ws.OPEN);
    expect(withoutOrigin.ws.readyState).toBe(withoutOrigin.ws.OPEN);
    withOrigin.ws.close();
    withoutOrigin.ws.close();
    await Promise.all([withOrigin.closed, withoutOrigin.closed]);
  });
});

describe('Origin allowlist and CORS on matchmaking', () => {
  it('refuses cross-site matchmaking that carries cookies and a valid token, reflecting nothing', async () => {
    const before = await rejections('http', 'origin_not_allowed');
    const clientsBefore = localRoom(honest.room.roomId).clients.length;
    const res = await fetch(`${server.endpoint}/matchmake/joinById/${honest.room.roomId}`, {
      method: 'POST',
      headers: { origin: EVIL, cookie: 'session=stolen', authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'csrf' }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'origin_not_allowed' });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    await expectRejected('http', 'origin_not_allowed', before);
    expect(localRoom(honest.room.roomId).clients.length).toBe(clientsBefore);
  });

  it('refuses to mint guest tokens for a foreign page', async () => {
    const res = await fetch(`${server.endpoint}/auth/guest`, { method: 'POST', headers: { origin: EVIL } });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a foreign preflight with 403 and no CORS headers, an allowed one with exactly its origin', async () => {
    const foreign = await fetch(`${server.endpoint}/matchmake/joinOrCreate/${ARENA_ROOM}`, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();

    const allowed = await fetch(`${server.endpoint}/matchmake/joinOrCreate/${ARENA_ROOM}`, {
      method: 'OPTIONS',
      headers: { origin: own, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(own);
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(allowed.headers.get('vary')).toContain('Origin');
  });

  it('lets an allowed origin matchmake, echoing its origin without credentials', async () => {
    const res = await fetch(`${server.endpoint}/matchmake/joinById/${honest.room.roomId}`, {
      method: 'POST',
      headers: { origin: own, authorization: `Bearer ${await token()}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'friend' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(own);
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(await res.json()).toMatchObject({ roomId: honest.room.roomId });
  });

  it('serves public reads to anyone but lets no foreign page read them', async () => {
    const res = await fetch(`${server.endpoint}/api/rooms`, { headers: { origin: EVIL } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    await expectHealthy(server.endpoint);
    await honest.stillPlaying();
  });
});

describe('afterwards', () => {
  it('no attack connection is left behind and memory is back to its baseline', async () => {
    await honest.stillPlaying();
    await expectBackToBaseline(server, base);
  });
});
