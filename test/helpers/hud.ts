import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Rect } from '../../game-client/ui/hudLayout.ts';
import { ARTIFACTS } from './game.ts';

/** How long a resize may take to reach the HUD layout in the test browser (see checkHud). */
const LAYOUT_SETTLE_TIMEOUT_MS = 15_000;
/** Smallest HUD text the issue allows on a 390 × 844 phone (CSS px). */
const MIN_TEXT_PX = 12;

interface HudProbe {
  arena: Rect;
  rects: Record<string, Rect>;
  textPx: Array<{ text: string; px: number }>;
  labelPx: number[];
  canvas: { width: number; height: number; shownW: number; shownH: number; cssW: number; cssH: number; dpr: number };
}

function overlap(a: Rect, b: Rect): boolean {
  // A shared edge (rounding to device pixels) is not an overlap.
  return a.x < b.x + b.w - 0.5 && b.x < a.x + a.w - 0.5 && a.y < b.y + b.h - 0.5 && b.y < a.y + a.h - 0.5;
}

/**
 * Screenshot the game page as `name` (test/artifacts/, .png or .jpg) and check its HUD as drawn by the
 * browser: every HUD element's box is on screen, off the arena (the camera's viewport: the
 * playable area and the room kept above it for names) and off every other HUD element; all HUD
 * text and the players' names are at least 12 CSS px; the canvas is drawn at the device's
 * resolution.
 */
export async function checkHud(page: Page, name: string): Promise<HudProbe> {
  // Let the layout settle on the new size (it follows the resize on the next frame). Here that
  // frame is drawn without a GPU: re-laying out at 2560 × 1440 took 1.8–2.0 s with both cores
  // busy (two pinned busy-loops), and went past 5 s once in a full hogged run (another test file
  // beside it); the bound is that worst seen with a margin of three, not a promise about frames.
  const t0 = performance.now();
  await page.waitForFunction(() => {
    const s = (window as any).__arena?.session;
    const l = s?.layout();
    return l !== undefined && Math.round(l.topBar.w) === window.innerWidth;
  }, undefined, { timeout: LAYOUT_SETTLE_TIMEOUT_MS }).catch(async (e: Error) => {
    const seen = await page.evaluate(() => ({ topBarW: (window as any).__arena?.session?.layout()?.topBar.w, innerWidth: window.innerWidth, frames: (window as any).__arena?.game?.loop?.frame, visibility: document.visibilityState }));
    throw new Error(`${e.message}: the layout did not follow the resize (${JSON.stringify(seen)})`);
  });
  process.stdout.write(`hud ${name}: layout followed the resize in ${Math.round(performance.now() - t0)} ms\n`);
  // PNG for small screens (the README's phone picture); a large screen's PNG takes seconds to encode.
  const large = (await page.evaluate(() => window.innerWidth * window.innerHeight * devicePixelRatio ** 2)) > 2_000_000;
  await page.screenshot({ path: `${ARTIFACTS}/${name}.${large ? 'jpg' : 'png'}`, ...(large ? { type: 'jpeg' as const, quality: 85 } : {}) });
  const probe = await page.evaluate((): HudProbe => {
    const s = (window as any).__arena.session;
    const textPx: Array<{ text: string; px: number }> = [];
    for (const node of document.querySelectorAll<HTMLElement>('#hud *')) {
      const own = [...node.childNodes].some((c) => c.nodeType === Node.TEXT_NODE && c.textContent!.trim() !== '');
      if (!own || node.getClientRects().length === 0) continue;
      textPx.push({ text: node.textContent!.trim().slice(0, 30), px: Number.parseFloat(getComputedStyle(node).fontSize) });
    }
    const canvas = document.querySelector('#game canvas') as HTMLCanvasElement;
    return {
      arena: s.layout().arena,
      rects: s.hudRects(),
      textPx,
      labelPx: s.labelFontPx(),
      canvas: { width: canvas.width, height: canvas.height, shownW: canvas.getBoundingClientRect().width, shownH: canvas.getBoundingClientRect().height, cssW: window.innerWidth, cssH: window.innerHeight, dpr: window.devicePixelRatio },
    };
  });
  const screen = { x: 0, y: 0, w: probe.canvas.cssW, h: probe.canvas.cssH };
  const named = Object.entries(probe.rects);
  expect(named.map(([n]) => n)).toEqual(expect.arrayContaining(['topBar', 'notice', 'scores', 'feed', 'chat']));
  for (const [n, r] of named) {
    expect(r.x >= -0.5 && r.y >= -0.5 && r.x + r.w <= screen.w + 0.5 && r.y + r.h <= screen.h + 0.5, `${name}: ${n} on screen`).toBe(true);
    expect(overlap(r, probe.arena), `${name}: ${n} off the arena`).toBe(false);
  }
  for (let i = 0; i < named.length; i++) {
    for (let j = i + 1; j < named.length; j++) expect(overlap(named[i]![1], named[j]![1]), `${name}: ${named[i]![0]} / ${named[j]![0]}`).toBe(false);
  }
  expect(probe.textPx.length).toBeGreaterThan(5);
  for (const t of probe.textPx) expect(t.px, `${name}: "${t.text}"`).toBeGreaterThanOrEqual(MIN_TEXT_PX);
  expect(probe.labelPx.length).toBeGreaterThan(0);
  for (const px of probe.labelPx) expect(px, `${name}: a player's name`).toBeGreaterThanOrEqual(MIN_TEXT_PX - 0.01);
  // Drawn at the device's resolution, not a fixed canvas stretched to fit: the window's size on
  // screen, and the device's pixels behind it.
  expect(probe.canvas.shownW).toBeCloseTo(probe.canvas.cssW, 0);
  expect(probe.canvas.shownH).toBeCloseTo(probe.canvas.cssH, 0);
  expect(probe.canvas.width).toBe(Math.round(probe.canvas.cssW * Math.min(3, probe.canvas.dpr)));
  expect(probe.canvas.height).toBe(Math.round(probe.canvas.cssH * Math.min(3, probe.canvas.dpr)));
  return probe;
}
