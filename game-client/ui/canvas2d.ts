import { deviceScale } from './screen.ts';

/**
 * A 2D canvas sized to its box at the device's resolution, drawn in CSS px. Returns undefined
 * when the box has no size (hidden).
 */
export function sizedContext(canvas: HTMLCanvasElement, cssW: number, cssH: number): CanvasRenderingContext2D | undefined {
  if (cssW <= 0 || cssH <= 0) return undefined;
  const dpr = deviceScale();
  const w = Math.round(cssW * dpr);
  const h = Math.round(cssH * dpr);
  if (canvas.width !== w || canvas.height !== h) {
    canvas.width = w;
    canvas.height = h;
    canvas.style.width = `${cssW}px`;
    canvas.style.height = `${cssH}px`;
  }
  const g = canvas.getContext('2d');
  if (g === null) return undefined;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, cssW, cssH);
  return g;
}

/** 0xRRGGBB as a CSS colour. */
export function css(colour: number, alpha = 1): string {
  const r = (colour >> 16) & 255;
  const g = (colour >> 8) & 255;
  const b = colour & 255;
  return alpha === 1 ? `rgb(${r} ${g} ${b})` : `rgb(${r} ${g} ${b} / ${alpha})`;
}
