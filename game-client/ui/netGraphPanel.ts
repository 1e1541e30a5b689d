import { ITEM_SEPARATOR, type NetGraphModel } from '../net/netGraph.ts';
import { css, sizedContext } from './canvas2d.ts';
import { el } from './dom.ts';

const REDRAW_EVERY_MS = 100;

/**
 * The net graph in its HUD box: the model's text (items wrap inside the box), a legend that
 * wraps too, and the rolling series drawn on a small canvas under them. Drawing only; the
 * numbers are the session's.
 */
export class NetGraphPanel {
  private readonly text: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private lastDrawMs = -Infinity;
  private lastText = '';

  constructor(box: HTMLElement, private readonly model: NetGraphModel<any>) {
    this.text = el('div', { className: 'ng-text' });
    this.legend = el('div', { className: 'ng-legend' });
    this.canvas = el('canvas', { className: 'ng-graph' });
    box.replaceChildren(this.text, this.legend, this.canvas);
  }

  /** Redraw (at most ten times a second) if the box is shown. */
  draw(nowMs: number, visible: boolean): void {
    if (!visible || nowMs - this.lastDrawMs < REDRAW_EVERY_MS) return;
    this.lastDrawMs = nowMs;
    const lines = this.model.lines();
    const key = lines.join('\n');
    if (key !== this.lastText) {
      this.lastText = key;
      this.text.replaceChildren(...lines.map((line) => el('div', { className: 'ng-line' }, ...line.split(ITEM_SEPARATOR).map((item) => el('span', { className: 'ng-item' }, item)))));
    }
    const scale = this.model.scaleMs();
    const legendKey = `${scale}`;
    if (this.legend.dataset.key !== legendKey) {
      this.legend.dataset.key = legendKey;
      this.legend.replaceChildren(
        ...this.model.series.map((s) => {
          const swatch = el('span', { className: 'ng-swatch' });
          swatch.style.background = css(s.colour);
          return el('span', { className: 'ng-item' }, swatch, s.label);
        }),
        el('span', { className: 'ng-item' }, `0–${scale} ms, red: corrections`),
      );
    }
    const box = this.canvas.parentElement!.getBoundingClientRect();
    const top = this.canvas.getBoundingClientRect().top - box.top;
    const g = sizedContext(this.canvas, Math.floor(box.width - 12), Math.max(0, Math.floor(box.height - top - 6)));
    if (g === undefined) return;
    const w = g.canvas.width / (g.getTransform().a || 1);
    const h = g.canvas.height / (g.getTransform().d || 1);
    g.strokeStyle = css(0x30363d);
    g.lineWidth = 1;
    g.strokeRect(0.5, 0.5, w - 1, h - 1);
    const cap = this.model.capacity;
    for (const s of this.model.series) {
      g.strokeStyle = css(s.colour);
      g.lineWidth = 1.5;
      g.beginPath();
      s.values.forEach((v, i) => {
        const x = ((i + cap - s.values.length) / (cap - 1)) * w;
        const y = h - (Math.min(v, scale) / scale) * (h - 2) - 1;
        if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
      });
      g.stroke();
    }
    g.fillStyle = css(0xf85149);
    this.model.correctionMarks.forEach((n, i) => {
      if (n > 0) g.fillRect(((i + cap - this.model.correctionMarks.length) / (cap - 1)) * w - 1, h - 6, 2, 6);
    });
  }
}
