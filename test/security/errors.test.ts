import http from 'node:http';
import net from 'node:net';
import type { Application } from 'express';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOurReason } from '../../server/http/errors.ts';
import { loginPage, SIGN_IN_MESSAGES } from '../../server/dashboard/routes.ts';
import { SESSION_COOKIE } from '../../server/dashboard/auth.ts';
import { expectHealthy } from '../helpers/attack.ts';
import { newGuest } from '../helpers/clients.ts';
import { startTestServer } from '../helpers/server.ts';
import { DEBUG_CLIENT_DIR } from '../helpers/serverProcess.ts';

/**
 * Class 1 of issue 13: every error path of every route, in every mode, answers the fixed JSON shape
 * `{ code, error }` (a 4xx, never a 5xx here), with no stack trace, file path or library message.
 * A property-based run sends malformed paths, methods, headers, cookies, bodies and encodings to
 * every route; the examples below it are the instances the outside attack run found.
 */

const DASHBOARD_TOKEN = 'errors-dashboard-token-0123456789';
let server: Awaited<ReturnType<typeof startTestServer>>;
let guestToken: string;
let asset: string;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  // Express shows stack traces outside production, and reads NODE_ENV when the app is made:
  // start the server in the most talkative mode, with every route there is (client files,
  // dashboard, metrics token).
  const env = process.env.NODE_ENV;
  delete process.env.NODE_ENV;
  try {
    // The client the test setup always builds (a fresh clone has no release build): the same
    // static routes as the release client.
    server = await startTestServer({ clientDir: DEBUG_CLIENT_DIR, dashboardToken: DASHBOARD_TOKEN, metricsToken: 'errors-metrics-token-0123456789' });
  } finally {
    process.env.NODE_ENV = env;
  }
  guestToken = await newGuest(server.endpoint).token();
  const index = await (await fetch(`${server.endpoint}/`)).text();
  asset = /src="(\/assets\/[^"]+)"/.exec(index)?.[1] ?? '/assets/missing.js';
  process.on('unhandledRejection', onUnhandled);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  await server?.close();
});

interface Answer { status: number; headers: http.IncomingHttpHeaders; body: string }

