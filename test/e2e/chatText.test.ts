import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { joinArenaById, type ArenaRoom } from '../helpers/clients.ts';
import { startServerProcess, type ServerProcess } from '../helpers/serverProcess.ts';
import { waitFor } from '../helpers/wait.ts';

let server: ServerProcess;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let intruder: ArenaRoom | undefined;

beforeAll(async () => {
  server = await startServerProcess();
  browser = await launchBrowser();
});
afterAll(async () => {
  await intruder?.leave(true).catch(() => undefined);
  await browser?.close();
  await server?.stop();
});

const MARKUP = '<img src=x onerror="window.__pwned=1"><b id="injected">bold</b>';

describe('chat in real Chromium', () => {
  it('shows hostile markup from another player as plain text, and runs none of it', async () => {
    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await page.fill('#name', 'Reader');
    await page.click('#create-private');
    const code = await waitFor('in a room', () => page.evaluate(() => (window as unknown as { __arena?: { session?: { code: string } } }).__arena?.session?.code), { timeoutMs: 10_000 });

    intruder = await joinArenaById(server.url.replace(/\/$/, ''), code, { name: '<i>x</i>' });
    intruder.send('chat', { text: MARKUP });

    const chatText = () => page.evaluate(() => {
      const scene = (window as unknown as { __arena: { game: { scene: { getScene(key: string): unknown } } } }).__arena.game.scene.getScene('arena') as { hudChat?: { text: string } };
      return scene.hudChat?.text ?? '';
    });
    await waitFor('the line is shown', async () => (await chatText()).includes('bold</b>'), { timeoutMs: 10_000 });
    expect(await chatText()).toContain(`<i>x</i>: ${MARKUP}`);
    expect(await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned,
      injected: document.querySelector('#injected') !== null,
      images: document.querySelectorAll('img').length,
    }))).toEqual({ pwned: undefined, injected: false, images: 0 });
    expect(errors).toEqual([]);
  });
});
