import { ACTIONS, DEFAULT_BINDINGS, parseKeys, type KeyBindings } from './keyBindings.ts';

/** What a player can set; saved in the browser (localStorage), per device. */
export interface Settings {
  /** Master volume, 0–1. */
  volume: number;
  muted: boolean;
  keys: KeyBindings;
  /** Show the net graph in game. */
  netGraph: boolean;
  /** `standard`, or `colourblind`: a palette told apart without red–green (Okabe–Ito). */
  palette: 'standard' | 'colourblind';
  /** No flashes, bursts or shakes: only the markers that carry information. */
  reducedEffects: boolean;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  volume: 0.7,
  muted: false,
  keys: DEFAULT_BINDINGS,
  netGraph: false,
  palette: 'standard',
  reducedEffects: false,
};

export const SETTINGS_STORAGE_KEY = 'arena.settings';
const PALETTES = ['standard', 'colourblind'] as const;

/**
 * Settings from stored JSON that may be missing, old, corrupt or edited by hand: every field
 * that is not valid falls back to its default, on its own.
 */
export function parseSettings(raw: string | null, defaults: Readonly<Settings> = DEFAULT_SETTINGS): Settings {
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = raw === null ? {} : JSON.parse(raw);
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
  } catch {
    // Unreadable: defaults.
  }
  const d = defaults;
  const keysIn = (data.keys !== null && typeof data.keys === 'object' ? data.keys : {}) as Record<string, unknown>;
  const keys = {} as KeyBindings;
  for (const action of ACTIONS) keys[action] = parseKeys(keysIn[action]) ?? [...d.keys[action]];
  return {
    volume: typeof data.volume === 'number' && data.volume >= 0 && data.volume <= 1 ? data.volume : d.volume,
    muted: typeof data.muted === 'boolean' ? data.muted : d.muted,
    keys,
    netGraph: typeof data.netGraph === 'boolean' ? data.netGraph : d.netGraph,
    palette: PALETTES.includes(data.palette as Settings['palette']) ? (data.palette as Settings['palette']) : d.palette,
    reducedEffects: typeof data.reducedEffects === 'boolean' ? data.reducedEffects : d.reducedEffects,
  };
}

/** The settings of this browser: read once, written on every change, with change listeners. */
export class SettingsStore {
  private value: Settings;
  private readonly listeners = new Set<(s: Settings) => void>();

  /** `defaults`: what a player who never changed a setting gets (e.g. reduced effects when the system asks for less motion). */
  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | undefined, private readonly defaults: Readonly<Settings> = DEFAULT_SETTINGS) {
    this.value = parseSettings(read(storage), defaults);
  }

  get current(): Readonly<Settings> {
    return this.value;
  }

  update(change: Partial<Settings>): void {
    this.value = parseSettings(JSON.stringify({ ...this.value, ...change }), this.defaults);
    try {
      this.storage?.setItem(SETTINGS_STORAGE_KEY, JSON.stringify(this.value));
    } catch {
      // Storage full or blocked (private mode): the settings still apply to this page.
    }
    for (const listener of this.listeners) listener(this.value);
  }

  /** Call `listener` on every change; returns the unsubscribe function. */
  onChange(listener: (s: Settings) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function read(storage: Pick<Storage, 'getItem'> | undefined): string | null {
  try {
    return storage?.getItem(SETTINGS_STORAGE_KEY) ?? null;
  } catch {
    return null;
  }
}

function browserDefaults(): Settings {
  const lessMotion = typeof matchMedia === 'function' && matchMedia('(prefers-reduced-motion: reduce)').matches;
  return { ...DEFAULT_SETTINGS, reducedEffects: lessMotion };
}

/** This page's settings (a browser page has one player). */
export const settings = typeof localStorage === 'undefined' ? new SettingsStore(undefined) : new SettingsStore(localStorage, browserDefaults());
