import { ACTION_LABELS, ACTIONS, DEFAULT_BINDINGS, keyLabel, rebind, type Action } from '../settings/keyBindings.ts';
import type { SettingsStore } from '../settings/settings.ts';
import { el } from './dom.ts';

export interface SettingsPanel {
  readonly root: HTMLElement;
  close(): void;
}

/**
 * The settings dialog (from the lobby and from the game's ⚙ button): volume and mute, key
 * bindings (press "change", then the new key; Escape cancels), net graph, colour-blind-safe
 * palette, reduced effects. Every change is saved at once; `onClose` runs when it closes.
 */
export function openSettingsPanel(parent: HTMLElement, store: SettingsStore, onClose: () => void): SettingsPanel {
  const s = store.current;
  const volume = el('input', { type: 'range', id: 'set-volume', min: '0', max: '100', step: '5', value: String(Math.round(s.volume * 100)) });
  const volumeText = el('span', { className: 'set-value' }, `${Math.round(s.volume * 100)} %`);
  volume.addEventListener('input', () => {
    volumeText.textContent = `${volume.value} %`;
    store.update({ volume: Number(volume.value) / 100 });
  });
  const check = (id: string, checked: boolean, change: (v: boolean) => void) => {
    const box = el('input', { type: 'checkbox', id, checked });
    box.addEventListener('change', () => change(box.checked));
    return box;
  };
  const muted = check('set-muted', s.muted, (muted) => store.update({ muted }));
  const netGraph = check('set-netgraph', s.netGraph, (v) => store.update({ netGraph: v }));
  const reduced = check('set-reduced', s.reducedEffects, (v) => store.update({ reducedEffects: v }));
  const palette = el('select', { id: 'set-palette' },
    el('option', { value: 'standard' }, 'Standard'),
    el('option', { value: 'colourblind' }, 'Colour-blind safe (Okabe–Ito)'));
  palette.value = s.palette;
  palette.addEventListener('change', () => store.update({ palette: palette.value === 'colourblind' ? 'colourblind' : 'standard' }));

  let capturing: { action: Action; button: HTMLButtonElement } | undefined;
  const keyRows = el('tbody');
  const renderKeys = () => {
    keyRows.replaceChildren(...ACTIONS.map((action) => {
      const change = el('button', { type: 'button', className: 'set-key', id: `set-key-${action}` }, store.current.keys[action].map(keyLabel).join(' / '));
      change.addEventListener('click', () => {
        capturing = { action, button: change };
        change.textContent = 'press a key…';
      });
      return el('tr', {}, el('td', {}, ACTION_LABELS[action]), el('td', {}, change));
    }));
  };
  renderKeys();
  const onKey = (e: KeyboardEvent) => {
    if (capturing === undefined) {
      if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(); }
      return;
    }
    // The key goes to the binding, not to the game or the page.
    e.preventDefault();
    e.stopPropagation();
    const { action } = capturing;
    capturing = undefined;
    if (e.code !== 'Escape' || action === 'leave') store.update({ keys: rebind(store.current.keys, action, e.code) });
    renderKeys();
  };
  window.addEventListener('keydown', onKey, { capture: true });
  const reset = el('button', { type: 'button', id: 'set-keys-reset' }, 'Default keys');
  reset.addEventListener('click', () => { store.update({ keys: DEFAULT_BINDINGS }); renderKeys(); });
  const done = el('button', { type: 'button', className: 'primary', id: 'set-close' }, 'Done');

  const row = (label: string, forId: string, ...control: Node[]) => el('div', { className: 'set-row' }, el('label', { htmlFor: forId }, label), ...control);
  const root = el('div', { className: 'settings', id: 'settings', role: 'dialog', ariaLabel: 'Settings' },
    el('h2', {}, 'Settings'),
    row('Volume', 'set-volume', volume, volumeText),
    row('Mute', 'set-muted', muted),
    row('Net graph in game', 'set-netgraph', netGraph),
    row('Colours', 'set-palette', palette),
    row('Reduced effects', 'set-reduced', reduced),
    el('h3', {}, 'Keys'),
    el('table', { className: 'set-keys' }, keyRows),
    el('div', { className: 'row' }, reset, done),
  );
  let open = true;
  const close = () => {
    if (!open) return;
    open = false;
    window.removeEventListener('keydown', onKey, { capture: true });
    root.remove();
    onClose();
  };
  done.addEventListener('click', close);
  parent.appendChild(root);
  return { root, close };
}
