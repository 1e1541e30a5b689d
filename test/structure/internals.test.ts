import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * Dependencies' private internals (Colyseus, schema, ws, Express) are reached only through
 * server/adapters/, each file there with a contract test in test/server/adapters/ that fails when
 * an upgrade moves what it relies on. This keeps the rest of server/ from reaching in again.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Schema's change-tracking symbols, class metadata, and `obj._private` member access. */
const INTERNAL = /\$changes|\$refId|\$getByIndex|Symbol\.metadata|\._[A-Za-z]\w*/;

function files(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    return statSync(path.join(ROOT, rel)).isDirectory() ? files(rel) : rel.endsWith('.ts') ? [rel] : [];
  });
}

describe('dependency internals', () => {
  it('are used only in server/adapters/ (comments aside)', () => {
    const outside: string[] = [];
    for (const file of files('server').filter((f) => !f.startsWith('server/adapters/'))) {
      const lines = readFileSync(path.join(ROOT, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        const code = line.replace(/\/\/.*$/, '').replace(/^\s*\*.*$/, '');
        if (INTERNAL.test(code)) outside.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(outside).toEqual([]);
  });

  it('each adapter has its contract test', () => {
    const adapters = files('server/adapters').map((f) => path.basename(f, '.ts'));
    expect(adapters.length).toBeGreaterThanOrEqual(7);
    const missing = adapters.filter((name) => !statSync(path.join(ROOT, `test/server/adapters/${name}.test.ts`), { throwIfNoEntry: false }));
    expect(missing).toEqual([]);
  });

  it('the dependencies whose internals are used are pinned to exact versions', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const name of ['@colyseus/core', '@colyseus/schema', '@colyseus/ws-transport', 'ws', 'express']) {
      expect(pkg.dependencies[name], name).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });
});
