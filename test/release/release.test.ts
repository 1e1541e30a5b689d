import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client, type Room } from '@colyseus/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { waitFor } from '../helpers/wait.ts';

/**
 * The release as a host gets it (README, "Release build"; docs/OPERATIONS.md, "Deploy"), in CI
 * only (`npm run test:release`, .ci/run): it builds and installs slowly (an npm install).
 *
 * tools/deploy/release.sh, the Dockerfile's build stage, builds the release into a temporary
 * folder outside this checkout with production dependencies only. It is then started with
 * NODE_ENV=production the two documented ways, read from the files themselves: the Dockerfile's
 * ENV, CMD and HEALTHCHECK, and the systemd unit's Environment= and ExecStart=. Each time a plain
 * Colyseus SDK client joins and plays, and SIGTERM drains it.
 *
 * Node: this machine's system Node is 20; the only Node 22 is the `node` npm package that this
 * checkout's devDependencies bring. Its binary is called by absolute path as the "system Node 22"
 * (the release's own node_modules has no `node` package: it is a devDependency), and the server's
 * folder cannot resolve anything from this checkout's node_modules (it is not under it).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const NODE_22 = path.join(ROOT, 'node_modules/node/bin/node');
const DEPLOY = path.join(ROOT, 'tools/deploy');
const DRAIN_DEADLINE_S = 2;
/** Packages that must not be in a production install (devDependencies and what only they need). */
const DEV_ONLY = ['tsx', 'typescript', 'vite', 'vitest', 'phaser', '@colyseus/sdk', 'playwright-core', 'node', 'esbuild', 'yaml'];

let release = '';

beforeAll(() => {
  release = mkdtempSync(path.join(tmpdir(), 'arena-release-'));
  execFileSync('sh', [path.join(DEPLOY, 'release.sh'), release], { cwd: ROOT, stdio: 'inherit', timeout: 10 * 60_000 });
}, 11 * 60_000);

afterAll(() => {
  if (release) rmSync(release, { recursive: true, force: true });
});

/** The last `KEY value` instruction's words of the Dockerfile's final stage (`CMD ["a", "b"]` form). */
function dockerfile(): { env: Record<string, string>; cmd: string[]; healthcheck: string[] } {
  const text = readFileSync(path.join(DEPLOY, 'Dockerfile'), 'utf8');
  const final = text.slice(text.lastIndexOf('\nFROM '));
  const json = (instruction: string) => JSON.parse(new RegExp(`^${instruction}.*?(\\[.*\\])\\s*$`, 'm').exec(final)![1]!) as string[];
  const env: Record<string, string> = {};
  for (const line of final.matchAll(/^ENV (.+)$/gm)) for (const pair of line[1]!.trim().split(/\s+/)) env[pair.split('=')[0]!] = pair.split('=').slice(1).join('=');
  return { env, cmd: json('CMD'), healthcheck: json('HEALTHCHECK') };
}

/** The systemd unit's Environment= pairs and ExecStart= words. */
function systemdUnit(): { env: Record<string, string>; exec: string[] } {
  const text = readFileSync(path.join(DEPLOY, 'arena@.service'), 'utf8');
  const env: Record<string, string> = {};
  for (const m of text.matchAll(/^Environment=(\w+)=(.*)$/gm)) env[m[1]!] = m[2]!;
  return { env, exec: /^ExecStart=(.+)$/m.exec(text)![1]!.trim().split(/\s+/) };
}

/** `node` (or /usr/bin/node) in a documented command line is the system Node 22. */
function withNode22(words: string[]): [string, string[]] {
  const [first, ...rest] = words;
  expect(first === 'node' || first === '/usr/bin/node').toBe(true);
  return [NODE_22, rest];
}

