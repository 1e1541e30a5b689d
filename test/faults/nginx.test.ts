import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { TICK_HZ } from '../../shared/limits.ts';
import { makeSelfSignedCert, trustCertificate, type SelfSigned } from '../../tools/selfSigned.ts';
import { httpFrom } from '../helpers/attack.ts';
import { createArena, joinArena, joinArenaById, leaveAll, newGuest, type ArenaRoom } from '../helpers/clients.ts';
import { getJson, LOCAL_PLACEMENT, logLines, startCluster, type ClusterProcess } from '../helpers/cluster.ts';
import { startNginx, type Nginx } from '../helpers/nginx.ts';
import { deleteKeysWithPrefix, SHARED_REDIS_URL, uniqueKeyPrefix } from '../helpers/redis.ts';
import { DEBUG_CLIENT_DIR, freePorts } from '../helpers/serverProcess.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The shipped nginx site (tools/deploy/nginx/arena.conf.template) run by Debian's nginx in front
 * of two game processes sharing Redis, each reached at its PUBLIC_ADDRESS path (/p1, /p2) over
 * WSS: the layout docs/OPERATIONS.md deploys. Clients are Node SDK clients over TLS.
 */
const DRAIN_DEADLINE_S = 3;
/** Guest tokens per client address: the minimum burst (5) and a negligible refill within the test. */
const TOKENS_PER_MINUTE = 1;
const TOKEN_BURST = 5;
const prefix = uniqueKeyPrefix('nginx');
let cert: SelfSigned;
let nginx: Nginx | undefined;
let procs: ClusterProcess[] = [];
let front = '';
const rooms: ArenaRoom[] = [];

beforeAll(async () => {
  cert = makeSelfSignedCert();
  trustCertificate(cert.certPem);
  // Distinct, and none of them given to a game process before nginx binds them.
  const [httpsPort, httpPort] = (await freePorts(2)) as [number, number];
  front = `https://127.0.0.1:${httpsPort}`;
  procs = await startCluster(2, {
    REDIS_URL: SHARED_REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    CLIENT_DIR: DEBUG_CLIENT_DIR,
    ALLOWED_ORIGINS: front,
    TRUSTED_PROXIES: '127.0.0.1',
    // nginx's own address, and so this test's players (Node clients on 127.0.0.1); the address
    // tests below come from 127.0.0.3-5 and must not inherit the exemption through nginx.
    RATE_LIMIT_EXEMPT_IPS: '127.0.0.1',
    GUEST_TOKENS_PER_IP_PER_MINUTE: String(TOKENS_PER_MINUTE),
    DRAIN_DEADLINE_S: String(DRAIN_DEADLINE_S),
    // nginx spreads the requests; a room is created where its request arrived. (Least-loaded
    // placement hands creation to another process over Redis, which on a starved machine can
    // time out and fall back to the local process: the rooms' places would depend on the load.)
    ...LOCAL_PLACEMENT,
  }, [], (i) => `127.0.0.1:${httpsPort}/p${i + 1}`, [httpsPort, httpPort]);
  nginx = await startNginx({
    ARENA_SERVER_NAME: '127.0.0.1',
    ARENA_HTTPS_PORT: String(httpsPort),
    ARENA_HTTP_PORT: String(httpPort),
    ARENA_TLS_CERT: cert.certPath,
    ARENA_TLS_KEY: cert.keyPath,
    ARENA_GAME_1: `127.0.0.1:${procs[0]!.port}`,
    ARENA_GAME_2: `127.0.0.1:${procs[1]!.port}`,
  });
}, 90_000);

afterAll(async () => {
  await leaveAll(rooms);
  await nginx?.stop();
  await Promise.all(procs.map((p) => p.stop('SIGINT')));
  await deleteKeysWithPrefix(SHARED_REDIS_URL, prefix);
  cert?.remove();
}, 60_000);

/** `/p1` or `/p2`: which process' PUBLIC_ADDRESS a room's WebSocket went to (through nginx). */
function processPath(room: ArenaRoom): string {
  const url = new URL(room.connection.url!);
  expect(url.protocol).toBe('wss:');
  expect(url.origin).toBe(front.replace('https:', 'wss:'));
  return `/${url.pathname.split('/')[1]}`;
}

/** POST /auth/guest from a chosen client address. */
function guestToken(from: string, url: string) {
  // A forged header naming the exempt address: nginx must replace it, a game process ignore it.
  return httpFrom(from, `${url}/auth/guest`, { method: 'POST', headers: { 'x-forwarded-for': '127.0.0.1' } });
}

