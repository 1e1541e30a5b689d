/** A small dependency-free SVG chart: CCU against tick p99 and against CPU, one line per server. */

export interface ChartPoint { server: string; ccu: number; tickMsP99: number; cpuMsPerPlayerSecond: number }

const COLOURS: Record<string, string> = { this: '#2f81f7', 'ws-floor': '#6e7781', 'json-baseline': '#d29922', 'tutorial-baseline': '#db6d28' };
/** A server's colour; an earlier commit of this server (`this@<sha>`) in a lighter blue. */
const colourOf = (colours: Record<string, string>, server: string) => colours[server] ?? (server.startsWith('this@') ? '#8cb8ff' : '#666');
const W = 420;
const H = 260;
const PAD = { left: 56, right: 16, top: 34, bottom: 44 };

/** A point already placed on the panel: pixel position, and what orders it along its line. */
export interface PlacedPoint { server: string; px: number; py: number; order: number }

/** One line with dots per server, in its colour. */
export function seriesSvg(points: PlacedPoint[], colours: Record<string, string>): string[] {
  const out: string[] = [];
  for (const server of new Set(points.map((p) => p.server))) {
    const series = points.filter((p) => p.server === server).sort((a, b) => a.order - b.order);
    const colour = colourOf(colours, server);
    out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2" points="${series.map((p) => `${p.px.toFixed(1)},${p.py.toFixed(1)}`).join(' ')}"/>`);
    for (const p of series) out.push(`<circle cx="${p.px.toFixed(1)}" cy="${p.py.toFixed(1)}" r="3" fill="${colour}"/>`);
  }
  return out;
}

/** A colour key, one entry per server, in a row at height `top`. */
export function legendSvg(servers: string[], colours: Record<string, string>, spacing: number, top: number): string {
  return [...new Set(servers)]
    .map((s, i) => `<rect x="${20 + i * spacing}" y="${top + 8}" width="12" height="12" fill="${colourOf(colours, s)}"/><text x="${38 + i * spacing}" y="${top + 18}" font-size="12">${s}</text>`)
    .join('\n');
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((m) => m >= v) ?? v;
}

function panel(points: ChartPoint[], key: 'tickMsP99' | 'cpuMsPerPlayerSecond', title: string, yLabel: string, offsetX: number): string {
  const xMax = niceMax(Math.max(...points.map((p) => p.ccu)));
  const yMax = niceMax(Math.max(...points.map((p) => p[key])));
  const x = (v: number) => offsetX + PAD.left + (v / xMax) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - v / yMax) * (H - PAD.top - PAD.bottom);
  const out: string[] = [];
  out.push(`<text x="${offsetX + W / 2}" y="18" text-anchor="middle" font-size="13" font-weight="600">${title}</text>`);
  for (let i = 0; i <= 4; i++) {
    const v = (yMax * i) / 4;
    out.push(`<line x1="${x(0)}" x2="${x(xMax)}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    out.push(`<text x="${x(0) - 6}" y="${y(v) + 4}" text-anchor="end" font-size="10">${Number(v.toPrecision(3))}</text>`);
    const cv = (xMax * i) / 4;
    out.push(`<text x="${x(cv)}" y="${H - PAD.bottom + 14}" text-anchor="middle" font-size="10">${Math.round(cv)}</text>`);
  }
  out.push(`<text x="${x(xMax / 2)}" y="${H - 8}" text-anchor="middle" font-size="11">CCU</text>`);
  out.push(`<text transform="translate(${offsetX + 14},${(PAD.top + H - PAD.bottom) / 2}) rotate(-90)" text-anchor="middle" font-size="11">${yLabel}</text>`);
  out.push(...seriesSvg(points.map((p) => ({ server: p.server, px: x(p.ccu), py: y(p[key]), order: p.ccu })), COLOURS));
  return out.join('\n');
}

export function renderChart(points: ChartPoint[], subtitle: string): string {
  const legend = legendSvg(points.map((p) => p.server), COLOURS, 170, H);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W * 2}" height="${H + 50}" viewBox="0 0 ${W * 2} ${H + 50}" font-family="sans-serif">
<rect width="100%" height="100%" fill="#fff"/>
${panel(points, 'tickMsP99', 'Server tick p99 (ms)', 'ms', 0)}
${panel(points, 'cpuMsPerPlayerSecond', 'Server CPU per player-second (ms)', 'ms', W)}
${legend}
<text x="${W * 2 - 10}" y="${H + 44}" text-anchor="end" font-size="10" fill="#666">${subtitle.replace(/[<&]/g, '')}</text>
</svg>
`;
}
