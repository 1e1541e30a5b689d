import { afterAll, describe, expect, it } from 'vitest';
import { joinArenaById, type ArenaRoom } from '../helpers/clients.ts';
import { gameInBrowser } from '../helpers/game.ts';
import { waitFor } from '../helpers/wait.ts';

const game = gameInBrowser();
let intruder: ArenaRoom | undefined;

afterAll(async () => {
  await intruder?.leave(true).catch(() => undefined);
});

const MARKUP = '<img src=x onerror="window.__pwned=1"><b id="injected">bold</b>';

describe('chat in real Chromium', () => {
  it('shows hostile markup from another player as plain text, and runs none of it', async () => {
    const page = await game.lobbyPage('Reader');
    await page.click('#create-private');
    const code = await waitFor('in a room', () => page.evaluate(() => (window as unknown as { __arena?: { session?: { code: string } } }).__arena?.session?.code), { timeoutMs: 10_000 });

    intruder = await joinArenaById(game.server.url.replace(/\/$/, ''), code, { name: '<i>x</i>' });
    intruder.send('chat', { text: MARKUP });

    const chatText = () => page.evaluate(() => document.querySelector('#hud .hud-chat .hud-lines')?.textContent ?? '');
    await waitFor('the line is shown', async () => (await chatText()).includes('bold</b>'), { timeoutMs: 10_000 });
    expect(await chatText()).toContain(`<i>x</i>: ${MARKUP}`);
    expect(await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned,
      injected: document.querySelector('#injected') !== null,
      images: document.querySelectorAll('img').length,
    }))).toEqual({ pwned: undefined, injected: false, images: 0 });
    expect(game.errors).toEqual([]);
  });
});
