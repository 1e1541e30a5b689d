import { describe, expect, it } from 'vitest';
import { gameInBrowser } from '../helpers/game.ts';

const MATCH_S = 3;
const game = gameInBrowser({ MATCH_DURATION_S: String(MATCH_S) });

/**
 * The results in real Chromium: a player finishes a (short) match, sees the results screen with its
 * line, reloads the page, and is the same profile (its HttpOnly cookie) with the match in its history.
 */
describe('match results in the browser', () => {
  it('shows the results screen at the end; after a reload, the same profile lists the match', async () => {
    const page = await game.lobbyPage('Resulta');
    const profileId = await page.waitForFunction(() => document.querySelector<HTMLElement>('.lobby')?.dataset.profileId, undefined, { timeout: 10_000 }).then((h) => h.jsonValue());
    expect(profileId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    // The refresh credential is HttpOnly: the page's script cannot read it.
    expect(await page.evaluate(() => document.cookie)).toBe('');
    await page.click('#create-private');
    await page.waitForSelector('#results-table', { timeout: (MATCH_S + 15) * 1000 });
    const rows = await page.$$eval('#results-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(rows).toEqual([['1', 'Resulta', '0', '0', '–']]);
    const cookies = await game.browser.context.cookies();
    const cookie = cookies.find((c) => c.name === 'arena_profile');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/auth' });

    await page.reload();
    const again = await page.waitForFunction(() => document.querySelector<HTMLElement>('.lobby')?.dataset.profileId, undefined, { timeout: 10_000 }).then((h) => h.jsonValue());
    expect(again).toBe(profileId);
    await page.waitForSelector('#history-table', { timeout: 10_000 });
    expect(await page.$$eval('#history-table tbody tr', (trs) => trs.length)).toBe(1);
    expect(await page.textContent('#profile-line')).toContain('Resulta');
    // The boards are per game: the arena's first; the ball game's counts goals. A match alone rated nobody.
    await page.waitForSelector('#leaderboard-body p', { timeout: 10_000 });
    expect(await page.inputValue('#leaderboard-game')).toBe('arena');
    await page.selectOption('#leaderboard-game', 'ball');
    await page.waitForFunction(() => [...document.querySelectorAll('#leaderboard .tab')].some((t) => t.textContent === 'Goals'), undefined, { timeout: 10_000 });
    expect(await page.textContent('#leaderboard-body')).toBe('Nobody on this board yet.');
    expect(game.errors).toEqual([]);
  });
});
