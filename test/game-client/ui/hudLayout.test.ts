import { describe, expect, it } from 'vitest';
import { contains, layoutHud, MIN_DESKTOP_SCALE, MIN_FONT_PX, MIN_TOUCH_SCALE, overlaps, type Rect } from '../../../game-client/ui/hudLayout.ts';

const SIZES: Array<[number, number]> = [[390, 844], [844, 390], [360, 640], [800, 600], [1024, 768], [1280, 720], [1366, 768], [1920, 1080], [2560, 1440], [3840, 2160], [600, 1200]];

describe('HUD layout', () => {
  it('never puts a box over the arena or over another box, keeps everything on screen, and text at 12 px or more', () => {
    let cases = 0;
    for (const [width, height] of SIZES) {
      for (const touch of [false, true]) {
        for (const netGraph of [false, true]) {
          for (const [viewW, viewH, largeMap] of [[1600, 1000, false], [900, 500, false], [1600, 1000, true]] as const) {
            const l = layoutHud({ width, height, viewW, viewH, scoreRows: 11, netGraph, largeMap, touch });
            const screen: Rect = { x: 0, y: 0, w: width, h: height };
            const named: Array<[string, Rect]> = [['topBar', l.topBar], ['notice', l.notice], ['arena', l.arena], ...Object.entries(l.boxes)];
            for (const [name, r] of named) {
              expect(contains(screen, r), `${name} on a ${width}×${height} screen`).toBe(true);
              expect(r.w >= 0 && r.h >= 0).toBe(true);
            }
            for (let i = 0; i < named.length; i++) {
              for (let j = i + 1; j < named.length; j++) {
                expect(overlaps(named[i]![1], named[j]![1]), `${named[i]![0]} and ${named[j]![0]} on ${width}×${height}`).toBe(false);
              }
            }
            expect(contains(l.arena, l.world)).toBe(true);
            expect(l.fontPx).toBeGreaterThanOrEqual(MIN_FONT_PX);
            // The drawn world keeps the world's proportions.
            expect(Math.abs(l.world.w / l.scale - l.visibleW)).toBeLessThan(2 / l.scale);
            expect(Math.abs(l.world.h / l.scale - l.visibleH)).toBeLessThan(2 / l.scale);
            expect(l.scale).toBeGreaterThanOrEqual(touch ? MIN_TOUCH_SCALE : MIN_DESKTOP_SCALE);
            // The scoreboard and chat always have a place; a large map always has its minimap.
            expect(l.boxes.scores).toBeDefined();
            expect(l.boxes.chat).toBeDefined();
            if (largeMap || l.camera === 'follow') expect(l.boxes.minimap).toBeDefined();
            // The net graph, once asked for, has a place on any screen larger than a small phone.
            if (netGraph && width * height >= 800 * 600) expect(l.boxes.netGraph, `net graph on ${width}×${height}`).toBeDefined();
            cases++;
          }
        }
      }
    }
    expect(cases).toBe(SIZES.length * 12);
  });

  it('shows the whole arena where it fits at a readable scale, and follows the player on a phone held upright', () => {
    const desktop = layoutHud({ width: 1280, height: 800, viewW: 1600, viewH: 1000, scoreRows: 11, netGraph: false, largeMap: false, touch: false });
    expect(desktop.camera).toBe('fit');
    expect(desktop.visibleW).toBe(1600);
    const phone = layoutHud({ width: 390, height: 844, viewW: 1600, viewH: 1000, scoreRows: 11, netGraph: false, largeMap: false, touch: true });
    expect(phone.camera).toBe('follow');
    // The 390 × 244 strip at 0.24 px per px: now at least 0.4, on a taller arena.
    expect(phone.scale).toBeGreaterThanOrEqual(0.4);
    expect(phone.world.h).toBeGreaterThan(244);
  });
});