function send(method: string, path: string, headers: Record<string, string>, body: Buffer | undefined, localAddress: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method, path, headers, localAddress, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Anything that would tell an attacker about our code: stack frames, file paths, library errors. */
const LEAK = /\bat [^\n]*:\d+:\d+|node_modules|\/work\/|[A-Za-z]+Error\b|\.[cm]?[jt]s:\d+|<pre>|Cannot (GET|POST|PUT)/;
const SIGN_IN_PAGES = Object.values(SIGN_IN_MESSAGES).map((m) => loginPage(m));

/** The class invariant, for one answer. */
function expectSafeAnswer(method: string, answer: Answer): void {
  expect(answer.headers['x-powered-by']).toBeUndefined();
  if (answer.status < 400) return;
  expect(answer.status).toBeLessThan(500);
  const type = String(answer.headers['content-type'] ?? '');
  if (type.startsWith('text/html')) {
    // The one page an error may be: the dashboard's sign-in form, for a browser, with a fixed message.
    expect(SIGN_IN_PAGES).toContain(answer.body);
    return;
  }
  expect(type).toMatch(/^application\/json/);
  if (method === 'HEAD') return;
  expect(answer.body).not.toMatch(LEAK);
  const parsed = JSON.parse(answer.body) as Record<string, unknown>;
  expect(Object.keys(parsed).sort()).toEqual(['code', 'error']);
  expect(parsed.code).toBe(answer.status);
  expect(isOurReason(String(parsed.error))).toBe(true);
}

const ROUTES = [
  '/', '/index.html', 'ASSET', '/assets/nope.js', '/favicon.ico', '/healthz', '/readyz', '/api/rooms', '/api/rooms/ABCDE',
  '/api/rooms/ABCDEFGHJK', '/metrics', '/dashboard', '/dashboard/app.js', '/dashboard/app.css', '/dashboard/events',
  '/dashboard/login', '/dashboard/logout', '/auth/guest', '/matchmake/joinOrCreate/arena', '/matchmake/create/battle',
  '/matchmake/join/arena', '/matchmake/joinById/ABCDE', '/matchmake/reconnect/ABCDE', '/matchmake/frob/arena',
  '/matchmake/joinOrCreate', '/matchmake/', '/__healthcheck', '/nope', '//', '/api',
];
const JUNK_SEGMENTS = ['%E0%A4%A', '%', '%00', '%2e%2e%2f%2e%2e%2fetc%2fpasswd', '..', '%FF%FE', 'ä', '\u{1F600}', 'x'.repeat(300), 'a%20b', '%5C'];
const QUERIES = ['', '?', '?a=%', '?token=abc', '?_authToken=x', '?a=1&a=2', '?%E0=1', '?reconnectionToken=x&sessionId=y'];

const path = fc.tuple(
  fc.constantFrom(...ROUTES),
  fc.constantFrom('none', 'append', 'replace', 'slash'),
  fc.constantFrom(...JUNK_SEGMENTS),
  fc.constantFrom(...QUERIES),
).map(([route, how, junk, query]) => {
  const base = route === 'ASSET' ? asset : route;
  const junkPath = encodeURI(junk).replace(/%25/g, '%'); // keep deliberate bad escapes as they are
  const shaped = how === 'append' ? `${base.replace(/\/$/, '')}/${junkPath}`
    : how === 'replace' ? `${base.slice(0, base.lastIndexOf('/') + 1)}${junkPath}`
      : how === 'slash' ? `${base}/` : base;
  return `${shaped}${query}`;
});

const printable = fc.stringMatching(/^[ -~]{0,60}$/);
const headers = fc.record({
  cookie: fc.option(fc.oneof(
    fc.constantFrom(`${SESSION_COOKIE}=%E0%A4%A`, `${SESSION_COOKIE}=v1.1.x`, `${SESSION_COOKIE}=v1.99999999999999.AAAA`, '=;;;', 'a=%', `${SESSION_COOKIE}=`),
    printable.map((v) => `${SESSION_COOKIE}=${v}`),
  ), { nil: undefined }),
  authorization: fc.option(fc.oneof(fc.constantFrom('Bearer x', 'Basic Zm9vOmJhcg==', 'Bearer', 'Bearer a.b.c', 'GUEST'), printable), { nil: undefined }),
  'content-type': fc.option(fc.constantFrom('application/json', 'application/x-www-form-urlencoded', 'application/x-www-form-urlencoded; charset=koi8-r',
    'text/plain', 'multipart/form-data; boundary=x', 'application/json; charset=utf-16', '*/*', ';;', 'text/xml'), { nil: undefined }),
  'content-encoding': fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'bogus', 'identity', 'gzip, gzip'), { nil: undefined }),
  'transfer-encoding': fc.option(fc.constant('chunked'), { nil: undefined }),
  accept: fc.option(fc.constantFrom('application/json', 'text/html', '*/*', 'image/png', 'text/html;q=0.1, application/json'), { nil: undefined }),
  origin: fc.option(fc.constantFrom('OWN', 'https://evil.example', 'null', 'not a url'), { nil: undefined }),
  'x-forwarded-for': fc.option(fc.constantFrom('203.0.113.7', 'garbage', '127.0.0.1, ::1, x'), { nil: undefined }),
  'x-forwarded-proto': fc.option(fc.constantFrom('https', 'gopher'), { nil: undefined }),
  guest: fc.boolean(),
});
const body = fc.option(fc.oneof(
  fc.constantFrom('{"name":"x"}', '{"name":', '[1,2,3]', 'null', '{"reconnectionToken":"x"}', '{"__proto__":{"a":1},"name":"x"}',
    `token=${'a'.repeat(3000)}`, 'a=1&b=2&c=3&d=4&e=5&f=6', 'token=x', 'x'.repeat(5000)),
  printable,
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
), { nil: undefined });
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'];

describe('every error answer, whatever is sent to any route, in every mode', () => {
  it.each(['development', 'production'])('is the fixed JSON shape, 4xx, and tells nothing about our code (Express env=%s)', async (mode) => {
    (server.security.transport.getExpressApp() as Application).set('env', mode);
    let requests = 0;
    await fc.assert(fc.asyncProperty(
      fc.constantFrom(...METHODS), path, headers, body, fc.integer({ min: 10, max: 250 }),
      async (method, target, { guest, origin, ...rest }, payload, host) => {
        const sent: Record<string, string> = {};
        for (const [name, value] of Object.entries(rest)) if (value !== undefined) sent[name] = value;
        if (origin !== undefined) sent.origin = origin === 'OWN' ? server.endpoint : origin;
        if (guest) sent.authorization = `Bearer ${guestToken}`;
        const answer = await send(method, target, sent, method === 'GET' || method === 'HEAD' ? undefined : typeof payload === 'string' ? Buffer.from(payload) : payload, `127.0.0.${host}`);
        requests++;
        expectSafeAnswer(method, answer);
      },
    // Bounded in runs and time (2.5 s a mode even on a loaded machine): 150 requests a mode reach every
    // route with every kind of malformation; deeper runs (3,000 a mode) found nothing more.
    ), { numRuns: 150, interruptAfterTimeLimit: 2500 });
    expect(requests).toBeGreaterThan(50);
    await expectHealthy(server.endpoint);
  });
});

