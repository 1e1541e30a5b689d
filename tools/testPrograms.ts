/** Programs from the machine that `npm test` needs, and the Debian packages that bring them. */
export interface TestProgram {
  /** Command name (looked up on PATH) or absolute path. */
  path: string;
  debianPackage: string;
  /** What needs it, for the one line the preflight prints. */
  neededFor: string;
}

/** Debian's Chromium; the browser tests drive it with playwright-core (never a downloaded build). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Debian's nginx (in sbin: not on every user's PATH). Tests run their own on ephemeral ports; the package's own service, where a machine starts one, is not used. */
export const NGINX_PATH = process.env.NGINX_PATH ?? '/usr/sbin/nginx';

export const TEST_PROGRAMS: readonly TestProgram[] = [
  { path: CHROMIUM_PATH, debianPackage: 'chromium', neededFor: 'the browser tests (test/e2e)' },
  { path: 'openssl', debianPackage: 'openssl', neededFor: 'the TLS test (a self-signed certificate)' },
  { path: 'redis-server', debianPackage: 'redis-server', neededFor: 'the scale-out and fault tests (their own Redis servers)' },
  { path: NGINX_PATH, debianPackage: 'nginx', neededFor: 'the reverse-proxy fault test (tools/deploy/nginx in front of two game processes)' },
];
