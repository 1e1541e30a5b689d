import { describe, expect, it } from 'vitest';
import { DEFAULT_BINDINGS, keyLabel, rebind } from '../../../game-client/settings/keyBindings.ts';
import { DEFAULT_SETTINGS, parseSettings, SETTINGS_STORAGE_KEY, SettingsStore } from '../../../game-client/settings/settings.ts';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => { data.set(k, v); } };
}

describe('settings saved in the browser', () => {
  it('survive a new page (a new store on the same storage), and every invalid field falls back on its own', () => {
    const storage = memoryStorage();
    const store = new SettingsStore(storage);
    store.update({ volume: 0.3, muted: true, netGraph: true, palette: 'colourblind', reducedEffects: true, keys: rebind(DEFAULT_BINDINGS, 'up', 'KeyI') });
    const again = new SettingsStore(storage).current;
    expect(again).toMatchObject({ volume: 0.3, muted: true, netGraph: true, palette: 'colourblind', reducedEffects: true });
    expect(again.keys.up).toEqual(['KeyI']);
    // Corrupt, old or hand-edited data: what is valid stays, the rest is the default.
    expect(parseSettings('not json')).toEqual(DEFAULT_SETTINGS);
    const mixed = parseSettings(JSON.stringify({ volume: 7, muted: 'yes', palette: 'neon', netGraph: true, keys: { up: ['<script>'], fire: ['KeyF'] } }));
    expect(mixed).toMatchObject({ volume: DEFAULT_SETTINGS.volume, muted: false, palette: 'standard', netGraph: true });
    expect(mixed.keys.up).toEqual(DEFAULT_BINDINGS.up);
    expect(mixed.keys.fire).toEqual(['KeyF']);
    expect(storage.data.has(SETTINGS_STORAGE_KEY)).toBe(true);
    // A system that asks for less motion starts with reduced effects, until the player says otherwise.
    const calm = new SettingsStore(memoryStorage(), { ...DEFAULT_SETTINGS, reducedEffects: true });
    expect(calm.current.reducedEffects).toBe(true);
    calm.update({ reducedEffects: false });
    expect(calm.current.reducedEffects).toBe(false);
  });

  it('rebinding a key takes it from the action that had it, and names keys as people do', () => {
    const keys = rebind(DEFAULT_BINDINGS, 'fire', 'KeyW');
    expect(keys.fire).toEqual(['KeyW']);
    expect(keys.up).toEqual(['ArrowUp']);
    expect([keyLabel('KeyW'), keyLabel('ArrowLeft'), keyLabel('Space'), keyLabel('Digit3')]).toEqual(['W', '←', 'Space', '3']);
  });
});