describe('the instances the attack run found', () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  it.each<[string, string, string, Record<string, string>, string | undefined, number]>([
    ['a malformed session cookie on the dashboard page', 'GET', '/dashboard', { cookie: `${SESSION_COOKIE}=%E0%A4%A`, accept: 'application/json' }, undefined, 200],
    ['a malformed session cookie on the event stream', 'GET', '/dashboard/events', { cookie: `${SESSION_COOKIE}=%E0%A4%A` }, undefined, 401],
    ['a malformed session cookie on the script', 'GET', '/dashboard/app.js', { cookie: `${SESSION_COOKIE}=%E0%A4%A` }, undefined, 401],
    ['a room code that is not valid percent-encoding', 'GET', '/api/rooms/%E0%A4%A', {}, undefined, 400],
    ['a 3 KB sign-in form', 'POST', '/dashboard/login', form, `token=${'a'.repeat(3000)}`, 413],
    ['a sign-in form with 6 parameters', 'POST', '/dashboard/login', form, 'a=1&b=2&c=3&d=4&e=5&f=6', 413],
    ['a sign-in form in an unsupported charset', 'POST', '/dashboard/login', { 'content-type': 'application/x-www-form-urlencoded; charset=koi8-r' }, 'token=x', 415],
    ['a sign-in form with a bogus Content-Encoding', 'POST', '/dashboard/login', { ...form, 'content-encoding': 'bogus' }, 'token=x', 415],
    ['a method a route does not serve', 'PUT', '/healthz', {}, undefined, 405],
    ['a matchmaking route asked with GET', 'GET', '/matchmake/joinOrCreate/arena', {}, undefined, 405],
    ['a path nothing serves', 'GET', '/nope', {}, undefined, 404],
    ['a matchmaking method that does not exist', 'POST', '/matchmake/frob/arena', { 'content-type': 'application/json', authorization: 'GUEST' }, '{}', 404],
    ['a room type that does not exist', 'POST', '/matchmake/joinOrCreate/nope', { 'content-type': 'application/json', authorization: 'GUEST' }, '{"name":"a"}', 404],
    ['matchmaking with malformed JSON', 'POST', '/matchmake/joinOrCreate/arena', { 'content-type': 'application/json', authorization: 'GUEST' }, '{"name":', 400],
  ])('%s', async (_what, method, target, extra, payload, status) => {
    const sent = { ...extra };
    if (sent.authorization === 'GUEST') sent.authorization = `Bearer ${guestToken}`;
    const answer = await send(method, target, sent, payload === undefined ? undefined : Buffer.from(payload), '127.0.0.1');
    expect(answer.status).toBe(status);
    expectSafeAnswer(method, answer);
    if (status === 405) expect(answer.headers.allow).toBe(target.startsWith('/matchmake/') ? 'POST, OPTIONS' : 'GET, HEAD');
  });

  it('a Content-Length shorter than the body on /matchmake is answered, and nothing is left unhandled', async () => {
    const raw = (text: string) => new Promise<string>((resolve) => {
      const socket = net.connect(server.port, '127.0.0.1', () => socket.write(text));
      let out = '';
      socket.on('data', (d) => { out += d; });
      socket.on('close', () => resolve(out));
      socket.on('error', () => resolve(out));
    });
    for (let i = 0; i < 5; i++) {
      const out = await raw(`POST /matchmake/joinOrCreate/arena HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${guestToken}\r\nContent-Type: application/json\r\nContent-Length: 5\r\n\r\n{"name":"abc"}`);
      expect(out).toMatch(/^HTTP\/1\.1 400 /);
      expect(out).not.toMatch(LEAK);
    }
    await expectHealthy(server.endpoint);
    expect(unhandled).toEqual([]);
  });
});
