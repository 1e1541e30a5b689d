import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, gameInBrowser } from '../helpers/game.ts';

interface FrameProbe { sessionId: string; code: string; players: Array<{ id: string; name: string; x: number; y: number; alive: boolean }> }

/** Read the running game's state through the client's read-only debug hook. */
function probe(page: Page): Promise<FrameProbe | null> {
  return page.evaluate(() => {
    const s = (window as unknown as { __arena?: { session?: { sessionId: string; code: string; frame(): { players: FrameProbe['players'] } } } }).__arena?.session;
    if (!s) return null;
    return { sessionId: s.sessionId, code: s.code, players: s.frame().players.map((p) => ({ id: p.id, name: p.name, x: p.x, y: p.y, alive: p.alive })) };
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
    const host = await game.lobbyPage('Alpha');
    await host.click('#create-private');
    const hostProbe = await until('host in a room', () => probe(host));
    expect(hostProbe.code).toMatch(/^[A-Z2-9]{5}$/);

    const guest = await game.lobbyPage('Bravo');
    await guest.fill('#code', hostProbe.code.toLowerCase());
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

    await guest.screenshot({ path: `${ARTIFACTS}/two-players-guest.png` });
    await host.screenshot({ path: `${ARTIFACTS}/two-players-host.png` });
    expect(game.errors).toEqual([]);
  });
});
