import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser, type DeviceOptions } from '../../tools/chromium.ts';
import { startServerProcess, type ServerProcess } from './serverProcess.ts';

/**
 * Record a page's uncaught errors and everything its Content-Security-Policy blocked (Chromium
 * reports each refusal on the console), so every browser test also proves the CSP lets the game
 * load and connect.
 */
export function watchPage(page: Page, errors: string[]): void {
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) errors.push(m.text()); });
}

/** Screenshots of browser tests (git-ignored). */
export const ARTIFACTS = fileURLToPath(new URL('../artifacts', import.meta.url));

export interface GameInBrowser {
  server: ServerProcess;
  browser: Awaited<ReturnType<typeof launchBrowser>>;
  /** Uncaught errors and CSP refusals of every page opened with `page()`. */
  errors: string[];
  /** A new tab whose uncaught errors land in `errors`. */
  page(): Promise<Page>;
  /** A new tab on the game's lobby with a name typed in. */
  lobbyPage(name: string, query?: string): Promise<Page>;
}

/**
 * The game served the way `npm start` serves it (a child process) and a real headless Chromium
 * (a desktop by default; `device` makes it a phone), started before this file's tests and
 * stopped after them.
 */
export function gameInBrowser(env: Record<string, string> = {}, device: DeviceOptions = {}): GameInBrowser {
  const ctx = {
    errors: [] as string[],
    async page() {
      const page = await ctx.browser.context.newPage();
      watchPage(page, ctx.errors);
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
    [ctx.server, ctx.browser] = await Promise.all([startServerProcess(env), launchBrowser(device)]);
  });
  afterAll(async () => {
    await ctx.browser?.close();
    await ctx.server?.stop();
  });
  return ctx;
}
