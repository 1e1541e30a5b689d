import { randomInt } from 'node:crypto';
import { matchMaker } from '@colyseus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRIVATE_ROOM_CODE_CHARS, ROOM_CODE_ALPHABET } from '../../shared/limits.ts';
import { issueSession, SESSION_COOKIE } from '../../server/dashboard/auth.ts';
import { counterValue, secretAttemptsTotal } from '../../server/observability/metrics.ts';
import { GUESS_LIMITS, PRIVATE_CODE_THREAT, type SecretKind } from '../../server/security/limits.ts';
import { dropConnection, type HonestPlayer, honestPlayer, httpFrom, localRoom } from '../helpers/attack.ts';
import { joinRaw, newGuest, openRawSocket, reconnectionTokenOf, roomSocketUrl } from '../helpers/clients.ts';
import { metricValue, scrape } from '../helpers/metrics.ts';
import { startTestServer } from '../helpers/server.ts';
import { sleep, waitFor } from '../helpers/wait.ts';
import { tamper } from '../helpers/tokens.ts';

/**
 * Class 3 of issue 13: everything that confirms or spends a secret is limited per address and
 * for everyone together, a failed guess costs and a right one does not, a refused attempt is
 * refused before the secret is checked (so it tells nothing), and every attempt is in /metrics.
 */

const DASHBOARD_TOKEN = 'guessing-dashboard-token-0123456789';
const METRICS_TOKEN = 'guessing-metrics-token-0123456789';
let server: Awaited<ReturnType<typeof startTestServer>>;
let honest: HonestPlayer;
let code: string;
let guestToken: string;

beforeAll(async () => {
  server = await startTestServer({ dashboardToken: DASHBOARD_TOKEN, metricsToken: METRICS_TOKEN });
  honest = await honestPlayer(server.endpoint);
  code = honest.room.roomId;
  guestToken = await newGuest(server.endpoint).token();
});
afterAll(async () => {
  await honest?.stop();
  await server?.close();
});

function randomCode(): string {
  let c = '';
  for (let i = 0; i < PRIVATE_ROOM_CODE_CHARS; i++) c += ROOM_CODE_ALPHABET[randomInt(ROOM_CODE_ALPHABET.length)];
  return c;
}

const json = { 'content-type': 'application/json' };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** A member of the honest room whose connection dropped: its seat is held, its token good for a while. */
async function heldSeat(): Promise<{ sessionId: string; token: string }> {
  const raw = await joinRaw(server.endpoint, { room: { method: 'joinById', nameOrId: code }, join: { name: 'held' } });
  await waitFor('member in', () => honest.room.state.players.get(raw.seat.sessionId));
  dropConnection(code, raw.seat.sessionId);
  await raw.closed;
  // The client may see its socket gone before the room has decided to hold the seat.
  const reserved = () => (localRoom(code) as unknown as { _reservedSeats: Record<string, unknown[]> })._reservedSeats[raw.seat.sessionId];
  await waitFor('seat held', () => reserved()?.[3] === true);
  return { sessionId: raw.seat.sessionId, token: reconnectionTokenOf(raw) };
}

/** A WebSocket reconnection from `from`: 101 and a join (then left), or the refusal's status / close code. */
async function wsReconnect(from: string, sessionId: string, token: string): Promise<number> {
  const raw = openRawSocket(roomSocketUrl(server.endpoint, { processId: matchMaker.processId, roomId: code, sessionId }, { reconnectionToken: token }), { localAddress: from });
  try {
    await raw.opened;
  } catch (err) {
    return (err as { status?: number }).status ?? 0;
  }
  const joined = await Promise.race([waitFor('join message', () => raw.received.some((b) => b[0] === 10), { timeoutMs: 3000 }).then(() => true), raw.closed.then(() => false)]);
  if (!joined) return raw.closed;
  raw.ws.send(Buffer.from([10])); // acknowledge, as the SDK does
  await waitFor('reconnected', () => honest.room.state.players.get(sessionId));
  raw.ws.close(4000);
  await raw.closed;
  return 101;
}

interface Row {
  kind: SecretKind;
  via: string;
  /** A wrong guess from `from`: its status (or close code). */
  wrong(from: string): Promise<number>;
  wrongStatus: number;
  /** The right secret from `from`: its status. */
  right(from: string): Promise<number>;
  rightStatus: number;
}

const status = (p: Promise<{ status: number }>) => p.then((r) => r.status);

