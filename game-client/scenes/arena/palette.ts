/**
 * The arena's colours. `colourblind` follows Okabe and Ito's palette, told apart without
 * red–green vision: player colours from its eight, health in blue, orange and vermilion (and
 * the bar's length says it too), own and enemy shots yellow and reddish purple.
 */
export interface Palette {
  playerColour(id: string): number;
  health(fraction: number): number;
  ownShot: number;
  enemyShot: number;
  hitMarker: number;
  damage: number;
  selfRing: number;
}

function hash(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return h;
}

/** HSL (h in turns, s and l in 0–1) to 0xRRGGBB. */
function hsl(h: number, s: number, l: number): number {
  const f = (n: number) => {
    const k = (n + h * 12) % 12;
    const a = s * Math.min(l, 1 - l);
    return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
  };
  return (f(0) << 16) | (f(8) << 8) | f(4);
}

export const STANDARD_PALETTE: Palette = {
  playerColour: (id) => hsl((hash(id) % 360) / 360, 0.65, 0.58),
  health: (f) => (f > 0.5 ? 0x3fb950 : f > 0.25 ? 0xd29922 : 0xf85149),
  ownShot: 0xffe08a,
  enemyShot: 0xff7b72,
  hitMarker: 0xffffff,
  damage: 0xf85149,
  selfRing: 0xffffff,
};

const OKABE_ITO = [0xe69f00, 0x56b4e9, 0x009e73, 0xf0e442, 0x0072b2, 0xd55e00, 0xcc79a7, 0xbbbbbb];

export const COLOURBLIND_PALETTE: Palette = {
  playerColour: (id) => OKABE_ITO[hash(id) % OKABE_ITO.length]!,
  health: (f) => (f > 0.5 ? 0x56b4e9 : f > 0.25 ? 0xe69f00 : 0xd55e00),
  ownShot: 0xf0e442,
  enemyShot: 0xcc79a7,
  hitMarker: 0xffffff,
  damage: 0xd55e00,
  selfRing: 0xffffff,
};

export function paletteFor(name: 'standard' | 'colourblind'): Palette {
  return name === 'colourblind' ? COLOURBLIND_PALETTE : STANDARD_PALETTE;
}
