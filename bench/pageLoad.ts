/**
 * `npm run bench:pageload -- [--url URL --cert FILE] [--runs N] [--json FILE]`: how fast the game page gets a
 * player into a match on a slow link, in real Chromium (Debian's, headless) with the network
 * throttled by the DevTools protocol (1.6 Mbit/s down, 750 kbit/s up, 150 ms latency: Lighthouse's
 * "slow 4G" profile). Each run uses a fresh browser profile (a first visit, nothing cached), then
 * visits again in the same profile (a returning player). Printed per run and as medians:
 *
 * - bytes over the wire: every HTTP response's encoded size (headers included) until the first
 *   arena frame; and of it, JavaScript;
 * - time to an interactive lobby: from navigation start until the name field and the buttons work;
 * - time to the first arena frame, when the player clicks Quick play the moment the lobby works
 *   (the worst case) and after typing a name for TYPING_MS (the usual case), from navigation start
 *   and from the click.
 *
 * Without `--url` it serves this checkout's release build (`npm run build` first) over HTTPS with
 * a throwaway certificate, as production would (browsers only ask for brotli over HTTPS). With
 * `--url`, `--cert FILE` names the server's certificate. Chromium is told to trust that one
 * certificate (by its public key), not to ignore certificate errors: it keeps nothing in its HTTP
 * cache from a site with an invalid certificate, which would make every return visit a first one.
 * A benchmark, not a test: it prints numbers and asserts nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { CDPSession, Page } from 'playwright-core';
import { launchBrowser } from '../tools/chromium.ts';
import { makeSelfSignedCert } from '../tools/selfSigned.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const LINK = { latencyMs: 150, downKbps: 1600, upKbps: 750 };
/** How long "typing a name" takes in the second scenario. */
const TYPING_MS = 2000;
/** A page that is not in a match by then is counted as failed, not waited for. */
const STEP_TIMEOUT_MS = 60_000;
/** Performance marks the client sets (game-client/ui/marks.ts). */
const LOBBY_MARK = 'arena:lobby-interactive';
const FRAME_MARK = 'arena:first-frame';

interface Visit {
  bytes: number;
  jsBytes: number;
  requests: number;
  lobbyMs: number;
  firstFrameMs?: number;
  clickToFrameMs?: number;
}

/** Sum what crosses the wire for one page (CDP's encodedDataLength: headers and compressed body). */
function meter(cdp: CDPSession) {
  const types = new Map<string, string>();
  const totals = { bytes: 0, jsBytes: 0, requests: 0 };
  cdp.on('Network.responseReceived', (e) => types.set(e.requestId, e.type));
  cdp.on('Network.loadingFinished', (e) => {
    totals.bytes += e.encodedDataLength;
    totals.requests += 1;
    if (types.get(e.requestId) === 'Script') totals.jsBytes += e.encodedDataLength;
  });
  return { snapshot: () => ({ ...totals }), reset: () => { totals.bytes = 0; totals.jsBytes = 0; totals.requests = 0; } };
}

/** When the lobby works, in ms since navigation start: the client's mark, or (builds without marks) the first moment its Quick play button exists and is enabled. */
async function lobbyInteractive(page: Page): Promise<number> {
  return (await page.waitForFunction((mark) => {
    const m = performance.getEntriesByName(mark)[0];
    if (m) return m.startTime;
    const button = document.querySelector<HTMLButtonElement>('#quick-play');
    return button && !button.disabled ? performance.now() : false;
  }, LOBBY_MARK, { timeout: STEP_TIMEOUT_MS, polling: 10 })).jsonValue() as Promise<number>;
}

/**
 * When the arena drew its first frame, in ms since navigation start: the client's mark, or (builds
 * from before the marks, kept for the README's before/after comparison) the first poll that finds
 * the arena scene running through that build's debug hook.
 */
async function firstArenaFrame(page: Page): Promise<number> {
  return (await page.waitForFunction((mark) => {
    const m = performance.getEntriesByName(mark)[0];
    if (m) return m.startTime;
    const game = (window as unknown as { __arena?: { game?: { scene: { isActive(key: string): boolean } } } }).__arena?.game;
    return game?.scene.isActive('arena') ? performance.now() : false;
  }, FRAME_MARK, { timeout: STEP_TIMEOUT_MS, polling: 10 })).jsonValue() as Promise<number>;
}

async function visit(page: Page, cdp: CDPSession, url: string, typingMs: number | null): Promise<Visit> {
  const m = meter(cdp);
  await page.goto(url, { waitUntil: 'commit', timeout: STEP_TIMEOUT_MS });
  const lobbyMs = await lobbyInteractive(page);
  if (typingMs === null) return { ...m.snapshot(), lobbyMs };
  await page.fill('#name', 'bench');
  if (typingMs > 0) await page.waitForTimeout(typingMs);
  const clickAt = await page.evaluate(() => performance.now());
  await page.click('#quick-play');
  const firstFrameMs = await firstArenaFrame(page);
  return { ...m.snapshot(), lobbyMs, firstFrameMs, clickToFrameMs: firstFrameMs - clickAt };
}

