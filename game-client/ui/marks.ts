/**
 * Performance marks on the page's timeline (User Timing: visible in DevTools' performance panel
 * and to `performance.getEntriesByName`). bench/pageLoad.ts reads them to time a page load; they
 * expose nothing about the game.
 */
export const LOBBY_INTERACTIVE_MARK = 'arena:lobby-interactive';
export const FIRST_ARENA_FRAME_MARK = 'arena:first-frame';

/** Set a mark the first time only (the lobby and the arena come back after every match). */
export function markOnce(name: string): void {
  if (performance.getEntriesByName(name, 'mark').length === 0) performance.mark(name);
}
