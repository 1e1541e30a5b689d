import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { BuildInputs } from './stamp.ts';

/** What the compiled server is made from. */
export const SERVER_INPUTS: BuildInputs = {
  entries: ['server', 'shared', 'package-lock.json', 'tsconfig.json', 'tools/build'],
};

/** Compiled folders under dist/ (the layout mirrors the sources, so relative paths still hold). */
const OUTPUTS = ['server', 'shared'] as const;

/** Non-TypeScript files the server reads at run time, next to its modules (dashboard pages). */
function copyAssets(fromDir: string, toDir: string): void {
  for (const name of readdirSync(fromDir)) {
    const from = path.join(fromDir, name);
    if (statSync(from).isDirectory()) copyAssets(from, path.join(toDir, name));
    else if (!name.endsWith('.ts')) cpSync(from, path.join(toDir, name));
  }
}

/**
 * Compile server/ and shared/ with the project's own TypeScript compiler (tsc emit, one file per
 * module, relative `.ts` imports rewritten to `.js`, source maps beside them), so
 * `node dist/server/main.js` needs neither tsx nor any other devDependency. tsc rather than a
 * bundler: the compiler that type-checks the code is the one that emits it, the layout (and with
 * it every `import.meta.url`-relative path) stays as in the sources, and no dependency is added.
 */
export function buildServer(root: string): void {
  for (const out of OUTPUTS) rmSync(path.join(root, 'dist', out), { recursive: true, force: true });
  const tsc = path.join(path.dirname(createRequire(path.join(root, 'package.json')).resolve('typescript/package.json')), 'bin/tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tools/build/tsconfig.server.json')], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) throw new Error(`tsc failed (exit ${run.status ?? run.signal})`);
  copyAssets(path.join(root, 'server'), path.join(root, 'dist/server'));
  if (!existsSync(path.join(root, 'dist/server/main.js'))) throw new Error('tsc emitted no dist/server/main.js');
}
