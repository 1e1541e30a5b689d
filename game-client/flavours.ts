/**
 * Client build flavours and where each is written, relative to the repository root
 * (game-client/vite.config.ts, tools/build/client.ts): `release` is what ships and what
 * `npm start` serves; `debug` is the same plus the window.__arena hook (game-client/debugHooks.ts),
 * which the browser tests read.
 */
export const CLIENT_FLAVOURS = { release: 'dist/client', debug: 'dist/client-debug' } as const;
export type ClientFlavour = keyof typeof CLIENT_FLAVOURS;
