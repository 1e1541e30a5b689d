/**
 * What the keyboard can do, and which keys do it. Keys are `KeyboardEvent.code` values (the
 * physical key, whatever the layout says: W is where W is on a QWERTY board), so a binding
 * survives a change of keyboard layout.
 */
export const ACTIONS = ['up', 'down', 'left', 'right', 'fire', 'chat', 'netGraph', 'mute', 'leave'] as const;
export type Action = (typeof ACTIONS)[number];
export type KeyBindings = Record<Action, string[]>;

export const ACTION_LABELS: Readonly<Record<Action, string>> = {
  up: 'Move up',
  down: 'Move down',
  left: 'Move left',
  right: 'Move right',
  fire: 'Fire',
  chat: 'Chat',
  netGraph: 'Net graph',
  mute: 'Mute',
  leave: 'Leave',
};

export const DEFAULT_BINDINGS: Readonly<KeyBindings> = {
  up: ['KeyW', 'ArrowUp'],
  down: ['KeyS', 'ArrowDown'],
  left: ['KeyA', 'ArrowLeft'],
  right: ['KeyD', 'ArrowRight'],
  fire: ['Space'],
  chat: ['Enter'],
  netGraph: ['KeyN'],
  mute: ['KeyM'],
  leave: ['Escape'],
};

/** Most keys one action may have. */
export const MAX_KEYS_PER_ACTION = 4;
const CODE = /^[A-Za-z0-9]{1,32}$/;

/** A valid binding list from untrusted (stored) data, or undefined. */
export function parseKeys(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_KEYS_PER_ACTION) return undefined;
  return value.every((v) => typeof v === 'string' && CODE.test(v)) ? [...value] : undefined;
}

/** The action a key does, if any (the first action listing it). */
export function actionOf(bindings: KeyBindings, code: string): Action | undefined {
  for (const action of ACTIONS) if (bindings[action].includes(code)) return action;
  return undefined;
}

/** Bind `code` to `action` alone, taking it away from any other action. */
export function rebind(bindings: KeyBindings, action: Action, code: string): KeyBindings {
  const next = {} as KeyBindings;
  for (const a of ACTIONS) {
    const keys = bindings[a].filter((k) => k !== code);
    next[a] = a === action ? [code] : keys.length > 0 ? keys : [...DEFAULT_BINDINGS[a]].filter((k) => k !== code);
  }
  return next;
}

/** A key as people name it: `KeyW` → `W`, `ArrowUp` → `↑`, `Space` → `Space`. */
export function keyLabel(code: string): string {
  if (/^Key[A-Z]$/.test(code)) return code.slice(3);
  if (/^Digit[0-9]$/.test(code)) return code.slice(5);
  const arrows: Record<string, string> = { ArrowUp: '↑', ArrowDown: '↓', ArrowLeft: '←', ArrowRight: '→' };
  return arrows[code] ?? code.replace(/^Numpad/, 'Num ');
}
