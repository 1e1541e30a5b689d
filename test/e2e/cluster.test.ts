import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../../tools/chromium.ts';
import { createArena, leaveAll, type ArenaRoom } from '../helpers/clients.ts';
import { ARTIFACTS, watchPage } from '../helpers/game.ts';
import { hostPort, LOCAL_PLACEMENT, startCluster, type ClusterProcess } from '../helpers/cluster.ts';
import { deleteKeysWithPrefix, SHARED_REDIS_URL, uniqueKeyPrefix } from '../helpers/redis.ts';
import { DEBUG_CLIENT_DIR } from '../helpers/serverProcess.ts';
import { sleep, waitFor } from '../helpers/wait.ts';


/**
 * A real browser on process A's page playing in a room hosted by process B: the seat
 * reservation sends it to B's PUBLIC_ADDRESS (a cross-origin WebSocket, which browsers allow).
 * Then B freezes: the page shows "reconnecting…" and comes back by itself.
 */
interface Probe { code: string; sessionId: string; status: string; centre: string }

function probe(page: Page): Promise<Probe | null> {
  return page.evaluate(() => {
    const s = (window as unknown as { __arena?: { session?: { code: string; sessionId: string; status(): string; centreText(): string } } }).__arena?.session;
    return s ? { code: s.code, sessionId: s.sessionId, status: s.status(), centre: s.centreText() } : null;
  });
}

const prefix = uniqueKeyPrefix('e2e-cluster');
let procs: ClusterProcess[] = [];
let browser: Awaited<ReturnType<typeof launchBrowser>>;
const rooms: ArenaRoom[] = [];

beforeAll(async () => {
  // Served client (the debug build); shorter heartbeats so the frozen process is noticed quickly.
  [procs, browser] = await Promise.all([
    startCluster(2, { REDIS_URL: SHARED_REDIS_URL, REDIS_KEY_PREFIX: prefix, CLIENT_DIR: DEBUG_CLIENT_DIR, ...LOCAL_PLACEMENT }),
    launchBrowser(),
  ]);
}, 90_000);

afterAll(async () => {
  for (const p of procs) if (p.child.exitCode === null) process.kill(p.child.pid!, 'SIGCONT');
  await browser?.close();
  await leaveAll(rooms);
  await Promise.all(procs.map((p) => p.stop('SIGINT')));
  await deleteKeysWithPrefix(SHARED_REDIS_URL, prefix);
}, 60_000);

describe('a browser in a cluster', () => {
  it('joins by code on process A a room hosted by process B, and rides out B freezing', async () => {
    const [a, b] = procs as [ClusterProcess, ClusterProcess];
    const host = await createArena(b.endpoint, { name: 'host', private: true });
    rooms.push(host);
    expect(hostPort(host)).toBe(b.port);

    const page = await browser.context.newPage();
    const errors: string[] = [];
    watchPage(page, errors);
    const sockets: string[] = [];
    page.on('websocket', (ws) => sockets.push(ws.url()));
    await page.goto(`${a.endpoint}/`);
    await page.fill('#name', 'Browser');
    await page.fill('#code', host.roomId);
    await page.click('#join-code');
    const joined = await waitFor('in the room', () => probe(page).then((p) => p?.code === host.roomId && p), { timeoutMs: 15_000, intervalMs: 100 });
    expect(sockets.some((url) => new URL(url).port === String(b.port))).toBe(true);
    await waitFor('host sees the browser player', () => host.state.players.get(joined.sessionId)?.name === 'Browser', { timeoutMs: 5000 }).catch(async (e: Error) => {
      const seen: string[] = [];
      host.state.players.forEach((p, id) => seen.push(`${id}=${p.name}`));
      throw new Error(`${e.message}; the page is ${joined.sessionId} (${JSON.stringify(await probe(page))}); the host's state holds: ${seen.join(', ')}; host tick ${host.state.tick}`);
    });

    // Freeze B: no data reaches the page, which must say so and then recover on its own.
    process.kill(b.child.pid!, 'SIGSTOP');
    // The status changes first; the HUD shows it on the next drawn frame.
    const shown = await waitFor('page shows reconnecting', () => probe(page).then((p) => p?.status === 'reconnecting' && /reconnecting…/.test(p.centre) && p), { timeoutMs: 10_000, intervalMs: 50 });
    expect(shown.centre).toMatch(/reconnecting…/);
    await page.screenshot({ path: `${ARTIFACTS}/cluster-reconnecting.png` });
    await sleep(1000);
    process.kill(b.child.pid!, 'SIGCONT');
    const back = await waitFor('page playing again', () => probe(page).then((p) => p?.status === 'playing' && p), { timeoutMs: 15_000, intervalMs: 100 });
    expect(back.sessionId).toBe(joined.sessionId);
    // The HUD follows on the next frame.
    await waitFor('banner gone', () => probe(page).then((p) => p !== null && !/reconnecting/.test(p.centre)), { timeoutMs: 3000, intervalMs: 50 });
    expect(errors).toEqual([]);
  });
});
