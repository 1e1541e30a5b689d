import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { PLAYER_MAX_SPEED_PX_PER_S } from '../../shared/tuning.ts';
import { CHAT_LIMIT, DEFAULT_SECURITY } from '../../server/security/limits.ts';
import { perMinute } from '../../server/security/tokenBucket.ts';
import { type Baseline, expectBackToBaseline, expectHealthy, expectRejected, type HonestPlayer, honestPlayer, httpFrom, rejections, takeBaseline } from '../helpers/attack.ts';
import { joinArenaById, joinRaw, newGuest } from '../helpers/clients.ts';
import { CODE, dataFrame, inputFrame, u32 } from '../helpers/frames.ts';
import { startTestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
let honest: HonestPlayer;
let base: Baseline;
const chats: Array<{ fromId: string; text: string }> = [];
/** Burst of the default per-address matchmaking and guest-token buckets. */
const PER_IP_BURST = perMinute(DEFAULT_SECURITY.joinsPerIpPerMinute).burst;

beforeAll(async () => {
  // Production limits, with one address named as a load generator (RATE_LIMIT_EXEMPT_IPS).
  server = await startTestServer({ security: { rateLimitExemptIps: ['127.0.0.5'] } });
  honest = await honestPlayer(server.endpoint);
  honest.room.onMessage('chat', (c) => chats.push(c));
  base = await takeBaseline(server);
});
afterAll(async () => {
  await honest?.stop();
  await server?.close();
});

function attacker() {
  return joinRaw(server.endpoint, { room: { method: 'joinById', nameOrId: honest.room.roomId }, join: { name: 'flood' } });
}

describe('per-connection floods', () => {
  it('an input flood is dropped, then closed with 4101, and moves the flooder no faster than the rules', async () => {
    const raw = await attacker();
    await waitFor('flooder alive', () => honest.room.state.players.get(raw.seat.sessionId)?.alive);
    const x0 = honest.room.state.players.get(raw.seat.sessionId)!.x;
    const before = await rejections('message', 'input_rate');
    const t0 = performance.now();
    let farthest = 0;
    const sampler = setInterval(() => {
      const p = honest.room.state.players.get(raw.seat.sessionId);
      if (p !== undefined) farthest = Math.max(farthest, Math.abs(p.x - x0));
    }, 5);
    const dir = x0 < 800 ? 1 : 0xff;
    for (let seq = 1; seq <= 500 && raw.ws.readyState === raw.ws.OPEN; seq++) raw.ws.send(inputFrame([[0, u32(seq)], [1, [dir]]]));
    expect(await raw.closed).toBe(CLOSE_CODES.RATE_LIMITED);
    await waitFor('flooder removed', () => honest.room.state.players.get(raw.seat.sessionId) === undefined);
    clearInterval(sampler);
    await expectRejected('message', 'input_rate', before);
    expect(farthest).toBeLessThanOrEqual(PLAYER_MAX_SPEED_PX_PER_S * ((performance.now() - t0) / 1000 + 0.1));
    await honest.stillPlaying();
  });

  it('a chat flood broadcasts only the burst, then is closed with 4101', async () => {
    const raw = await attacker();
    const before = await rejections('message', 'chat_rate');
    for (let i = 0; i < 30 && raw.ws.readyState === raw.ws.OPEN; i++) raw.ws.send(dataFrame('chat', { text: `spam ${i}` }));
    expect(await raw.closed).toBe(CLOSE_CODES.RATE_LIMITED);
    await expectRejected('message', 'chat_rate', before);
    const fromFlooder = chats.filter((c) => c.fromId === raw.seat.sessionId);
    expect(fromFlooder.length).toBeLessThanOrEqual(CHAT_LIMIT.burst);
    expect(fromFlooder.length).toBeGreaterThan(0);
    await honest.stillPlaying();
    honest.room.send('chat', { text: 'honest still talks' });
    await waitFor('honest chat delivered', () => chats.some((c) => c.text === 'honest still talks'));
  });

  it.each([
    ['ping', Buffer.from([CODE.PING]), 'ping_rate'],
    ['request', Buffer.from([CODE.REQUEST, 1, 0xa4, 0x63, 0x68, 0x61, 0x74]), 'request_rate'],
    ['control (join acknowledgement)', Buffer.from([CODE.JOIN_ROOM]), 'control_rate'],
  ])('a %s flood is closed with 4101', async (_what, frame, reason) => {
    const raw = await attacker();
    const before = await rejections('message', reason);
    for (let i = 0; i < 200 && raw.ws.readyState === raw.ws.OPEN; i++) raw.ws.send(frame);
    expect(await raw.closed).toBe(CLOSE_CODES.RATE_LIMITED);
    await expectRejected('message', reason, before);
    await honest.stillPlaying();
  });
});

describe('per-address floods', () => {
  it('matchmaking from one address is limited to its burst; other addresses are not affected', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PER_IP_BURST + 10; i++) {
      const res = await httpFrom('127.0.0.2', `${server.endpoint}/matchmake/joinById/${honest.room.roomId}`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name":"bot"}',
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, PER_IP_BURST).every((s) => s === 401)).toBe(true); // no token: refused, but counted
    expect(statuses.slice(PER_IP_BURST + 1).every((s) => s === 429)).toBe(true);
    const friend = await joinArenaById(server.endpoint, honest.room.roomId, { name: 'friend' });
    await friend.leave(true);
    await honest.stillPlaying();
  });

  it('guest tokens from one address are limited to its burst', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PER_IP_BURST + 10; i++) statuses.push((await httpFrom('127.0.0.3', `${server.endpoint}/auth/guest`, { method: 'POST' })).status);
    expect(statuses.slice(0, PER_IP_BURST).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(PER_IP_BURST + 1).every((s) => s === 429)).toBe(true);
    expect(await newGuest(server.endpoint).token()).toMatch(/\./); // 127.0.0.1 still gets one
  });

  it('an address the operator exempts (a load generator) is not limited; its neighbours still are', async () => {
    const exempt: number[] = [];
    for (let i = 0; i < PER_IP_BURST + 10; i++) exempt.push((await httpFrom('127.0.0.5', `${server.endpoint}/auth/guest`, { method: 'POST' })).status);
    expect(exempt.every((s) => s === 200)).toBe(true);
    const neighbour: number[] = [];
    for (let i = 0; i < PER_IP_BURST + 10; i++) neighbour.push((await httpFrom('127.0.0.6', `${server.endpoint}/auth/guest`, { method: 'POST' })).status);
    expect(neighbour.slice(PER_IP_BURST + 1).every((s) => s === 429)).toBe(true);
  });

  it('a spoofed X-Forwarded-For from an untrusted peer changes nothing: the peer address is limited', async () => {
    const before = await rejections('http', 'rate_limited');
    const statuses: number[] = [];
    for (let i = 0; i < PER_IP_BURST + 10; i++) {
      // Claims to be a new address each time, and sometimes the honest player's own address.
      const spoof = i % 2 === 0 ? `203.0.113.${i}` : '127.0.0.1';
      const res = await httpFrom('127.0.0.4', `${server.endpoint}/auth/guest`, {
        method: 'POST', headers: { 'x-forwarded-for': spoof, 'x-real-ip': spoof, forwarded: `for=${spoof}` },
      });
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(9);
    await expectRejected('http', 'rate_limited', before, 9);
    // The address the attacker pretended to be was never charged.
    expect(await newGuest(server.endpoint).token()).toMatch(/\./);
    await expectHealthy(server.endpoint);
  });
});

describe('afterwards', () => {
  it('no attack connection is left behind and memory is back to its baseline', async () => {
    await honest.stillPlaying();
    await expectBackToBaseline(server, base);
  });
});
