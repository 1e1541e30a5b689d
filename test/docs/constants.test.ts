import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as engineLimits from '../../shared/limits.ts';
import * as tuning from '../../shared/tuning.ts';
import { DEFAULT_OPERATIONS } from '../../server/cluster/config.ts';
import { DEFAULT_INTEREST } from '../../server/interest/config.ts';
import * as limits from '../../server/security/limits.ts';

/**
 * The docs quote numbers next to the constant or setting they come from, as `NAME` (value unit).
 * Every such quote must say what the code says, so a default changed in one place cannot leave a
 * document behind (issue 13: SECURITY.md gave 10 s and 3 s for a 20 s seat and a 1.5 s ping).
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const DOCS = ['SECURITY.md', 'README.md', ...readdirSync(`${ROOT}/docs`).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

const snake = (camel: string) => camel.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

/** Every numeric constant and default the docs may quote, by the name they quote it by. */
function knownValues(): Map<string, number> {
  const known = new Map<string, number>();
  const add = (name: string, value: unknown) => { if (typeof value === 'number') known.set(name, value); };
  for (const [name, value] of [...Object.entries(engineLimits), ...Object.entries(tuning)]) add(name, value);
  for (const [name, value] of Object.entries(limits)) add(name, value);
  // Settings by their environment variable (camelCase field -> SNAKE_CASE variable).
  for (const [field, value] of Object.entries(DEFAULT_OPERATIONS)) add(snake(field), value);
  for (const [field, value] of Object.entries(limits.DEFAULT_SECURITY)) add(snake(field), value);
  add('MAX_PLAYERS', engineLimits.DEFAULT_MAX_PLAYERS_PER_ROOM);
  add('MAX_SPECTATORS', engineLimits.DEFAULT_MAX_SPECTATORS_PER_ROOM);
  add('PATCH_BUDGET_BYTES', DEFAULT_INTEREST.budgetBytesPerPatch);
  return known;
}

/** A quoted amount in the unit the constant's name carries (`_MS`, `_S`, `_BYTES`). */
function inNameUnit(name: string, amount: number, unit: string): number {
  const u = unit.toLowerCase();
  if (name.endsWith('_MS')) return u === 's' ? amount * 1000 : amount;
  if (name.endsWith('_S')) return u === 'ms' ? amount / 1000 : u.startsWith('min') ? amount * 60 : u.startsWith('hour') ? amount * 3600 : amount;
  if (name.endsWith('_BYTES')) return u === 'kb' ? amount * 1024 : amount;
  return amount;
}

const QUOTE = /`([A-Z][A-Z0-9_]{2,})`\s*\((\d[\d,]*(?:\.\d+)?)(?:\/(\d+))?\s*([A-Za-z]*)/g;

describe('numbers quoted in the docs', () => {
  const known = knownValues();

  it.each(DOCS)('%s says what the code says', (file) => {
    const text = readFileSync(`${ROOT}/${file}`, 'utf8');
    const wrong: string[] = [];
    for (const m of text.matchAll(QUOTE)) {
      const [quote, name, number, divisor, unit] = m as unknown as [string, string, string, string | undefined, string];
      const value = known.get(name);
      if (value === undefined) continue; // not a constant (a token, a variable without a default)
      const amount = Number(number.replace(/,/g, '')) / (divisor === undefined ? 1 : Number(divisor));
      if (Math.abs(inNameUnit(name, amount, unit) - value) > 1e-9) wrong.push(`${quote}) but ${name} is ${value}`);
    }
    expect(wrong).toEqual([]);
  });

  it('SECURITY.md quotes the seat window and the heartbeat from their settings', () => {
    const text = readFileSync(`${ROOT}/SECURITY.md`, 'utf8');
    for (const name of ['RECONNECT_WINDOW_S', 'HEARTBEAT_INTERVAL_MS', 'HEARTBEAT_MAX_MISSED', 'SEAT_RESERVATION_S', 'MAX_CONNECTIONS_PER_IP', 'PRIVATE_ROOM_CODE_CHARS']) {
      expect(text, name).toMatch(new RegExp(`\`${name}\`\\s*\\(\\d`));
    }
  });
});
