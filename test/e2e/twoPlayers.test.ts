import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PRIVATE_ROOM_CODE_CHARS, ROOM_CODE_ALPHABET } from '../../shared/limits.ts';
import { audioLog, spyOnAudio } from '../helpers/audioSpy.ts';
import { gameInBrowser } from '../helpers/game.ts';
import { checkHud } from '../helpers/hud.ts';

interface FrameProbe { sessionId: string; code: string; self: { x: number; y: number } | null; players: Array<{ id: string; name: string; x: number; y: number; alive: boolean }> }

/** Read the running game's state through the client's read-only debug hook. */
function probe(page: Page): Promise<FrameProbe | null> {
  return page.evaluate(() => {
    const s = (window as unknown as { __arena?: { session?: { sessionId: string; code: string; frame(): { self?: { x: number; y: number }; players: FrameProbe['players'] } } } }).__arena?.session;
    if (!s) return null;
    const f = s.frame();
    return { sessionId: s.sessionId, code: s.code, self: f.self ? { x: f.self.x, y: f.self.y } : null, players: f.players.map((p) => ({ id: p.id, name: p.name, x: p.x, y: p.y, alive: p.alive })) };
  });
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await fn();
    if (v) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const game = gameInBrowser();

describe('two players in real Chromium', () => {
  it('one creates a private room, the other joins by code, and sees the first one move', async () => {
    await spyOnAudio(game.browser.context);
    const host = await game.lobbyPage('Alpha');
    // Typing a name is not a gesture that may start audio: no AudioContext yet.
    expect((await audioLog(host)).contexts).toEqual([]);
    await host.click('#create-private');
    const hostProbe = await until('host in a room', () => probe(host));
    expect(hostProbe.code).toMatch(new RegExp(`^[${ROOM_CODE_ALPHABET}]{${PRIVATE_ROOM_CODE_CHARS}}$`));
    // The click that joined made the one AudioContext, inside the gesture.
    expect((await audioLog(host)).contexts).toEqual([{ afterGesture: true }]);

    // The guest changes settings in the lobby; they survive a reload.
    const guest = await game.page();
    await guest.goto(game.server.url);
    await guest.click('#open-settings');
    await guest.fill('#set-volume', '30');
    await guest.check('#set-netgraph');
    await guest.selectOption('#set-palette', 'colourblind');
    await guest.click('#set-key-up');
    await guest.keyboard.press('KeyI');
    expect(await guest.textContent('#set-key-up')).toBe('I');
    await guest.click('#set-close');
    await guest.reload();
    await guest.click('#open-settings');
    expect(await guest.inputValue('#set-volume')).toBe('30');
    expect(await guest.isChecked('#set-netgraph')).toBe(true);
    expect(await guest.inputValue('#set-palette')).toBe('colourblind');
    expect(await guest.textContent('#set-key-up')).toBe('I');
    await guest.click('#set-close');

    await guest.fill('#name', 'Bravo');
    // Typed the way people copy a long code: lower case, in two groups.
    await guest.fill('#code', `${hostProbe.code.slice(0, 5)}-${hostProbe.code.slice(5)}`.toLowerCase());
    await guest.click('#join-code');
    const guestProbe = await until('guest in the same room', () => probe(guest));
    expect(guestProbe.code).toBe(hostProbe.code);

    const alphaSeenByGuest = () => probe(guest).then((p) => p?.players.find((q) => q.id === hostProbe.sessionId && q.alive));
    const start = await until('guest sees Alpha alive', alphaSeenByGuest);
    expect(start.name).toBe('Alpha');

    // Alpha spawns at one side of the arena; walk towards the middle.
    const key = start.x < 800 ? 'd' : 'a';
    await host.bringToFront();
    await host.keyboard.down(key);
    await until('guest sees Alpha move', async () => {
      const now = await alphaSeenByGuest();
      return now && Math.abs(now.x - start.x) > 100 ? now : null;
    });
    await host.keyboard.up(key);

    // A shot schedules a sound, placed in stereo.
    const before = await audioLog(host);
    const hostSelf = (await until('host alive', () => probe(host).then((p) => p?.self)))!;
    const aimAt = await host.evaluate(([x, y]) => (window as unknown as { __arena: { session: { toScreen(x: number, y: number): { x: number; y: number } } } }).__arena.session.toScreen(x!, y!), [hostSelf.x < 800 ? hostSelf.x + 300 : hostSelf.x - 300, hostSelf.y]);
    await host.mouse.click(aimAt.x, aimAt.y);
    const after = await until('a sound started', async () => { const log = await audioLog(host); return log.started > before.started ? log : null; });
    expect(after.pans.length).toBeGreaterThan(before.pans.length);
    for (const pan of after.pans) expect(Math.abs(pan)).toBeLessThanOrEqual(1);

    // The guest's settings apply in game: the net graph shows, and I (bound to "up") moves up.
    await guest.bringToFront();
    expect(await guest.evaluate(() => (window as unknown as { __arena: { session: { netGraph(): { visible: boolean } } } }).__arena.session.netGraph().visible)).toBe(true);
    const guestStart = (await until('guest alive', () => probe(guest).then((p) => p?.self)))!;
    const wayUp = guestStart.y > 500;
    if (wayUp) {
      await guest.keyboard.down('KeyI');
      await until('guest moves up on I', async () => { const p = await probe(guest); return p?.self && p.self.y < guestStart.y - 40; });
      await guest.keyboard.up('KeyI');
    }

    // The scoreboard's K and D headers sit on their columns.
    const columns = await host.evaluate(() => {
      const right = (el: Element) => el.getBoundingClientRect().right;
      const head = [...document.querySelectorAll('#hud .hud-scores th.num')].map(right);
      const rows = [...document.querySelectorAll('#hud .hud-scores tbody tr')].map((tr) => [...tr.querySelectorAll('td.num')].map(right));
      return { head, rows };
    });
    expect(columns.rows.length).toBe(2);
    for (const row of columns.rows) row.forEach((r, i) => expect(Math.abs(r - columns.head[i]!)).toBeLessThan(0.5));

    // The HUD never covers the arena or itself, at 800 × 600 (with the net graph) and 2560 × 1440.
    await guest.setViewportSize({ width: 800, height: 600 });
    const small = await checkHud(guest, 'desktop-800x600');
    expect(small.rects.netGraph).toBeDefined();
    await host.bringToFront();
    await host.setViewportSize({ width: 2560, height: 1440 });
    await checkHud(host, 'desktop-2560x1440');

    // Back in the lobby, each tab shows its own name, not the other tab's last one.
    await host.setViewportSize({ width: 1280, height: 800 });
    await host.keyboard.press('Escape');
    await host.waitForSelector('#name');
    expect(await host.inputValue('#name')).toBe('Alpha');
    expect(game.errors).toEqual([]);
  });

  it('the lobby works before Phaser has arrived, a click made meanwhile plays once it has, and Esc comes back to it', async () => {
    const page = await game.page();
    // Hold the game chunk (Phaser and the scenes) until the player has clicked.
    let release!: () => void;
    const held = new Promise<void>((resolve) => { release = resolve; });
    let requested = false;
    await page.route(/\/assets\/game-[^/]+\.js$/, async (route) => {
      requested = true;
      await held;
      await route.continue();
    });
    await page.goto(game.server.url);
    await until('the game chunk to be requested at once', async () => requested);
    // The lobby is there and works: marks its interactivity, lists rooms, takes a name and a click.
    expect(await page.evaluate(() => performance.getEntriesByName('arena:lobby-interactive').length)).toBe(1);
    await until('the room list', () => page.locator('#rooms li').count());
    await page.fill('#name', 'Early');
    await page.click('#quick-play');
    // The join proceeds; the arena waits for the game code.
    expect(await page.locator('#quick-play').isDisabled()).toBe(true);
    expect(await page.evaluate(() => performance.getEntriesByName('arena:first-frame').length)).toBe(0);
    release();
    const inRoom = await until('in a room', () => probe(page));
    await until('the first arena frame', () => page.evaluate(() => performance.getEntriesByName('arena:first-frame').length === 1));
    expect(await page.locator('.lobby').count()).toBe(0);

    // Esc leaves: the DOM lobby is back, ready for the next match in the same Phaser game.
    await page.keyboard.press('Escape');
    await until('the lobby again', async () => (await page.locator('#quick-play').count()) === 1 && !(await page.locator('#quick-play').isDisabled()));
    await until('out of the room', async () => (await probe(page)) === null);
    await page.click('#quick-play');
    const again = await until('in a room again', () => probe(page));
    expect(again.sessionId).not.toBe(inRoom.sessionId);
    expect(game.errors).toEqual([]);
  });
});
