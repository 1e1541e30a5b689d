import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRIVATE_ROOM_CODE_CHARS } from '../../shared/limits.ts';
import { DEFAULT_SECURITY, GUESS_LIMITS, MAX_PENDING_SEATS_PER_ADDRESS_PER_ROOM, tcpSocketsPerPeer } from '../../server/security/limits.ts';
import { perMinute } from '../../server/security/tokenBucket.ts';
import { httpFrom } from '../helpers/attack.ts';
import { createArena, newGuest, openRawSocket, type ArenaRoom } from '../helpers/clients.ts';
import { startTestServer } from '../helpers/server.ts';
import { tamper } from '../helpers/tokens.ts';
import { waitFor } from '../helpers/wait.ts';

const PROXY = '127.0.0.5';
const MAX_CONNECTIONS = 5;
const TOKENS_PER_MINUTE = 20;
const DASHBOARD_TOKEN = 'proxy-dashboard-token-0123456789';
const METRICS_TOKEN = 'proxy-metrics-token-0123456789';
let server: Awaited<ReturnType<typeof startTestServer>>;
let room: ArenaRoom;
let guestToken: string;

beforeAll(async () => {
  server = await startTestServer({
    dashboardToken: DASHBOARD_TOKEN,
    metricsToken: METRICS_TOKEN,
    security: { trustedProxies: [`${PROXY}/32`], maxConnectionsPerIp: MAX_CONNECTIONS, guestTokensPerIpPerMinute: TOKENS_PER_MINUTE },
  });
  room = await createArena(server.endpoint, { name: 'host', private: true });
  guestToken = await newGuest(server.endpoint).token();
});
afterAll(async () => {
  await room?.leave(true).catch(() => undefined);
  await server?.close();
});

/** A request as the trusted proxy forwards it for `client` (and, optionally, the scheme it used). */
function forwarded(client: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  return httpFrom(PROXY, `${server.endpoint}${path}`, { ...init, headers: { ...init.headers, 'x-forwarded-for': client } });
}

const burst = perMinute(TOKENS_PER_MINUTE).burst;

function viaProxy(forwardedFor: string) {
  return httpFrom(PROXY, `${server.endpoint}/auth/guest`, { method: 'POST', headers: { 'x-forwarded-for': forwardedFor } });
}

describe('behind a trusted reverse proxy', () => {
  it('limits each forwarded client on its own, and only the proxy\'s own entry counts', async () => {
    const seen: string[] = [];
    const record = (req: { headers: Record<string, unknown> }) => seen.push(String(req.headers['x-forwarded-for']));
    server.httpServer.prependListener('request', record);
    const attacker: number[] = [];
    // The client wrote "127.0.0.1" itself; the proxy appended the address it really saw.
    for (let i = 0; i <= burst + 2; i++) attacker.push((await viaProxy('127.0.0.1, 203.0.113.7')).status);
    server.httpServer.off('request', record);
    expect(attacker.slice(0, burst).every((s) => s === 200)).toBe(true);
    expect(attacker.at(-1)).toBe(429);
    // Everyone after Colyseus sees only the resolved address.
    expect(new Set(seen)).toEqual(new Set(['203.0.113.7']));
    expect((await viaProxy('198.51.100.7')).status).toBe(200);
    expect((await viaProxy('127.0.0.1')).status).toBe(200);
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= burst + 2; i++) {
      statuses.push((await httpFrom('127.0.0.6', `${server.endpoint}/auth/guest`, { method: 'POST', headers: { 'x-forwarded-for': `198.51.100.${i}` } })).status);
    }
    expect(statuses.at(-1)).toBe(429);
  });

  it('exempts the proxy from the per-peer socket cap but caps WebSockets per forwarded client', async () => {
    const before = server.security.edge.stats();
    const open = async (local: string) => {
      const socket = net.connect({ host: '127.0.0.1', port: server.port, localAddress: local });
      let closedEarly = false;
      socket.resume(); // an unread byte would hold 'close' back
      socket.on('close', () => { closedEarly = true; });
      socket.on('error', () => undefined);
      await new Promise((r) => socket.once('connect', r));
      return { socket, closedEarly: () => closedEarly };
    };
    const tcpCap = tcpSocketsPerPeer({ maxConnectionsPerIp: MAX_CONNECTIONS });
    const fromProxy = await Promise.all(Array.from({ length: tcpCap * 2 }, () => open(PROXY)));
    const direct = await Promise.all(Array.from({ length: tcpCap * 2 }, () => open('127.0.0.7')));
    // The edge refuses in its accept handler: wait for those closes, not for a fixed time.
    await waitFor('the direct sockets over the cap closed', () => direct.filter((s) => s.closedEarly()).length >= tcpCap);
    expect(fromProxy.filter((s) => s.closedEarly()).length).toBe(0);
    expect(direct.filter((s) => s.closedEarly()).length).toBe(tcpCap);
    for (const s of [...fromProxy, ...direct]) s.socket.destroy();

    const url = server.endpoint.replace('http', 'ws');
    const sockets = Array.from({ length: MAX_CONNECTIONS + 1 }, () => openRawSocket(url, { localAddress: PROXY, headers: { 'x-forwarded-for': '203.0.113.50' } }));
    const results = await Promise.all(sockets.map((s) => s.opened.then(() => 101, (e: { status?: number }) => e.status ?? 0)));
    expect(results.filter((r) => r === 101)).toHaveLength(MAX_CONNECTIONS);
    expect(results.filter((r) => r === 429)).toHaveLength(1);
    const other = openRawSocket(url, { localAddress: PROXY, headers: { 'x-forwarded-for': '203.0.113.51' } });
    await other.opened;
    for (const s of [...sockets, other]) s.ws.terminate();
    await waitFor('edge counters back where they were', () => server.security.edge.stats().webSocketClients === before.webSocketClients && server.security.edge.stats().socketPeers === before.socketPeers);
  });
});

