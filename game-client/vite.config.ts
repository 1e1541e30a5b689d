import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { CLIENT_FLAVOURS, type ClientFlavour } from './flavours.ts';

// The client is served by the game server itself (same origin), so the build goes where
// server/config.ts looks for it. `--mode debug` builds the debug flavour.
export default defineConfig(({ mode }) => {
  const flavour: ClientFlavour = mode === 'debug' ? 'debug' : 'release';
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    base: './',
    logLevel: 'warn',
    define: { __ARENA_DEBUG_HOOKS__: JSON.stringify(flavour === 'debug') },
    build: {
      outDir: fileURLToPath(new URL(`../${CLIENT_FLAVOURS[flavour]}`, import.meta.url)),
      emptyOutDir: true,
      // Every file under assets/ has a content hash in its name: the server caches them for a year.
      assetsDir: 'assets',
      chunkSizeWarningLimit: 1500,
      // Kept for reading a player's stack trace, not referenced from the bundles nor served.
      sourcemap: 'hidden',
    },
  };
});
