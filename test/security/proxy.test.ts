import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { perMinute } from '../../server/security/tokenBucket.ts';
import { httpFrom } from '../helpers/attack.ts';
import { openRawSocket } from '../helpers/clients.ts';
import { startTestServer } from '../helpers/server.ts';
import { sleep, waitFor } from '../helpers/wait.ts';

const PROXY = '127.0.0.5';
const MAX_CONNECTIONS = 5;
const TOKENS_PER_MINUTE = 20;
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer({ security: { trustedProxies: [`${PROXY}/32`], maxConnectionsPerIp: MAX_CONNECTIONS, guestTokensPerIpPerMinute: TOKENS_PER_MINUTE } });
});
afterAll(async () => {
  await server?.close();
});

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
    const open = async (local: string) => {
      const socket = net.connect({ host: '127.0.0.1', port: server.port, localAddress: local });
      let closedEarly = false;
      socket.on('close', () => { closedEarly = true; });
      socket.on('error', () => undefined);
      await new Promise((r) => socket.once('connect', r));
      return { socket, closedEarly: () => closedEarly };
    };
    const fromProxy = await Promise.all(Array.from({ length: MAX_CONNECTIONS * 2 }, () => open(PROXY)));
    const direct = await Promise.all(Array.from({ length: MAX_CONNECTIONS * 2 }, () => open('127.0.0.7')));
    await sleep(200);
    expect(fromProxy.filter((s) => s.closedEarly()).length).toBe(0);
    expect(direct.filter((s) => s.closedEarly()).length).toBe(MAX_CONNECTIONS);
    for (const s of [...fromProxy, ...direct]) s.socket.destroy();

    const url = server.endpoint.replace('http', 'ws');
    const sockets = Array.from({ length: MAX_CONNECTIONS + 1 }, () => openRawSocket(url, { localAddress: PROXY, headers: { 'x-forwarded-for': '203.0.113.50' } }));
    const results = await Promise.all(sockets.map((s) => s.opened.then(() => 101, (e: { status?: number }) => e.status ?? 0)));
    expect(results.filter((r) => r === 101)).toHaveLength(MAX_CONNECTIONS);
    expect(results.filter((r) => r === 429)).toHaveLength(1);
    const other = openRawSocket(url, { localAddress: PROXY, headers: { 'x-forwarded-for': '203.0.113.51' } });
    await other.opened;
    for (const s of [...sockets, other]) s.ws.terminate();
    await waitFor('edge counters back to zero', () => server.security.edge.stats().webSocketClients === 0 && server.security.edge.stats().socketPeers === 0);
  });
});
