import Phaser from 'phaser';
import { NetGraphModel } from '../net/netGraph.ts';
import type { NetStats } from '../net/netStats.ts';

const WIDTH = 620;
const GRAPH_H = 110;
const PAD = 10;

/**
 * The in-game net graph (toggle with N): text from `NetGraphModel` and its rolling series as
 * lines, bottom-left, fixed to the camera. Drawing only; the numbers come from the session.
 */
export class NetGraphOverlay {
  readonly model = new NetGraphModel();
  private readonly bg: Phaser.GameObjects.Graphics;
  private readonly text: Phaser.GameObjects.Text;
  private shown = false;

  constructor(private readonly scene: Phaser.Scene) {
    this.bg = scene.add.graphics().setDepth(20).setScrollFactor(0).setVisible(false);
    this.text = scene.add.text(0, 0, '', { fontFamily: 'ui-monospace, monospace', fontSize: '13px', color: '#e6edf3' })
      .setDepth(21).setScrollFactor(0).setVisible(false);
  }

  get visible(): boolean {
    return this.shown;
  }

  toggle(): void {
    this.shown = !this.shown;
    this.bg.setVisible(this.shown);
    this.text.setVisible(this.shown);
  }

  update(stats: NetStats, nowMs: number): void {
    this.model.sample(stats, nowMs);
    if (!this.shown) return;
    const scale = this.model.scaleMs();
    const lines = [...this.model.lines(), '', `${this.model.series.map((s) => s.label).join(' · ')}   (0–${scale} ms; red: corrections)`];
    this.text.setText(lines.join('\n'));
    const textH = this.text.height;
    const h = PAD * 3 + textH + GRAPH_H;
    const x0 = 12;
    const y0 = this.scene.scale.height - h - 70;
    const g = this.bg;
    g.clear();
    g.fillStyle(0x0d1117, 0.82).fillRect(x0, y0, WIDTH, h);
    this.text.setPosition(x0 + PAD, y0 + PAD);

    const gx = x0 + PAD;
    const gy = y0 + PAD * 2 + textH;
    const gw = WIDTH - PAD * 2;
    g.lineStyle(1, 0x30363d, 1).strokeRect(gx, gy, gw, GRAPH_H);
    const cap = this.model.capacity;
    for (const s of this.model.series) {
      g.lineStyle(2, s.colour, 1);
      g.beginPath();
      s.values.forEach((v, i) => {
        const px = gx + ((i + cap - s.values.length) / (cap - 1)) * gw;
        const py = gy + GRAPH_H - (Math.min(v, scale) / scale) * GRAPH_H;
        if (i === 0) g.moveTo(px, py); else g.lineTo(px, py);
      });
      g.strokePath();
    }
    const marks = this.model.correctionMarks;
    g.fillStyle(0xf85149, 1);
    marks.forEach((n, i) => {
      if (n > 0) g.fillRect(gx + ((i + cap - marks.length) / (cap - 1)) * gw - 1, gy + GRAPH_H - 8, 3, 8);
    });
    // Legend along the top edge of the graph, and its scale.
    let lx = gx + 4;
    for (const s of this.model.series) {
      g.fillStyle(s.colour, 1).fillRect(lx, gy + 4, 10, 3);
      lx += 120;
    }
  }
}
