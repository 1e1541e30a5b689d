import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Whether a build output is current: a hash of every input file's path and content, compared
 * with the hash recorded when the output was last built. Content, not modification times, so a
 * checkout or a copy that touches every file does not force a rebuild, and an edit always does.
 */

/** Files under `entries` (files or folders, relative to `root`), sorted, minus `exclude` prefixes. */
function inputFiles(root: string, entries: readonly string[], exclude: readonly string[]): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    if (exclude.some((x) => rel === x || rel.startsWith(`${x}/`))) return;
    const abs = path.join(root, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      for (const name of readdirSync(abs)) walk(rel === '' ? name : `${rel}/${name}`);
    } else {
      found.push(rel);
    }
  };
  for (const entry of entries) walk(entry);
  return found.sort();
}

export interface BuildInputs {
  /** Files and folders the output is made from, relative to the repository root. */
  entries: readonly string[];
  /** Prefixes under `entries` that do not go into the output. */
  exclude?: readonly string[];
}

export function hashInputs(root: string, inputs: BuildInputs): string {
  const hash = createHash('sha256');
  for (const rel of inputFiles(root, inputs.entries, inputs.exclude ?? [])) {
    hash.update(rel).update('\0').update(readFileSync(path.join(root, rel))).update('\0');
  }
  return hash.digest('hex');
}

/** Stamps live beside the outputs (dist/.stamps/), so deleting dist/ forgets them too. */
function stampFile(distDir: string, target: string): string {
  return path.join(distDir, '.stamps', `${target}.json`);
}

export function recordedHash(distDir: string, target: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(stampFile(distDir, target), 'utf8')) as { inputs?: string }).inputs;
  } catch {
    return undefined;
  }
}

export function recordHash(distDir: string, target: string, inputs: string): void {
  const file = stampFile(distDir, target);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ inputs, builtAt: new Date().toISOString() })}\n`);
}