describe('nginx in front of two game processes', () => {
  it('serves the page over TLS and carries WSS to each process at its PUBLIC_ADDRESS path', async () => {
    const page = await fetch(`${front}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain(`connect-src 'self'`);
    expect(page.headers.get('strict-transport-security')).toMatch(/max-age=/);
    // Metrics stay internal: Prometheus scrapes each process directly.
    expect((await fetch(`${front}/metrics`)).status).toBe(404);
    expect((await fetch(`${procs[0]!.endpoint}/metrics`)).status).toBe(200);

    // Two rooms created through nginx, each on the process nginx sent its request to (local
    // placement): one guest whose token is already fetched, so the two creates are consecutive
    // requests, which nginx's round robin gives to one process each.
    const guest = newGuest(front);
    await guest.token();
    const a = await createArena(front, { name: 'alpha', private: true }, guest);
    rooms.push(a);
    const b = await createArena(front, { name: 'bravo', private: true }, guest);
    rooms.push(b);
    expect(new Set([processPath(a), processPath(b)])).toEqual(new Set(['/p1', '/p2']));
    for (const room of [a, b]) {
      const tick0 = room.state.tick;
      await waitFor('patches through nginx', () => room.state.tick > tick0 + 10, { timeoutMs: 5000 });
    }
    // A third player joins a's room by code through nginx, wherever its matchmaking request lands.
    const c = await joinArenaById(front, a.roomId, { name: 'charlie' });
    rooms.push(c);
    expect(processPath(c)).toBe(processPath(a));
    await waitFor('alpha sees charlie', () => a.state.players.get(c.sessionId)?.name === 'charlie', { timeoutMs: 5000 });
    for (const p of procs) expect((await getJson(`${p.endpoint}/readyz`)).body.rooms).toBe(1);
  });

  it('believes X-Forwarded-For from nginx only: limits key on the client behind it, never on nginx or a forged header', async () => {
    // Through nginx from 127.0.0.3. Whatever way nginx spreads the requests over the two
    // processes (each limits on its own), the first burst passes and, by the pigeonhole, one
    // process sees more than a burst within 2 × burst + 1 requests.
    const statuses: number[] = [];
    for (let i = 0; i < 2 * TOKEN_BURST + 1; i++) statuses.push((await guestToken('127.0.0.3', front)).status);
    expect(statuses.slice(0, TOKEN_BURST)).toEqual(Array(TOKEN_BURST).fill(200));
    expect(statuses).toContain(429);
    // The refusal was recorded against the client's address, not nginx's (the log line arrives through a pipe).
    const refusedIps = () => procs.flatMap((p) => logLines(p)).filter((l) => l.reason === 'rate_limited').map((l) => l.ip);
    await waitFor('the refusal in a log', () => refusedIps().includes('127.0.0.3'), { timeoutMs: 5000 });
    expect(refusedIps()).not.toContain('127.0.0.1');
    // Another client behind the same nginx has its own budget.
    expect((await guestToken('127.0.0.5', front)).status).toBe(200);

    // Straight to a game process from a peer that is not a trusted proxy: the forged header is ignored.
    const direct: number[] = [];
    for (let i = 0; i <= TOKEN_BURST; i++) direct.push((await guestToken('127.0.0.4', procs[0]!.endpoint)).status);
    expect(direct.slice(0, TOKEN_BURST)).toEqual(Array(TOKEN_BURST).fill(200));
    expect(direct.at(-1)).toBe(429);
  });

  it('drains one process behind nginx without touching the other\'s players; new players land on the other', async () => {
    const [a, b] = rooms as [ArenaRoom, ArenaRoom];
    const drained = procs[processPath(a) === '/p1' ? 0 : 1]!;
    const otherPath = processPath(b);
    let aClosed: number | undefined;
    let bClosed: number | undefined;
    a.onLeave((code) => { aClosed = code; });
    b.onLeave((code) => { bClosed = code; });
    const bTick0 = b.state.tick;
    const t0 = performance.now();

    drained.child.kill('SIGTERM');
    await waitFor('the drained process to refuse readiness', async () => (await getJson(`${drained.endpoint}/readyz`)).status === 503, { timeoutMs: 5000 });
    // While it drains, quick play through nginx is retried past its 503 onto the other process.
    // One guest for all (its token is fetched once), so consecutive matchmaking requests are
    // consecutive requests to nginx, which alternates them between the two processes.
    const guest = newGuest(front);
    await guest.token();
    for (let i = 0; i < 4; i++) {
      const late = await joinArena(front, { name: `late${i}` }, guest);
      rooms.push(late);
      expect(processPath(late)).toBe(otherPath);
    }
    // Its own player gets the match's end at the drain deadline, with the scores.
    await waitFor('the drained room to close', () => aClosed !== undefined, { timeoutMs: DRAIN_DEADLINE_S * 1000 + 8000 });
    expect(aClosed).toBe(CLOSE_CODES.SHUTDOWN_DEADLINE);
    expect(await Promise.race([drained.exited, new Promise((r) => setTimeout(() => r('still running'), 12_000))])).toBe(0);

    // The other process' player never noticed: connected throughout, patches still flowing.
    const elapsedS = (performance.now() - t0) / 1000;
    const tick1 = b.state.tick;
    await waitFor('patches after the drain', () => b.state.tick > tick1 + 5, { timeoutMs: 5000 });
    expect(bClosed).toBeUndefined();
    expect(b.connection.isOpen).toBe(true);
    // At least half the ticks the drain lasted: a loaded machine runs ticks late, not half as often.
    expect(b.state.tick - bTick0).toBeGreaterThan(elapsedS * TICK_HZ * 0.5);

    // nginx keeps serving the page and the API from the process that is left.
    for (let i = 0; i < 3; i++) {
      expect((await fetch(`${front}/`)).status).toBe(200);
      expect((await fetch(`${front}/api/rooms`)).status).toBe(200);
    }
  });
});
