import type { GameMap } from '../../shared/maps.ts';
import type { CrowdView } from '../net/renderModel.ts';
import { css, sizedContext } from './canvas2d.ts';

export interface MinimapDot {
  x: number;
  y: number;
  colour: number;
  self: boolean;
}

const REDRAW_EVERY_MS = 100;

/**
 * The whole map in a HUD box: walls, how many players stand in each part of it (the room's
 * crowd map: everyone, beyond what this client receives), the players in view as dots, and
 * the camera's rectangle.
 */
export class Minimap {
  private lastDrawMs = -Infinity;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  draw(nowMs: number, map: GameMap, crowd: CrowdView | undefined, dots: readonly MinimapDot[], view: { x: number; y: number; w: number; h: number }): void {
    if (nowMs - this.lastDrawMs < REDRAW_EVERY_MS) return;
    const box = this.canvas.parentElement;
    if (box === null || box.hidden) return;
    this.lastDrawMs = nowMs;
    const r = box.getBoundingClientRect();
    const g = sizedContext(this.canvas, Math.floor(r.width), Math.floor(r.height));
    if (g === undefined) return;
    const k = Math.min(r.width / map.widthPx, r.height / map.heightPx);
    const ox = (r.width - map.widthPx * k) / 2;
    const oy = (r.height - map.heightPx * k) / 2;
    g.fillStyle = css(0x151a21);
    g.fillRect(ox, oy, map.widthPx * k, map.heightPx * k);
    g.fillStyle = css(0x30363d);
    for (const o of map.obstacles) g.fillRect(ox + o.x * k, oy + o.y * k, Math.max(1, o.w * k), Math.max(1, o.h * k));
    if (crowd !== undefined) {
      const cw = (map.widthPx / crowd.cols) * k;
      const ch = (map.heightPx / crowd.rows) * k;
      g.font = `${Math.max(10, Math.min(13, Math.floor(ch * 0.45)))}px system-ui, sans-serif`;
      g.textAlign = 'center';
      g.textBaseline = 'middle';
      crowd.counts.forEach((n, i) => {
        if (n <= 0) return;
        const x = ox + (i % crowd.cols) * cw;
        const y = oy + Math.floor(i / crowd.cols) * ch;
        g.fillStyle = css(0x58a6ff, Math.min(0.55, 0.15 + n * 0.08));
        g.fillRect(x + 1, y + 1, cw - 2, ch - 2);
        if (ch >= 12) {
          g.fillStyle = css(0xe6edf3);
          g.fillText(String(n), x + cw / 2, y + ch / 2);
        }
      });
    }
    g.strokeStyle = css(0xe6edf3, 0.8);
    g.lineWidth = 1;
    g.strokeRect(ox + view.x * k + 0.5, oy + view.y * k + 0.5, view.w * k, view.h * k);
    for (const d of dots) {
      g.fillStyle = css(d.colour);
      g.beginPath();
      g.arc(ox + d.x * k, oy + d.y * k, d.self ? 3.5 : 2.5, 0, Math.PI * 2);
      g.fill();
      if (d.self) {
        g.strokeStyle = css(0xffffff);
        g.stroke();
      }
    }
  }
}
