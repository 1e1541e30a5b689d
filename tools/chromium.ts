import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { CHROMIUM_PATH } from './testPrograms.ts';

/** Flags for Debian's Chromium on this kind of machine (closed network, root, no GPU). */
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  // Two players in one headless browser: keep background tabs animating.
  '--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows',
];

/** What kind of device the browser pretends to be (a phone: touch, mobile, a small viewport, a dense screen). */
export interface DeviceOptions {
  viewport?: { width: number; height: number };
  deviceScaleFactor?: number;
  hasTouch?: boolean;
  isMobile?: boolean;
}

export interface LaunchOptions extends DeviceOptions {
  /** More flags (e.g. `--ignore-certificate-errors` for a self-signed test certificate). */
  extraArgs?: readonly string[];
}

/**
 * Real headless Chromium (Debian's) with a fresh profile directory, so nothing is cached;
 * `close()` removes the profile. Used by the browser tests and by bench/pageLoad.ts.
 */
export async function launchBrowser(options: LaunchOptions = {}): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const { extraArgs = [], ...device } = options;
  const profile = mkdtempSync(path.join(tmpdir(), 'arena-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_ARGS, ...extraArgs],
    viewport: { width: 1280, height: 800 },
    ...device,
  }).catch((err: unknown) => {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  });
  return {
    context,
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
