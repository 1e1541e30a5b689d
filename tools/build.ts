/**
 * `npm run build`: the release, in dist/ (see README, "Release build"):
 * - dist/client: the browser client, code-split, brotli and gzip precompressed;
 * - dist/server, dist/shared: the server compiled to JavaScript (`node dist/server/main.js`).
 *
 * Options:
 *   --if-stale   build only what changed since the last build (`npm start` uses it, so a start
 *                with a current build costs a hash of the sources, not a build)
 *   --debug      build the debug client (dist/client-debug: the release client plus the
 *                window.__arena hook the browser tests read) instead of the release
 *   --client     the client only (no server)
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CLIENT_FLAVOURS } from '../game-client/flavours.ts';
import { buildClient, CLIENT_INPUTS } from './build/client.ts';
import { buildServer, SERVER_INPUTS } from './build/server.ts';
import { hashInputs, recordedHash, recordHash, type BuildInputs } from './build/stamp.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DIST = `${ROOT}/dist`;

interface Target {
  name: string;
  inputs: BuildInputs;
  /** A file the build writes, relative to the root: missing means not built, whatever the stamp says. */
  output: string;
  build(): Promise<string>;
}

async function runTarget(target: Target, ifStale: boolean): Promise<void> {
  const inputs = hashInputs(ROOT, target.inputs);
  if (ifStale && recordedHash(DIST, target.name) === inputs && existsSync(path.join(ROOT, target.output))) return;
  const t0 = performance.now();
  const detail = await target.build();
  recordHash(DIST, target.name, inputs);
  process.stdout.write(`build: ${target.name} in ${((performance.now() - t0) / 1000).toFixed(1)} s${detail ? ` (${detail})` : ''}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'if-stale': { type: 'boolean', default: false }, debug: { type: 'boolean', default: false }, client: { type: 'boolean', default: false } } });
  const flavour = values.debug ? 'debug' : 'release';
  const targets: Target[] = [{
    name: `client-${flavour}`,
    inputs: CLIENT_INPUTS,
    output: `${CLIENT_FLAVOURS[flavour]}/index.html`,
    async build() {
      const files = await buildClient(ROOT, flavour);
      const sum = (f: (c: (typeof files)[number]) => number) => files.reduce((n, c) => n + f(c), 0);
      return `${(sum((c) => c.bytes) / 1000).toFixed(0)} kB, ${(sum((c) => c.brotliBytes) / 1000).toFixed(0)} kB brotli, ${(sum((c) => c.gzipBytes) / 1000).toFixed(0)} kB gzip`;
    },
  }];
  if (!values.client && !values.debug) targets.push({ name: 'server', inputs: SERVER_INPUTS, output: 'dist/server/main.js', async build() { buildServer(ROOT); return ''; } });
  for (const target of targets) await runTarget(target, values['if-stale']);
}

main().catch((err: unknown) => {
  process.stderr.write(`build failed: ${(err as Error).message}\n`);
  process.exit(1);
});