async function throttledPage(context: Awaited<ReturnType<typeof launchBrowser>>['context']): Promise<{ page: Page; cdp: CDPSession }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: LINK.latencyMs,
    downloadThroughput: (LINK.downKbps * 1000) / 8,
    uploadThroughput: (LINK.upKbps * 1000) / 8,
  });
  return { page, cdp };
}

/** Chromium's flag that trusts exactly this certificate (the SHA-256 of its public key). */
function trustFlag(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  return `--ignore-certificate-errors-spki-list=${createHash('sha256').update(spki).digest('base64')}`;
}

/** One first visit and one return visit, in a fresh profile. */
async function run(url: string, certPem: string, typingMs: number): Promise<{ first: Visit; again: Visit }> {
  const browser = await launchBrowser({ extraArgs: [trustFlag(certPem)] });
  try {
    const { page, cdp } = await throttledPage(browser.context);
    const first = await visit(page, cdp, url, typingMs);
    await page.goto('about:blank');
    const again = await visit(page, cdp, url, null);
    return { first, again };
  } finally {
    await browser.close();
  }
}

/** This checkout's release build over HTTPS on a free port; resolves with its URL. */
async function serveRelease(): Promise<{ url: string; certPem: string; stop(): void }> {
  const cert = makeSelfSignedCert();
  const child: ChildProcess = spawn(process.execPath, ['dist/server/main.js'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', TLS_CERT_FILE: cert.certPath, TLS_KEY_FILE: cert.keyPath, RATE_LIMIT_EXEMPT_IPS: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const found = /open (https:\/\/\S+\/) in your browser/.exec(out);
      if (found) resolve(found[1]!.replace('localhost', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`dist/server/main.js exited (${code}); run npm run build first`)));
  });
  return { url, certPem: cert.certPem, stop: () => { child.kill('SIGINT'); cert.remove(); } };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const kB = (n: number) => `${(n / 1000).toFixed(1)} kB`;
const s = (ms: number | undefined) => (ms === undefined ? '–' : `${(ms / 1000).toFixed(2)} s`);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { url: { type: 'string' }, cert: { type: 'string' }, runs: { type: 'string', default: '3' }, json: { type: 'string' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 20) throw new Error('--runs must be 1 to 20');
  if (values.url && !values.cert) throw new Error('--url needs --cert FILE: the server\'s certificate (PEM)');
  const served = values.url ? undefined : await serveRelease();
  const url = values.url ?? served!.url;
  const certPem = values.cert ? readFileSync(values.cert, 'utf8') : served!.certPem;
  process.stdout.write(`page load: ${url}, ${runs} run(s) per scenario, link ${LINK.downKbps} kbit/s down, ${LINK.upKbps} kbit/s up, ${LINK.latencyMs} ms\n`);
  const results: Record<string, Array<{ first: Visit; again: Visit }>> = { immediate: [], typing: [] };
  try {
    for (let i = 0; i < runs; i++) {
      for (const [scenario, typingMs] of [['immediate', 0], ['typing', TYPING_MS]] as const) {
        const r = await run(url, certPem, typingMs);
        results[scenario]!.push(r);
        process.stdout.write(`  ${scenario.padEnd(9)} run ${i + 1}: ${kB(r.first.bytes)} (JS ${kB(r.first.jsBytes)}, ${r.first.requests} requests), lobby ${s(r.first.lobbyMs)}, first arena frame ${s(r.first.firstFrameMs)} (${s(r.first.clickToFrameMs)} after the click); again: ${kB(r.again.bytes)}, lobby ${s(r.again.lobbyMs)}\n`);
      }
    }
  } finally {
    served?.stop();
  }
  const pick = (scenario: string, f: (r: { first: Visit; again: Visit }) => number | undefined) => median(results[scenario]!.map(f).filter((x): x is number => x !== undefined));
  const summary = {
    url, link: LINK, runs, typingMs: TYPING_MS,
    firstVisitBytes: pick('immediate', (r) => r.first.bytes),
    firstVisitJsBytes: pick('immediate', (r) => r.first.jsBytes),
    lobbyInteractiveMs: pick('immediate', (r) => r.first.lobbyMs),
    firstArenaFrameImmediateMs: pick('immediate', (r) => r.first.firstFrameMs),
    firstArenaFrameAfterTypingClickToFrameMs: pick('typing', (r) => r.first.clickToFrameMs),
    returnVisitBytes: pick('immediate', (r) => r.again.bytes),
    returnVisitLobbyMs: pick('immediate', (r) => r.again.lobbyMs),
    results,
  };
  process.stdout.write([
    'medians:',
    `  bytes over the wire, first visit: ${kB(summary.firstVisitBytes)} (JavaScript ${kB(summary.firstVisitJsBytes)}); return visit: ${kB(summary.returnVisitBytes)}`,
    `  interactive lobby: ${s(summary.lobbyInteractiveMs)} (return visit ${s(summary.returnVisitLobbyMs)})`,
    `  first arena frame, Quick play clicked at once: ${s(summary.firstArenaFrameImmediateMs)} after navigation`,
    `  first arena frame, Quick play clicked after ${TYPING_MS / 1000} s of typing: ${s(summary.firstArenaFrameAfterTypingClickToFrameMs)} after the click`,
    '',
  ].join('\n'));
  if (values.json) writeFileSync(values.json, `${JSON.stringify(summary, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? err}\n`);
  process.exit(1);
});