const json = { 'content-type': 'application/json' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const form = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * Class 4 of issue 13: every limiter keys on the client the trusted proxy forwarded, never on the
 * proxy. Each row spends one client's allowance through the proxy, then checks that this client
 * is refused and that another client behind the same proxy is not.
 */
describe('every per-address limiter, through a trusted proxy, counts the forwarded client', () => {
  const rows: Array<[limiter: string, attempt: (client: string) => Promise<number>, allowed: number, status: number, refused: number]> = [
    ['matchmaking requests (JOINS_PER_IP_PER_MINUTE)', (c) => forwarded(c, `/matchmake/joinById/${room.roomId}`, { method: 'POST', headers: json, body: '{"name":"p"}' }).then((r) => r.status),
      perMinute(DEFAULT_SECURITY.joinsPerIpPerMinute).burst, 401, 429],
    ['guest tokens (GUEST_TOKENS_PER_IP_PER_MINUTE)', (c) => forwarded(c, '/auth/guest', { method: 'POST' }).then((r) => r.status), perMinute(TOKENS_PER_MINUTE).burst, 200, 429],
    ['room-code guesses', (c) => forwarded(c, `/api/rooms/${'A'.repeat(PRIVATE_ROOM_CODE_CHARS)}`).then((r) => r.status), GUESS_LIMITS.room_code.perAddressFailures.burst, 404, 429],
    ['reconnection-token guesses', (c) => forwarded(c, `/matchmake/reconnect/${room.roomId}`, { method: 'POST', headers: { ...json, ...bearer(guestToken) }, body: '{"reconnectionToken":"WRONGWRONG"}' }).then((r) => r.status),
      GUESS_LIMITS.reconnection_token.perAddressFailures.burst, 404, 429],
    ['guest-token guesses', (c) => forwarded(c, `/matchmake/joinById/${room.roomId}`, { method: 'POST', headers: { ...json, ...bearer(tamper(guestToken)) }, body: '{"name":"p"}' }).then((r) => r.status),
      GUESS_LIMITS.guest_token.perAddressFailures.burst, 401, 429],
    ['dashboard sign-ins', (c) => forwarded(c, '/dashboard/login', { method: 'POST', headers: form, body: 'token=not-the-token-0123456789' }).then((r) => r.status),
      GUESS_LIMITS.dashboard_token.perAddressFailures.burst, 401, 429],
    ['metrics-token guesses', (c) => forwarded(c, '/metrics', { headers: bearer('not-the-token-0123456789') }).then((r) => r.status), GUESS_LIMITS.metrics_token.perAddressFailures.burst, 401, 429],
    ['unplayed seats in one room', (c) => forwarded(c, `/matchmake/joinById/${room.roomId}`, { method: 'POST', headers: { ...json, ...bearer(guestToken) }, body: '{"name":"p"}' }).then((r) => r.status),
      MAX_PENDING_SEATS_PER_ADDRESS_PER_ROOM, 200, 409],
  ];

  it.each(rows.map((row, i) => [...row, i] as const))('%s', async (_limiter, attempt, allowed, status, refused, i) => {
    const client = `198.51.100.${i + 1}`;
    for (let n = 0; n < allowed; n++) expect(await attempt(client)).toBe(status);
    expect(await attempt(client)).toBe(refused);
    // Another client behind the same proxy still gets its own allowance.
    expect(await attempt(`198.51.100.${i + 101}`)).toBe(status);
  });

  it('an operator behind the proxy signs in after someone else failed ten times (the instance the attack run found)', async () => {
    for (let n = 0; n <= GUESS_LIMITS.dashboard_token.perAddressFailures.burst; n++) {
      await forwarded('203.0.113.66', '/dashboard/login', { method: 'POST', headers: form, body: 'token=wrong-wrong-wrong-wrong' });
    }
    const operator = await forwarded('203.0.113.77', '/dashboard/login', { method: 'POST', headers: form, body: `token=${DASHBOARD_TOKEN}` });
    expect(operator.status).toBe(303);
  });
});

describe('cookie decisions use the scheme the trusted proxy reports', () => {
  const signIn = (from: string, headers: Record<string, string>) => httpFrom(from, `${server.endpoint}/dashboard/login`, {
    method: 'POST', headers: { ...form, ...headers }, body: `token=${DASHBOARD_TOKEN}`,
  });
  const cookieOf = (res: { headers: Record<string, unknown> }) => String(res.headers['set-cookie'] ?? '');

  it('marks the session cookie Secure when the proxy says the client came over HTTPS', async () => {
    const res = await signIn(PROXY, { 'x-forwarded-for': '203.0.113.80', 'x-forwarded-proto': 'https' });
    expect(res.status).toBe(303);
    expect(cookieOf(res)).toMatch(/;\s*Secure/i);
  });

  it('not over plain HTTP, and not when an untrusted peer claims HTTPS', async () => {
    const plain = await signIn(PROXY, { 'x-forwarded-for': '203.0.113.81', 'x-forwarded-proto': 'http' });
    expect(plain.status).toBe(303);
    expect(cookieOf(plain)).not.toMatch(/Secure/i);
    const spoofed = await signIn('127.0.0.8', { 'x-forwarded-proto': 'https' });
    expect(spoofed.status).toBe(303);
    expect(cookieOf(spoofed)).not.toMatch(/Secure/i);
  });
});