interface Started {
  child: ChildProcess;
  url: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Start the release from `release` with exactly `env` (no inherited NODE_OPTIONS, PATH to npm's Node or loaders). */
async function startRelease(cmd: string[], env: Record<string, string>): Promise<Started> {
  const [node, args] = withNode22(cmd);
  const child = spawn(node, args, { cwd: release, env: { PATH: '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const reap = () => { if (child.exitCode === null) child.kill('SIGKILL'); };
  process.once('exit', reap);
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { process.off('exit', reap); resolve(code); }));
  const url = await waitFor('the release to print its URL', () => {
    if (child.exitCode !== null) throw new Error(`release exited (${child.exitCode}):\n${out}`);
    return /open (http:\/\/\S+)\/ in your browser/.exec(out)?.[1]?.replace('localhost', '127.0.0.1');
  }, { timeoutMs: 20_000, intervalMs: 50 });
  return { child, url, output: () => out, exited };
}

/** A plain SDK client with the guest token on its matchmaking requests (the header, never the URL). */
async function plainClient(url: string): Promise<Client> {
  const res = await fetch(`${url}/auth/guest`, { method: 'POST' });
  expect(res.status).toBe(200);
  const { token } = (await res.json()) as { token: string };
  return new Client(url, {
    fetchFn: (input: RequestInfo | URL, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    },
  } as ConstructorParameters<typeof Client>[1]);
}

/** Join, move right for a second through the input channel, and see the server move us. */
async function play(started: Started): Promise<Room<any, any>> {
  const room = await (await plainClient(started.url)).create<any>('arena', { name: 'release', private: true });
  // This client reads only the state; the room's other messages (net reports, match end) are not for it.
  room.onMessage('*', () => undefined);
  // Our roster entry comes with the first state, our body's fields (x, y) with a patch after it
  // (interest management writes them into our view): wait for the body, not the entry.
  const { x0 } = await waitFor('our body in the state', () => {
    const x = room.state?.players?.get(room.sessionId)?.x;
    return typeof x === 'number' ? { x0: x } : undefined;
  });
  let patches = 0;
  room.onStateChange(() => { patches++; });
  const input = room.input();
  const timer = setInterval(() => {
    Object.assign(input.data as object, { seq: input.sentCount + 1, moveX: 1, moveY: 0 });
    input.send();
  }, 1000 / 30);
  try {
    await waitFor('the player to move', () => (room.state.players.get(room.sessionId)?.x as number) > x0 + 50, {
      timeoutMs: 5000,
      // What to look at if it fails (twice in CI runs on 2026-12-06; the second, with this
      // description, said "from x undefined": the start was read before our body had arrived).
      describe: () => {
        const me = room.state.players.get(room.sessionId);
        return `from x ${x0} to x ${me?.x} (y ${me?.y}, alive ${me?.alive}), ${patches} patches received, ${input.sentCount} inputs sent; the server's log ends:\n${started.output().slice(-1500)}`;
      },
    });
  } finally {
    clearInterval(timer);
  }
  return room;
}

/** SIGTERM: the player is told the match ends, closed at the deadline with its scores, exit 0. */
async function drain(started: Started, room: Room<any, any>): Promise<void> {
  let closedWith: number | undefined;
  room.onLeave((code) => { closedWith = code; });
  started.child.kill('SIGTERM');
  await waitFor('the drain to close the room', () => closedWith !== undefined, { timeoutMs: DRAIN_DEADLINE_S * 1000 + 8000 });
  expect(closedWith).toBe(CLOSE_CODES.SHUTDOWN_DEADLINE);
  expect(await Promise.race([started.exited, new Promise((r) => setTimeout(() => r('still running'), 10_000))])).toBe(0);
  expect(started.output()).not.toMatch(/"level":(50|60)/);
}

function runHealthcheck(cmd: string[], env: Record<string, string>): number {
  const [node, args] = withNode22(cmd);
  try {
    execFileSync(node, args, { cwd: release, env: { PATH: '/usr/bin:/bin', ...env }, stdio: 'ignore', timeout: 10_000 });
    return 0;
  } catch (err) {
    return (err as { status?: number }).status ?? 1;
  }
}

describe('the release', () => {
  it('holds the compiled server and the release client, with production dependencies only', () => {
    expect(existsSync(path.join(release, 'dist/server/main.js'))).toBe(true);
    expect(existsSync(path.join(release, 'dist/server/main.js.map'))).toBe(true);
    expect(existsSync(path.join(release, 'dist/client/index.html'))).toBe(true);
    expect(existsSync(path.join(release, 'dist/client-debug'))).toBe(false);
    for (const name of DEV_ONLY) expect(existsSync(path.join(release, 'node_modules', name)), name).toBe(false);
    const assets = path.join(release, 'dist/client/assets');
    const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(2);
    for (const f of scripts) {
      expect(readFileSync(path.join(assets, f), 'utf8')).not.toContain('__arena');
      expect(existsSync(path.join(assets, `${f}.br`))).toBe(true);
      expect(existsSync(path.join(assets, `${f}.gz`))).toBe(true);
    }
    expect(JSON.parse(readFileSync(path.join(release, 'package.json'), 'utf8')).engines.node).toMatch(/22/);
    expect(execFileSync(NODE_22, ['--version'], { encoding: 'utf8' })).toMatch(/^v22\./);
  });

  it('runs as the container does (Dockerfile ENV, CMD, HEALTHCHECK): serves, plays, reports ready, drains on SIGTERM', async () => {
    const image = dockerfile();
    expect(image.env.NODE_ENV).toBe('production');
    // The image writes only its results database, on its volume; here a folder of the test's own.
    expect(image.env.DATA_DIR).toBe('/data');
    const env = { ...image.env, HOST: '127.0.0.1', PORT: '0', DRAIN_DEADLINE_S: String(DRAIN_DEADLINE_S), LOG_LEVEL: 'info', DATA_DIR: path.join(release, 'data-image') };
    const started = await startRelease(image.cmd, env);
    const port = new URL(started.url).port;
    const page = await fetch(`${started.url}/`, { headers: { 'accept-encoding': 'br' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(await page.text())![1]!;
    const asset = await fetch(`${started.url}/${script}`, { headers: { 'accept-encoding': 'gzip, br' } });
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('vary')).toMatch(/Accept-Encoding/i);

    const room = await play(started);
    expect(runHealthcheck(image.healthcheck, { ...env, PORT: port })).toBe(0);
    const draining = drain(started, room);
    await waitFor('the health check to fail while draining', () => runHealthcheck(image.healthcheck, { ...env, PORT: port }) !== 0, { timeoutMs: 5000, intervalMs: 200 });
    await draining;
  }, 60_000);

  it('runs as the systemd unit does (Environment=, ExecStart=): plays and drains on SIGTERM', async () => {
    const unit = systemdUnit();
    expect(unit.env.NODE_ENV).toBe('production');
    expect(unit.env.DATA_DIR).toBe('/var/lib/arena'); // the unit's StateDirectory=; here a folder of the test's own
    const started = await startRelease(unit.exec, { ...unit.env, PORT: '0', DRAIN_DEADLINE_S: String(DRAIN_DEADLINE_S), LOG_LEVEL: 'info', DATA_DIR: path.join(release, 'data-unit') });
    await drain(started, await play(started));
  }, 60_000);
});
