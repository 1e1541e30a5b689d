import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { joinArenaById, type ArenaRoom } from '../helpers/clients.ts';
import { ARTIFACTS, gameInBrowser } from '../helpers/game.ts';
import { waitFor } from '../helpers/wait.ts';

interface FrameProbe {
  sessionId: string;
  code: string;
  mapId: string;
  self: { x: number; y: number } | null;
  camera: { x: number; y: number } | null;
  players: Array<{ id: string; name: string; x: number; y: number; alive: boolean }>;
  roster: number;
}

/** Read the running game's state through the client's read-only debug hook. */
function probe(page: Page): Promise<FrameProbe | null> {
  return page.evaluate(() => {
    const s = (window as unknown as { __arena?: { session?: { sessionId: string; code: string; frame(): any } } }).__arena?.session;
    if (!s) return null;
    const f = s.frame();
    return {
      sessionId: s.sessionId,
      code: s.code,
      mapId: f.mapId,
      self: f.self ? { x: f.self.x, y: f.self.y } : null,
      camera: f.camera ?? null,
      players: f.players.map((p: any) => ({ id: p.id, name: p.name, x: p.x, y: p.y, alive: p.alive })),
      roster: (f.roster ?? f.players).length,
    };
  });
}

/** Browser pages take longer than in-process clients. */
const SLOW = { timeoutMs: 10_000, intervalMs: 50 };

const game = gameInBrowser();
let second: ArenaRoom | undefined;

afterAll(async () => {
  await second?.leave(true).catch(() => undefined);
});

type Marker = { kind: 'follow'; id: string; x: number; y: number } | { kind: 'roam'; x: number; y: number } | undefined;
const marker = (page: Page) => page.evaluate(() => (window as unknown as { __arena: { session: { spectatorMarker(): Marker } } }).__arena.session.spectatorMarker());

describe('spectating and the battle room in real Chromium', () => {
  it('a spectator watches a room by code and sees the player move; another player quick-plays into a battle room', async () => {
    const host = await game.lobbyPage('Alpha');
    await host.click('#create-private');
    const hostProbe = await waitFor('host in a room', () => probe(host), SLOW);

    const watcher = await game.lobbyPage('Watcher');
    await watcher.fill('#code', hostProbe.code);
    await watcher.click('#watch-code');
    const watching = await waitFor('spectator in the room', () => probe(watcher), SLOW);
    expect(watching.code).toBe(hostProbe.code);
    // No body of its own; a camera instead. The roster counts players only.
    expect(watching.self).toBeNull();
    expect(watching.camera).not.toBeNull();
    expect(watching.roster).toBe(1);

    const alpha = () => probe(watcher).then((p) => p?.players.find((q) => q.id === hostProbe.sessionId && q.alive));
    const start = await waitFor('spectator sees Alpha', alpha, SLOW);
    await host.bringToFront();
    const key = start.x < 800 ? 'd' : 'a';
    await host.keyboard.down(key);
    await waitFor('spectator sees Alpha move', async () => {
      const now = await alpha();
      return now && Math.abs(now.x - start.x) > 100 ? now : null;
    }, SLOW);
    await host.keyboard.up(key);
    // Following Alpha (the only player): the camera is on Alpha.
    const followed = await waitFor('camera on Alpha', async () => {
      const p = await probe(watcher);
      const a = p?.players.find((q) => q.id === hostProbe.sessionId);
      return p?.camera && a && Math.abs(p.camera.x - a.x) < 1 ? p : null;
    }, SLOW);
    expect(followed.camera).not.toBeNull();
    // The whole arena fits on screen, so the camera does not move: the arena shows whom we follow.
    expect(await marker(watcher)).toMatchObject({ kind: 'follow', id: hostProbe.sessionId });

    // A click shorter than a frame (down and up in one task) still switches to the next player.
    second = await joinArenaById(game.server.url.replace(/\/$/, ''), hostProbe.code, { name: 'Second' });
    await waitFor('the second player on the watcher\'s roster', async () => (await probe(watcher))?.roster === 2, SLOW);
    await watcher.bringToFront();
    const before = (await marker(watcher)) as { id: string };
    await watcher.evaluate(() => {
      const canvas = document.querySelector('#game canvas')!;
      const at = { clientX: 400, clientY: 300, button: 0, pointerType: 'mouse', bubbles: true, isPrimary: true };
      canvas.dispatchEvent(new PointerEvent('pointerdown', at));
      canvas.dispatchEvent(new PointerEvent('pointerup', at));
    });
    await waitFor('the watcher follows the other player', async () => {
      const m = await marker(watcher);
      return m?.kind === 'follow' && m.id !== before.id;
    }, SLOW);
    // Roaming shows where the camera is, and moves it (toward the middle: the map's edge stops it).
    const from = (await marker(watcher))!;
    const way = from.x < 800 ? 1 : -1;
    await watcher.keyboard.down(way > 0 ? 'd' : 'a');
    await waitFor('the roaming point moves', async () => { const m = await marker(watcher); return m?.kind === 'roam' && (m.x - from.x) * way > 50; }, SLOW);
    await watcher.keyboard.up(way > 0 ? 'd' : 'a');

    const soldier = await game.lobbyPage('Bravo');
    await soldier.click('#quick-battle');
    // The join's full state carries the roster only; the player's own body arrives with the next
    // patch, so wait for it rather than for the scene's first frame.
    const inBattle = await waitFor('player in a battle room, with its own body', async () => {
      const p = await probe(soldier);
      return p?.self ? p : null;
    }, SLOW);
    expect(inBattle.mapId).toBe('battle');
    expect(inBattle.self).not.toBeNull();

    await watcher.screenshot({ path: `${ARTIFACTS}/spectator.png` });
    await soldier.screenshot({ path: `${ARTIFACTS}/battle.png` });
    expect(game.errors).toEqual([]);
  });
});
