import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'vite';
import { CLIENT_FLAVOURS, type ClientFlavour } from '../../game-client/flavours.ts';
import { precompress, type Compressed } from './compress.ts';
import type { BuildInputs } from './stamp.ts';

/** What the browser client is built from (the Node-only bots live in tools/bots, outside it). */
export const CLIENT_INPUTS: BuildInputs = {
  entries: ['game-client', 'shared', 'package-lock.json', 'tools/build'],
};

/** A global that only the debug flavour may define (game-client/debugHooks.ts). */
const DEBUG_GLOBAL = '__arena';

export function clientDir(root: string, flavour: ClientFlavour): string {
  return path.join(root, CLIENT_FLAVOURS[flavour]);
}

/**
 * Bundle the client with Vite (code-split: the lobby, the network layer and Phaser are separate
 * chunks), then precompress every text file (brotli and gzip). The release flavour must not
 * contain the debug global: checked here, on the files that ship.
 */
export async function buildClient(root: string, flavour: ClientFlavour): Promise<Compressed[]> {
  await build({ configFile: path.join(root, 'game-client/vite.config.ts'), mode: flavour === 'debug' ? 'debug' : 'production' });
  const dir = clientDir(root, flavour);
  if (flavour === 'release') {
    const assets = path.join(dir, 'assets');
    const leaking = readdirSync(assets).filter((f) => f.endsWith('.js') && readFileSync(path.join(assets, f), 'utf8').includes(DEBUG_GLOBAL));
    if (leaking.length > 0) throw new Error(`the release client exposes ${DEBUG_GLOBAL} (${leaking.join(', ')}): debug hooks belong in the debug build only`);
  }
  return precompress(dir);
}
