import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The client is served by the game server itself (same origin), so the build goes where
// server/config.ts looks for it.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  build: {
    outDir: fileURLToPath(new URL('../dist/client', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    sourcemap: false,
  },
});
