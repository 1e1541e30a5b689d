import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser } from './browser.ts';
import { startServerProcess, type ServerProcess } from './serverProcess.ts';

/** Screenshots of browser tests (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL('../artifacts', import.meta.url));

export interface GameInBrowser {
  server: ServerProcess;
  browser: Awaited<ReturnType<typeof launchBrowser>>;
  /** Uncaught errors of every page opened with `page()`. */
  errors: string[];
  /** A new tab whose uncaught errors land in `errors`. */
  page(): Promise<Page>;
  /** A new tab on the game's lobby with a name typed in. */
  lobbyPage(name: string, query?: string): Promise<Page>;
}

/**
 * The game served the way `npm start` serves it (a child process) and a real headless Chromium,
 * started before this file's tests and stopped after them.
 */
export function gameInBrowser(env: Record<string, string> = {}): GameInBrowser {
  const ctx = {
    errors: [] as string[],
    async page() {
      const page = await ctx.browser.context.newPage();
      page.on('pageerror', (e) => ctx.errors.push(e.message));
      return page;
    },
    async lobbyPage(name: string, query = '') {
      const page = await ctx.page();
      await page.goto(`${ctx.server.url}${query}`);
      await page.fill('#name', name);
      return page;
    },
  } as GameInBrowser;
  beforeAll(async () => {
    [ctx.server, ctx.browser] = await Promise.all([startServerProcess(env), launchBrowser()]);
  });
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.server?.stop();
  });
  return ctx;
}
