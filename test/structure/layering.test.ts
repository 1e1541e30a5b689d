import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The import layering the developers' guide states, read from the code itself: shared → engine
 * (server/, game-client/net) → game → app/tools, nothing back up, no cycles. A new folder under
 * server/ fails here until it is given its place in SERVER_LAYERS.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The source trees the layering covers (test/ may import anything; it is checked only for what it must not be imported by). */
const TREES = ['shared', 'server', 'game-client', 'tools', 'bench'] as const;

/**
 * server/ from the ground up: each entry (a folder, or a file directly in server/) may import
 * only entries on its own floor or below. Entries sharing a floor must not import each other.
 */
const SERVER_LAYERS: readonly (readonly string[])[] = [
  ['env.ts', 'productionDefault.ts', 'healthcheck.ts'],
  ['netcode'],
  ['adapters'],
  ['observability'],
  ['store'],
  ['http'],
  ['security'],
  ['cluster'],
  ['replay'],
  ['state'],
  ['interest'],
  ['lifecycle'],
  ['rooms'],
  ['dashboard'],
  ['api'],
  ['config.ts'],
  ['app.ts'],
  ['main.ts'],
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(path.join(ROOT, dir))) {
    const rel = `${dir}/${name}`;
    if (statSync(path.join(ROOT, rel)).isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|js)$/.test(name) && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** Block comments and whole-line `//` comments (a `//` inside a string, such as a URL, stays). */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
}

const IMPORT_PATTERNS = [
  /^\s*(?:import|export)\s[^;]*?\sfrom\s*['"]([^'"]+)['"]/gm,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** Repository-relative paths of the files `file` imports (relative specifiers only). */
function importsOf(file: string): string[] {
  const text = stripComments(readFileSync(path.join(ROOT, file), 'utf8'));
  const found = new Set<string>();
  for (const pattern of IMPORT_PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const spec = m[1]!;
      if (!spec.startsWith('.')) continue;
      found.add(path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)));
    }
  }
  return [...found];
}

const files = TREES.flatMap((tree) => sourceFiles(tree));
const graph = new Map(files.map((f) => [f, importsOf(f)] as const));
const edges = [...graph].flatMap(([from, tos]) => tos.map((to) => ({ from, to })));
const treeOf = (file: string) => file.split('/')[0]!;
const show = (list: Array<{ from: string; to: string }>) => list.map((e) => `${e.from} -> ${e.to}`);

describe('import layering', () => {
  it('reads the imports of every source file (the reader works)', () => {
    expect(files.length).toBeGreaterThan(150);
    expect(graph.get('server/main.ts')).toContain('server/app.ts');
    // A multi-line import and a type-only one are both seen.
    expect(graph.get('server/rooms/ArenaRoom.ts')).toContain('shared/limits.ts');
    expect(edges.every((e) => !e.to.includes('node_modules'))).toBe(true);
  });

  it('shared/ imports nothing outside shared/, and neither Colyseus nor Phaser', () => {
    expect(show(edges.filter((e) => treeOf(e.from) === 'shared' && treeOf(e.to) !== 'shared'))).toEqual([]);
    const engines = files.filter((f) => treeOf(f) === 'shared' && /from\s*['"](@colyseus\/|phaser)/.test(readFileSync(path.join(ROOT, f), 'utf8')));
    expect(engines).toEqual([]);
  });

  it('the game API (shared/game/) knows no particular game (shared/games/)', () => {
    expect(show(edges.filter((e) => e.from.startsWith('shared/game/') && e.to.startsWith('shared/games/')))).toEqual([]);
  });

  it('the engine knows no particular game: game-client/net/ takes a game\'s definition, never imports one (shared/games/)', () => {
    expect(show(edges.filter((e) => e.from.startsWith('game-client/net/') && e.to.startsWith('shared/games/')))).toEqual([]);
  });

  it('server/ imports only server/ and shared/', () => {
    expect(show(edges.filter((e) => treeOf(e.from) === 'server' && !['server', 'shared'].includes(treeOf(e.to))))).toEqual([]);
  });

  it('game-client/ imports only game-client/ and shared/, and its net/ layer nothing of the game above it', () => {
    expect(show(edges.filter((e) => treeOf(e.from) === 'game-client' && !['game-client', 'shared'].includes(treeOf(e.to))))).toEqual([]);
    expect(show(edges.filter((e) => e.from.startsWith('game-client/net/') && treeOf(e.to) === 'game-client' && !e.to.startsWith('game-client/net/')))).toEqual([]);
  });

  it('bench/ and tools/ never import from test/ (what both need lives in tools/harness)', () => {
    expect(show(edges.filter((e) => ['bench', 'tools'].includes(treeOf(e.from)) && treeOf(e.to) === 'test'))).toEqual([]);
  });

  it('the Node-only load generator lives outside the browser client', () => {
    expect(files.filter((f) => f.startsWith('game-client/bots/'))).toEqual([]);
    expect(files.some((f) => f.startsWith('tools/bots/'))).toBe(true);
  });

  it('inside server/, nothing imports a floor above its own', () => {
    const floorOf = new Map<string, number>();
    SERVER_LAYERS.forEach((entries, floor) => entries.forEach((e) => floorOf.set(e, floor)));
    const entryOf = (file: string) => file.split('/')[1]!;
    const unplaced = [...new Set(files.filter((f) => treeOf(f) === 'server').map(entryOf))].filter((e) => !floorOf.has(e));
    expect(unplaced, 'give each new server/ folder or file its floor in SERVER_LAYERS').toEqual([]);
    const upward = edges.filter((e) => {
      if (treeOf(e.from) !== 'server' || treeOf(e.to) !== 'server') return false;
      const from = entryOf(e.from);
      const to = entryOf(e.to);
      return from !== to && floorOf.get(to)! >= floorOf.get(from)!;
    });
    expect(show(upward)).toEqual([]);
  });

  it('no source files import each other in a cycle (type-only imports count too)', () => {
    // Tarjan's strongly connected components over the file graph.
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const cycles: string[][] = [];
    let next = 0;
    const visit = (v: string) => {
      index.set(v, next);
      low.set(v, next++);
      stack.push(v);
      onStack.add(v);
      for (const w of graph.get(v) ?? []) {
        if (!graph.has(w)) continue;
        if (!index.has(w)) {
          visit(w);
          low.set(v, Math.min(low.get(v)!, low.get(w)!));
        } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
      if (low.get(v) === index.get(v)) {
        const component: string[] = [];
        for (let w = stack.pop()!; ; w = stack.pop()!) {
          onStack.delete(w);
          component.push(w);
          if (w === v) break;
        }
        if (component.length > 1) cycles.push(component.sort());
      }
    };
    for (const file of graph.keys()) if (!index.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });
});
