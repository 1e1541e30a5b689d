/** Replaced at build time (game-client/vite.config.ts): true only in the debug build. */
declare const __ARENA_DEBUG_HOOKS__: boolean;

/**
 * `window.__arena`, a read-only view into the running game for the end-to-end tests and the
 * console (`__arena.session.frame()`), in the debug build only (`npm run build -- --debug`,
 * dist/client-debug: what `npm test` serves). In the release build the constant is false and the
 * bundler drops every use, so the global does not exist there; tools/build/client.ts checks it.
 */
export const debugHook: Record<string, unknown> | undefined = __ARENA_DEBUG_HOOKS__
  ? ((window as unknown as { __arena: Record<string, unknown> }).__arena = {})
  : undefined;
