import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { createArena, leaveAll, type ArenaRoom } from '../helpers/clients.ts';
import { startTestServer } from '../helpers/server.ts';

const ARTIFACTS = fileURLToPath(new URL('../artifacts', import.meta.url));
const TOKEN = 'e2e-dashboard-token-0123456789';
let server: Awaited<ReturnType<typeof startTestServer>>;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
const rooms: ArenaRoom[] = [];

beforeAll(async () => {
  server = await startTestServer({ dashboardToken: TOKEN });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await leaveAll(rooms);
  await server?.close();
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
    expect(urls.some((u) => u.includes(TOKEN))).toBe(false);
    expect(errors).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard.png` });

    // Signing out ends the session: the stream is refused again.
    await page.click('text=Sign out');
    await page.waitForSelector('#token');
    const status = await page.evaluate(async () => (await fetch('/dashboard/events')).status);
    expect(status).toBe(401);
  });
});
