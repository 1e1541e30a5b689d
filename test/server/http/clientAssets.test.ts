import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IMMUTABLE_CACHE_CONTROL, REVALIDATE_CACHE_CONTROL } from '../../../server/http/clientAssets.ts';
import { httpFrom } from '../../helpers/attack.ts';
import { startTestServer } from '../../helpers/server.ts';
import { DEBUG_CLIENT_DIR } from '../../helpers/serverProcess.ts';

/**
 * The built client as the server sends it (server/http/clientAssets.ts, securityHeaders.ts):
 * precompressed copies by Accept-Encoding with Vary, caching by kind of file, and the security
 * headers. Served from the build `npm test` makes (same pipeline as the release, plus the test hook).
 */
const PAGE_ORIGIN = 'https://game.example';
const PUBLIC_ADDRESS = 'p7.game.example/p7';
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  server = await startTestServer({ clientDir: DEBUG_CLIENT_DIR, security: { allowedOrigins: [PAGE_ORIGIN] }, operations: { publicAddress: PUBLIC_ADDRESS } });
});
afterAll(async () => {
  await server?.close();
});

/** The largest script of the build (the Phaser chunk): raw bytes and its URL path. */
function largestScript(): { urlPath: string; bytes: Buffer } {
  const assets = path.join(DEBUG_CLIENT_DIR, 'assets');
  const name = readdirSync(assets).filter((f) => f.endsWith('.js')).sort((a, b) => statSync(path.join(assets, b)).size - statSync(path.join(assets, a)).size)[0]!;
  return { urlPath: `/assets/${name}`, bytes: readFileSync(path.join(assets, name)) };
}

async function get(urlPath: string, acceptEncoding?: string, origin?: string) {
  const headers: Record<string, string> = {};
  if (acceptEncoding !== undefined) headers['accept-encoding'] = acceptEncoding;
  if (origin !== undefined) headers.origin = origin;
  // node:http, not fetch: fetch always asks for compression and decodes it.
  return httpFrom('127.0.0.1', `${server.endpoint}${urlPath}`, { headers });
}

describe('the client, compressed and cached', () => {
  it('sends the brotli copy when accepted (even listed after gzip), gzip when only it is, identity otherwise; the bytes decode to the file', async () => {
    const { urlPath, bytes } = largestScript();
    const chromium = await get(urlPath, 'gzip, deflate, br, zstd');
    expect(chromium.status).toBe(200);
    expect(chromium.headers['content-encoding']).toBe('br');
    expect(chromium.headers['content-type']).toMatch(/javascript/);
    expect(brotliDecompressSync(chromium.raw).equals(bytes)).toBe(true);
    expect(chromium.raw.length).toBeLessThan(bytes.length / 3);

    const gzipOnly = await get(urlPath, 'gzip');
    expect(gzipOnly.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzipOnly.raw).equals(bytes)).toBe(true);

    const refusesBrotli = await get(urlPath, 'br;q=0, gzip');
    expect(refusesBrotli.headers['content-encoding']).toBe('gzip');

    for (const plain of [await get(urlPath), await get(urlPath, 'identity')]) {
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.raw.equals(bytes)).toBe(true);
    }
  });

  it('says the response varies by Accept-Encoding and by Origin (the CORS header echoes it)', async () => {
    const { urlPath } = largestScript();
    const res = await get(urlPath, 'br', PAGE_ORIGIN);
    const vary = String(res.headers.vary).toLowerCase().split(/\s*,\s*/);
    expect(vary).toEqual(expect.arrayContaining(['accept-encoding', 'origin']));
    const page = await get('/', 'gzip');
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(String(page.headers.vary).toLowerCase()).toContain('accept-encoding');
  });

  it('caches hashed assets for a year and revalidates the page', async () => {
    const { urlPath } = largestScript();
    expect((await get(urlPath, 'br')).headers['cache-control']).toBe(IMMUTABLE_CACHE_CONTROL);
    expect(IMMUTABLE_CACHE_CONTROL).toBe('public, max-age=31536000, immutable');
    for (const page of ['/', '/index.html']) expect((await get(page, 'br')).headers['cache-control']).toBe(REVALIDATE_CACHE_CONTROL);
  });

  it('does not serve source maps, compressed copies by name, or anything for a malformed path', async () => {
    const { urlPath } = largestScript();
    expect((await get(`${urlPath}.map`)).status).toBe(404);
    expect((await get('/%E0%A4%A')).status).toBe(404);
    expect((await get(`${urlPath}.br`)).status).toBe(404);
    expect((await get(`${urlPath}.gz`)).status).toBe(404);
  });
});

describe('security headers', () => {
  it('puts a CSP on the page: scripts and styles from self only, WebSockets to the allowed origins and PUBLIC_ADDRESS', async () => {
    const page = await get('/', 'br');
    const csp = Object.fromEntries(String(page.headers['content-security-policy']).split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values];
    }));
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['style-src']).toEqual(["'self'"]);
    expect(csp['default-src']).toEqual(["'self'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['connect-src']).toEqual(["'self'", 'wss://game.example', 'wss://p7.game.example', 'ws://p7.game.example']);
    expect(csp['upgrade-insecure-requests']).toBeUndefined();
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['cross-origin-opener-policy']).toBe('same-origin');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['x-powered-by']).toBeUndefined();
  });
});
