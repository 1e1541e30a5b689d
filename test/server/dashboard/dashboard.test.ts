import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/config.ts';
import { issueSession, readCookie, SESSION_COOKIE, SESSION_TTL_MS, sessionValid } from '../../../server/dashboard/auth.ts';
import { createArena, joinArenaById, leaveAll, type ArenaRoom } from '../../helpers/clients.ts';
import { startTestServer } from '../../helpers/server.ts';

const TOKEN = 'dashboard-secret-0123456789';
const METRICS_TOKEN = 'metrics-secret-0123456789';
let server: Awaited<ReturnType<typeof startTestServer>>;
const rooms: ArenaRoom[] = [];

beforeAll(async () => {
  server = await startTestServer({ dashboardToken: TOKEN, metricsToken: METRICS_TOKEN });
});
afterAll(async () => {
  await leaveAll(rooms);
  await server?.close();
});

function login(token: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${server.endpoint}/dashboard/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams({ token }).toString(),
  });
}

/** Read server-sent events until `enough` says stop (bounded by time). */
async function readEvents(res: Response, enough: (events: Array<{ event: string; data: unknown }>) => boolean, timeoutMs = 8000) {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const events: Array<{ event: string; data: unknown }> = [];
  let buffer = '';
  const deadline = Date.now() + timeoutMs;
  try {
    while (!enough(events)) {
      if (Date.now() > deadline) throw new Error(`timed out with ${events.length} events`);
      const chunk = await Promise.race([reader.read(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no data')), timeoutMs))]);
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, { stream: true });
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) events.push({ event, data: JSON.parse(data) });
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return events;
}

describe('dashboard sign-in', () => {
  it('shows only a sign-in form, and refuses data and script, without a session', async () => {
    const page = await fetch(`${server.endpoint}/dashboard`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('action="/dashboard/login"');
    expect(html).not.toContain('/dashboard/app.js');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect((await fetch(`${server.endpoint}/dashboard/events`)).status).toBe(401);
    expect((await fetch(`${server.endpoint}/dashboard/app.js`)).status).toBe(401);
    const forged = `${SESSION_COOKIE}=${issueSession('some-other-token-123456')}`;
    expect((await fetch(`${server.endpoint}/dashboard/events`, { headers: { cookie: forged } })).status).toBe(401);
  });

  it('refuses a wrong token and a cross-site form post', async () => {
    const wrong = await login('not-the-token-at-all');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const crossSite = await login(TOKEN, { origin: 'https://evil.example' });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
  });

  it('signs in with the token in a form body and sets a strict, HttpOnly session cookie', async () => {
    const res = await login(TOKEN, { origin: server.endpoint });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/dashboard');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(new RegExp(`^${SESSION_COOKIE}=v1\\.`));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/dashboard/);
    expect(cookie).not.toContain(TOKEN);
    const session = cookie.split(';')[0]!;
    const page = await (await fetch(`${server.endpoint}/dashboard`, { headers: { cookie: session } })).text();
    expect(page).toContain('/dashboard/app.js');
    const script = await fetch(`${server.endpoint}/dashboard/app.js`, { headers: { cookie: session } });
    expect(script.status).toBe(200);
    expect(await script.text()).toContain("new EventSource('/dashboard/events')");
  });
});

describe('dashboard event stream', () => {
  it('streams live samples (CCU, rooms, ticks, bandwidth, room list) to a signed-in viewer', async () => {
    const a = await createArena(server.endpoint, { name: 'watched', private: true });
    rooms.push(a, await joinArenaById(server.endpoint, a.roomId, { name: 'second' }));
    const cookie = (await login(TOKEN)).headers.get('set-cookie')!.split(';')[0]!;
    const res = await fetch(`${server.endpoint}/dashboard/events`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readEvents(res, (evs) => evs.filter((e) => e.event === 'sample').length >= 2);
    expect(events[0]!.event).toBe('history');
    const sample = events.filter((e) => e.event === 'sample').at(-1)!.data as Record<string, any>;
    expect(sample.ccu).toBe(2);
    expect(sample.rooms).toBe(1);
    expect(sample.bytesOutPerSec).toBeGreaterThan(0);
    expect(sample.tickMsP99).toBeGreaterThan(0);
    expect(sample.tickMsP99).toBeGreaterThanOrEqual(sample.tickMsP50);
    expect(sample.eventLoopMsP99).toBeGreaterThanOrEqual(0);
    expect(sample.rssBytes).toBeGreaterThan(1e6);
    expect(sample.roomList).toEqual([expect.objectContaining({ code: a.roomId, clients: 2, maxClients: 16, private: true, mapId: 'arena' })]);
  });

  it('accepts the token as a bearer header (scripts, fetch-based viewers)', async () => {
    const res = await fetch(`${server.endpoint}/dashboard/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(200);
    const events = await readEvents(res, (evs) => evs.some((e) => e.event === 'sample'));
    expect(events.some((e) => e.event === 'sample')).toBe(true);
  });

  it('protects /metrics with its own bearer token when one is configured', async () => {
    expect((await fetch(`${server.endpoint}/metrics`)).status).toBe(401);
    expect((await fetch(`${server.endpoint}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(401);
    const ok = await fetch(`${server.endpoint}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('game_connected_clients');
  });
});

describe('dashboard auth pieces', () => {
  it('sessions expire and cannot be altered', () => {
    const now = 1_000_000;
    const session = issueSession(TOKEN, now);
    expect(sessionValid(session, TOKEN, now + 1000)).toBe(true);
    expect(sessionValid(session, TOKEN, now + SESSION_TTL_MS + 1)).toBe(false);
    expect(sessionValid(session, 'another-token-0123456789', now)).toBe(false);
    const [v, expiry, mac] = session.split('.');
    expect(sessionValid(`${v}.${Number(expiry) + 1000}.${mac}`, TOKEN, now)).toBe(false);
    expect(sessionValid('garbage', TOKEN, now)).toBe(false);
  });

  it('reads a cookie that is not valid percent-encoding as it is, without throwing', () => {
    const req = (cookie: string) => ({ headers: { cookie } }) as unknown as Parameters<typeof readCookie>[0];
    expect(readCookie(req(`${SESSION_COOKIE}=%E0%A4%A`), SESSION_COOKIE)).toBe('%E0%A4%A');
    expect(readCookie(req(`a=1; ${SESSION_COOKIE}=v1.%31`), SESSION_COOKIE)).toBe('v1.1');
    expect(readCookie(req('a=%'), SESSION_COOKIE)).toBeUndefined();
  });

  it('refuses short tokens in configuration', () => {
    expect(() => loadConfig({ DASHBOARD_TOKEN: 'short' })).toThrow(/at least 16/);
    expect(loadConfig({}).dashboardToken).toBeNull();
    expect(loadConfig({ DASHBOARD_TOKEN: TOKEN }).dashboardToken).toBe(TOKEN);
  });
});
