import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Build the browser client once per test run (the end-to-end tests load it from the real
 * server). Skipped when nothing under test needs it and the bundle already exists.
 */
export default function setup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  mkdirSync(`${root}/test/artifacts`, { recursive: true });
  if (process.env.SKIP_CLIENT_BUILD === '1' && existsSync(`${root}/dist/client/index.html`)) return;
  execFileSync(process.execPath, [`${root}/node_modules/vite/bin/vite.js`, 'build', '--config', 'game-client/vite.config.ts'], {
    cwd: root,
    stdio: 'inherit',
  });
}
