import { legendSvg, seriesSvg } from '../chart.ts';

/** A small dependency-free SVG chart for bench:interest: downstream per client, log scale, one line per server. */

export interface CurvePoint { server: string; x: number; kbps: number }

const COLOURS: Record<string, string> = {
  this: '#2f81f7',
  'this-no-budget': '#8957e5',
  'this-no-interest': '#db6d28',
  'json-baseline': '#d29922',
};
const W = 440;
const H = 280;
const PAD = { left: 60, right: 16, top: 34, bottom: 44 };

function panel(points: CurvePoint[], title: string, xLabel: string, offsetX: number, yMin: number, yMax: number): string {
  const xs = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
  const xMax = Math.max(...xs) * 1.05;
  const x = (v: number) => offsetX + PAD.left + (v / xMax) * (W - PAD.left - PAD.right);
  const ly = (v: number) => Math.log10(Math.max(v, yMin));
  const y = (v: number) => PAD.top + (1 - (ly(v) - ly(yMin)) / (ly(yMax) - ly(yMin))) * (H - PAD.top - PAD.bottom);
  const out: string[] = [];
  out.push(`<text x="${offsetX + W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="600">${title}</text>`);
  for (let e = Math.ceil(ly(yMin)); e <= Math.floor(ly(yMax)); e++) {
    const v = 10 ** e;
    out.push(`<line x1="${x(0)}" x2="${x(xMax)}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${x(0) - 6}" y="${y(v) + 4}" text-anchor="end" font-size="10">${v}</text>`);
  }
  out.push(`<line x1="${x(0)}" x2="${x(xMax)}" y1="${y(32)}" y2="${y(32)}" stroke="#3fb950" stroke-dasharray="4 3"/>`);
  out.push(`<text x="${x(xMax) - 2}" y="${y(32) - 4}" text-anchor="end" font-size="10" fill="#3fb950">32 kbps</text>`);
  for (const v of xs) out.push(`<text x="${x(v)}" y="${H - PAD.bottom + 14}" text-anchor="middle" font-size="10">${v}</text>`);
  out.push(`<text x="${offsetX + PAD.left + (W - PAD.left - PAD.right) / 2}" y="${H - 8}" text-anchor="middle" font-size="11">${xLabel}</text>`);
  out.push(`<text transform="translate(${offsetX + 14},${(PAD.top + H - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="11">kbps down per client (log)</text>`);
  out.push(...seriesSvg(points.map((p) => ({ server: p.server, px: x(p.x), py: y(p.kbps), order: p.x })), COLOURS));
  return out.join('\n');
}

export function renderInterestChart(visible: CurvePoint[], size: CurvePoint[], subtitle: string): string {
  const all = [...visible, ...size];
  const yMin = 10 ** Math.floor(Math.log10(Math.max(1, Math.min(...all.map((p) => p.kbps)))));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(100, ...all.map((p) => p.kbps))));
  const legend = legendSvg(all.map((p) => p.server), COLOURS, 200, H);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W * 2}" height="${H + 50}" viewBox="0 0 ${W * 2} ${H + 50}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
${panel(visible, 'Visible moving players (arena map, all in view)', 'players in view', 0, yMin, yMax)}
${panel(size, 'Room size (battle map sized for the room)', 'players in the room', W, yMin, yMax)}
${legend}
<text x="${W * 2 - 10}" y="${H + 44}" text-anchor="end" font-size="10" fill="#666">${subtitle.replace(/[<&]/g, '')}</text>
</svg>
`;
}
