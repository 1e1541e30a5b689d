import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { launchBrowser } from '../../tools/chromium.ts';
import { createArena, leaveAll, type ArenaRoom } from '../helpers/clients.ts';
import { startTestServer } from '../helpers/server.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/stores.ts';

const ARTIFACTS = fileURLToPath(new URL('../artifacts', import.meta.url));
const TOKEN = 'e2e-dashboard-token-0123456789';
const ADMIN_TOKEN = 'e2e-admin-token-0123456789';
let tdb: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
const rooms: ArenaRoom[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase('sqlite');
  server = await startTestServer({ dashboardToken: TOKEN, adminToken: ADMIN_TOKEN, store: tdb.config });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await leaveAll(rooms);
  await server?.close();
  await tdb?.drop();
});

describe('operator dashboard in real Chromium', () => {
  it('signs in through the form and shows live numbers and rooms over EventSource (cookie, no token in any URL)', async () => {
    const room = await createArena(server.endpoint, { name: 'shown', private: true });
    rooms.push(room);
    const page = await browser.context.newPage();
    const errors: string[] = [];
    const urls: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('request', (r) => urls.push(r.url()));

    await page.goto(`${server.endpoint}/dashboard`);
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.getElementById('status')?.textContent === 'live', undefined, { timeout: 10_000 });
    await page.waitForFunction((code) => document.getElementById('room-rows')?.textContent?.includes(code), room.roomId, { timeout: 10_000 });

    expect(await page.textContent('#v-ccu')).toBe('1');
    expect(await page.textContent('#v-rooms')).toBe('1');
    expect(await page.textContent('#room-rows')).toContain('private');
    expect(await page.locator('#c-ccu polyline').count()).toBeGreaterThan(0);
    // Charts with axes (a value scale in the card's unit, time from "… ago" to "now", a legend for
    // two series), sized to fill the page rather than thin strips over an empty half page.
    const charts = await page.evaluate(() => [...document.querySelectorAll('svg.spark')].map((svg) => ({
      id: svg.id,
      h: svg.getBoundingClientRect().height,
      axis: [...svg.querySelectorAll('text.axis')].map((t) => t.textContent),
      legend: [...svg.querySelectorAll('text.legend')].map((t) => t.textContent),
    })));
    expect(charts).toHaveLength(6);
    for (const c of charts) {
      expect(c.h, c.id).toBeGreaterThanOrEqual(100);
      expect(c.axis, c.id).toContain('now');
      expect(c.axis.some((t) => /ago$/.test(t ?? '')), c.id).toBe(true);
      expect(c.axis.length, c.id).toBeGreaterThanOrEqual(5);
    }
    expect(charts.find((c) => c.id === 'c-tick')!.axis.some((t) => / ms$/.test(t ?? ''))).toBe(true);
    expect(charts.find((c) => c.id === 'c-tick')!.legend).toEqual(['p99', 'p50']);
    const filled = await page.evaluate(() => document.querySelector('main')!.getBoundingClientRect().bottom / window.innerHeight);
    expect(filled).toBeGreaterThan(0.6);
    expect(urls.some((u) => u.includes(TOKEN))).toBe(false);
    expect(errors).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard.png` });

    // Signing out ends the session: the stream is refused again.
    await page.click('text=Sign out');
    await page.waitForSelector('#token');
    const status = await page.evaluate(async () => (await fetch('/dashboard/events')).status);
    expect(status).toBe(401);
  });

  it('moderates through the admin API: lists a room\'s players and closes the room (the admin token only in a header)', async () => {
    const room = await createArena(server.endpoint, { name: 'closable', private: true });
    rooms.push(room);
    const closed = new Promise<number>((resolve) => room.onLeave((code) => resolve(code)));
    const page = await browser.context.newPage();
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    page.on('dialog', (d) => void d.accept());
    await page.goto(`${server.endpoint}/dashboard`);
    await page.fill('#token', TOKEN);
    await page.click('button[type=submit]');
    await page.waitForSelector(`#close-${room.roomId}`, { timeout: 10_000 });
    // Without the admin token nothing is sent.
    await page.click(`#close-${room.roomId}`);
    expect(await page.textContent('#mod-status')).toContain('admin token');
    await page.fill('#admin-token', ADMIN_TOKEN);
    await page.click(`#players-${room.roomId}`);
    await page.waitForFunction(() => document.getElementById('player-rows')?.textContent?.includes('closable'), undefined, { timeout: 5000 });
    await page.click(`#close-${room.roomId}`);
    expect(await closed).toBe(CLOSE_CODES.SHUTDOWN_DEADLINE);
    expect(urls.some((u) => u.includes(ADMIN_TOKEN))).toBe(false);
  });
});