const rows: Row[] = [
  {
    kind: 'room_code', via: 'GET /api/rooms/{code}', wrongStatus: 404, rightStatus: 200,
    wrong: (from) => status(httpFrom(from, `${server.endpoint}/api/rooms/${randomCode()}`)),
    right: (from) => status(httpFrom(from, `${server.endpoint}/api/rooms/${code}`)),
  },
  {
    kind: 'room_code', via: 'POST /matchmake/joinById/{code}', wrongStatus: 404, rightStatus: 200,
    wrong: (from) => status(httpFrom(from, `${server.endpoint}/matchmake/joinById/${randomCode()}`, { method: 'POST', headers: { ...json, ...bearer(guestToken) }, body: '{"name":"g"}' })),
    right: (from) => status(httpFrom(from, `${server.endpoint}/matchmake/joinById/${code}`, { method: 'POST', headers: { ...json, ...bearer(guestToken) }, body: '{"name":"g"}' })),
  },
  {
    kind: 'reconnection_token', via: 'POST /matchmake/reconnect/{room}', wrongStatus: 404, rightStatus: 200,
    wrong: (from) => status(httpFrom(from, `${server.endpoint}/matchmake/reconnect/${code}`, { method: 'POST', headers: { ...json, ...bearer(guestToken) }, body: '{"reconnectionToken":"WRONGWRONG"}' })),
    right: async (from) => {
      const held = await heldSeat();
      return status(httpFrom(from, `${server.endpoint}/matchmake/reconnect/${code}`, { method: 'POST', headers: { ...json, ...bearer(guestToken) }, body: JSON.stringify({ reconnectionToken: held.token }) }));
    },
  },
  {
    kind: 'reconnection_token', via: 'a WebSocket carrying a reconnection token', wrongStatus: 4003, rightStatus: 101,
    wrong: async (from) => wsReconnect(from, (await heldSeatOnce()).sessionId, 'WRONGWRONG'),
    right: async (from) => {
      const held = await heldSeat();
      return wsReconnect(from, held.sessionId, held.token);
    },
  },
  {
    kind: 'guest_token', via: 'the bearer token of matchmaking', wrongStatus: 401, rightStatus: 200,
    wrong: (from) => status(httpFrom(from, `${server.endpoint}/matchmake/joinById/${code}`, { method: 'POST', headers: { ...json, ...bearer(tamper(guestToken)) }, body: '{"name":"g"}' })),
    right: (from) => status(httpFrom(from, `${server.endpoint}/matchmake/joinById/${code}`, { method: 'POST', headers: { ...json, ...bearer(guestToken) }, body: '{"name":"g"}' })),
  },
  {
    kind: 'dashboard_token', via: 'POST /dashboard/login', wrongStatus: 401, rightStatus: 303,
    wrong: (from) => status(httpFrom(from, `${server.endpoint}/dashboard/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=not-the-token-0123456789' })),
    right: (from) => status(httpFrom(from, `${server.endpoint}/dashboard/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${DASHBOARD_TOKEN}` })),
  },
  {
    kind: 'dashboard_token', via: 'the dashboard session cookie', wrongStatus: 401, rightStatus: 200,
    wrong: (from) => status(httpFrom(from, `${server.endpoint}/dashboard/app.js`, { headers: { cookie: `${SESSION_COOKIE}=${issueSession('some-other-token-0123456789')}` } })),
    right: (from) => status(httpFrom(from, `${server.endpoint}/dashboard/app.js`, { headers: { cookie: `${SESSION_COOKIE}=${issueSession(DASHBOARD_TOKEN)}` } })),
  },
  {
    kind: 'dashboard_token', via: 'the dashboard bearer token', wrongStatus: 401, rightStatus: 200,
    wrong: (from) => status(httpFrom(from, `${server.endpoint}/dashboard/app.js`, { headers: bearer('not-the-token-0123456789') })),
    right: (from) => status(httpFrom(from, `${server.endpoint}/dashboard/app.js`, { headers: bearer(DASHBOARD_TOKEN) })),
  },
  {
    kind: 'metrics_token', via: 'the /metrics bearer token', wrongStatus: 401, rightStatus: 200,
    wrong: (from) => status(httpFrom(from, `${server.endpoint}/metrics`, { headers: bearer('not-the-token-0123456789') })),
    right: (from) => status(httpFrom(from, `${server.endpoint}/metrics`, { headers: bearer(METRICS_TOKEN) })),
  },
];

let sharedHeld: Promise<{ sessionId: string; token: string }> | undefined;
/** One held seat for all wrong WebSocket guesses (they never take it). */
function heldSeatOnce() {
  sharedHeld ??= heldSeat();
  return sharedHeld;
}

async function attempts(kind: SecretKind): Promise<Record<'ok' | 'failed' | 'refused', number>> {
  const of = (outcome: string) => counterValue(secretAttemptsTotal, { secret: kind, outcome });
  return { ok: await of('ok'), failed: await of('failed'), refused: await of('refused') };
}

describe('every secret has a guessing budget per address', () => {
  it.each(rows.map((row, i) => [row.via, row.kind, row, i] as const))('%s (%s)', async (_via, kind, row, i) => {
    const attacker = `127.0.1.${10 + i}`;
    const neighbour = `127.0.2.${10 + i}`;
    const { burst } = GUESS_LIMITS[kind].perAddressFailures;
    const before = await attempts(kind);
    // Right answers cost nothing: they only confirm what the client knew.
    for (let n = 0; n < 2; n++) expect(await row.right(attacker)).toBe(row.rightStatus);
    for (let n = 0; n < burst; n++) expect(await row.wrong(attacker)).toBe(row.wrongStatus);
    // Over budget: refused before the secret is looked at, so the right secret is refused too.
    expect(await row.wrong(attacker)).toBe(429);
    expect(await row.right(attacker)).toBe(429);
    // Everyone else is unaffected.
    expect(await row.right(neighbour)).toBe(row.rightStatus);
    const after = await attempts(kind);
    expect(after.failed - before.failed).toBe(burst);
    expect(after.refused - before.refused).toBeGreaterThanOrEqual(2);
    expect(after.ok - before.ok).toBeGreaterThanOrEqual(3);
  });

  it('a refusal carries the true wait: Retry-After is when the next guess will be let through', async () => {
    const attacker = '127.0.3.10';
    const { burst, ratePerS } = GUESS_LIMITS.room_code.perAddressFailures;
    for (let n = 0; n < burst; n++) await httpFrom(attacker, `${server.endpoint}/api/rooms/${randomCode()}`);
    const refused = await httpFrom(attacker, `${server.endpoint}/api/rooms/${code}`);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toEqual({ code: 429, error: 'too_many_guesses' });
    // One failed guess' worth of refill, in whole seconds (0.2/s: 5 s), not a fixed guess.
    expect(Number(refused.headers['retry-after'])).toBe(Math.ceil(1 / ratePerS));
    // What operators see: every kind and outcome in /metrics.
    const samples = await scrape(server.endpoint, bearer(METRICS_TOKEN));
    expect(metricValue(samples, 'game_secret_attempts_total', { secret: 'room_code', outcome: 'refused' })).toBeGreaterThanOrEqual(1);
    expect(metricValue(samples, 'game_secret_attempts_total', { secret: 'room_code', outcome: 'failed' })).toBeGreaterThanOrEqual(burst);
    expect(metricValue(samples, 'game_security_rejections_total', { stage: 'http', reason: 'too_many_guesses' })).toBeGreaterThanOrEqual(1);
  });
});

describe('all addresses together have a budget too', () => {
  it('many addresses, each under its own budget, cannot go on guessing room codes; the true wait lets the next one in', async () => {
    const { burst, ratePerS } = GUESS_LIMITS.room_code.globalFailures;
    const perAddress = GUESS_LIMITS.room_code.perAddressFailures.burst;
    const statuses: number[] = [];
    let addresses = 0;
    const spend = async () => {
      const from = `127.0.4.${10 + addresses++}`;
      statuses.push(...await Promise.all(Array.from({ length: perAddress }, () => httpFrom(from, `${server.endpoint}/api/rooms/${randomCode()}`).then((r) => r.status))));
    };
    const t0 = performance.now();
    // Enough addresses to spend the process' budget, each within its own.
    while (addresses * perAddress < burst * 1.5 && !statuses.includes(429)) await spend();
    expect(statuses).toContain(429);
    // No more wrong answers than the budget and its refill over the time taken.
    expect(statuses.filter((s) => s === 404).length).toBeLessThanOrEqual(burst + Math.ceil(ratePerS * (performance.now() - t0) / 1000));
    // A fresh address is refused as well, the right code too (the budget refills a guess every
    // 1/ratePerS s, so keep it spent: a loaded machine may take longer than that between requests).
    let fresh = await httpFrom('127.0.5.10', `${server.endpoint}/api/rooms/${code}`);
    for (let retry = 0; retry < 5 && fresh.status !== 429; retry++) {
      await spend();
      fresh = await httpFrom('127.0.5.10', `${server.endpoint}/api/rooms/${code}`);
    }
    expect(fresh.status).toBe(429);
    const waitS = Number(fresh.headers['retry-after']);
    expect(waitS).toBeGreaterThanOrEqual(1);
    expect(waitS).toBeLessThanOrEqual(Math.ceil(1 / GUESS_LIMITS.room_code.globalFailures.ratePerS));
    // ...and obeying it is enough.
    await sleep(waitS * 1000);
    expect((await httpFrom('127.0.5.10', `${server.endpoint}/api/rooms/${code}`)).status).toBe(200);
  });
});

describe('private room codes', () => {
  it('are the shortest length a cluster-wide guessing budget cannot find one in a room\'s lifetime (SECURITY.md)', () => {
    const t = PRIVATE_CODE_THREAT;
    const guesses = GUESS_LIMITS.room_code.globalFailures.ratePerS * t.processes * t.roomLifetimeS;
    const chance = (chars: number) => (guesses * t.openPrivateRooms) / ROOM_CODE_ALPHABET.length ** chars;
    expect(chance(PRIVATE_ROOM_CODE_CHARS)).toBeLessThanOrEqual(t.acceptableChance);
    expect(chance(PRIVATE_ROOM_CODE_CHARS - 1)).toBeGreaterThan(t.acceptableChance);
  });
});
