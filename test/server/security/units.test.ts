import { describe, expect, it } from 'vitest';
import { cleanText } from '../../../shared/messages.ts';
import { GuestSeats } from '../../../server/rooms/guestSeats.ts';
import { InputMessage } from '../../../server/rooms/inputSchema.ts';
import { classifyFrame, inputFieldSizes } from '../../../server/security/frames.ts';
import type { IncomingMessage } from 'node:http';
import { DisplayNames, nameSkeleton } from '../../../server/rooms/displayNames.ts';
import { AddressList, ProxyTrust, plainAddress, requestClient } from '../../../server/security/clientAddress.ts';
import { SecretGuesses } from '../../../server/security/secretGuesses.ts';
import { GuestTokens, bearerToken } from '../../../server/security/guestTokens.ts';
import { DEFAULT_SECURITY, loadSecurityConfig, normalizeOrigin } from '../../../server/security/limits.ts';
import { checkPlainMsgpack } from '../../../server/security/msgpackShape.ts';
import { OriginPolicy, ownOrigins } from '../../../server/security/origins.ts';
import { KeyedBuckets, TokenBucket, perMinute, retryAfterSeconds } from '../../../server/security/tokenBucket.ts';
import { dataFrame, inputFrame, u32 } from '../../helpers/frames.ts';

describe('TokenBucket', () => {
  it('allows the burst, refills at the rate, and calls sustained excess abusive', () => {
    const bucket = new TokenBucket({ ratePerS: 2, burst: 3 }, 0);
    expect([0, 0, 0].map((t) => bucket.take(t))).toEqual(['ok', 'ok', 'ok']);
    expect(bucket.take(0)).toBe('dropped');
    expect(bucket.take(500)).toBe('dropped'); // the refill pays the overflow first
    expect(bucket.take(1000)).toBe('dropped');
    expect(bucket.take(1000)).toBe('dropped');
    expect(bucket.take(1000)).toBe('dropped'); // owes 3 = burst
    expect(bucket.take(1000)).toBe('abusive');
    expect(bucket.idle(10_000)).toBe(true);
    expect(bucket.take(10_000)).toBe('ok');
  });

  it('keeps per-key buckets bounded and forgets full ones', () => {
    const buckets = new KeyedBuckets({ ratePerS: 1, burst: 2 }, 3);
    for (const key of ['a', 'b', 'c', 'd']) buckets.take(key, 0);
    expect(buckets.size).toBe(3);
    buckets.sweep(60_000, true);
    expect(buckets.size).toBe(0);
    expect(perMinute(60)).toEqual({ ratePerS: 1, burst: 30 });
  });
});

describe('Retry-After', () => {
  it('is the true wait: a client that obeys it is let in at its first retry, however often it was refused', () => {
    // JOINS_PER_IP_PER_MINUTE=10: a token every 6 s. (A fixed "Retry-After: 2" sent such a client
    // back five times before it got in at about 12 s.)
    const bucket = new TokenBucket(perMinute(10), 0);
    let now = 0;
    while (bucket.take(now) === 'ok') now += 10;
    for (let round = 0; round < 5; round++) {
      now += Number(retryAfterSeconds(bucket.waitMs(now))) * 1000;
      expect(bucket.take(now)).toBe('ok');
      while (bucket.take(now) === 'ok') now += 10; // spend again, refused again
    }
    expect(retryAfterSeconds(0)).toBe('1');
    expect(retryAfterSeconds(1001)).toBe('2');
  });
});

describe('SecretGuesses', () => {
  const limits = { perAddressFailures: { ratePerS: 1, burst: 2 }, globalFailures: { ratePerS: 1, burst: 3 } };
  const all = { room_code: limits, reconnection_token: limits, guest_token: limits, dashboard_token: limits, metrics_token: limits, admin_token: limits };

  it('lets right guesses through for free, refuses an address after its failures, then everyone after the global budget', () => {
    const guesses = new SecretGuesses(new AddressList(['10.9.9.9'], 'test'), all, 0);
    const guess = (ip: string, right: boolean, now = 0) => {
      const attempt = guesses.attempt('room_code', ip, 'http', now);
      if (attempt.ok) attempt.settle(right, now);
      return attempt;
    };
    for (let i = 0; i < 10; i++) expect(guess('10.0.0.1', true).ok).toBe(true);
    expect(guess('10.0.0.1', false).ok).toBe(true);
    expect(guess('10.0.0.1', false).ok).toBe(true);
    const refused = guess('10.0.0.1', true);
    expect(refused).toMatchObject({ ok: false, scope: 'address' });
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBeCloseTo(1000, -1);
    expect(guess('10.0.0.1', true, 1000).ok).toBe(true); // a second later, one more
    // Other kinds have their own budgets.
    expect(guesses.attempt('metrics_token', '10.0.0.1', 'http', 1000).ok).toBe(true);
    // All addresses share one budget of failures (3, and 1 more a second; the first two spent 2).
    expect(guess('10.0.0.2', false, 1000).ok).toBe(true);
    expect(guess('10.0.0.3', false, 1000).ok).toBe(true);
    expect(guess('10.0.0.4', true, 1000)).toMatchObject({ ok: false, scope: 'global' });
    expect(guess('10.9.9.9', true, 1000)).toMatchObject({ ok: false, scope: 'global' }); // exempt addresses too
    expect(guess('10.0.0.4', true, 2000).ok).toBe(true);
  });

  it('counts guesses still in flight: parallel attempts cannot overshoot the budget', () => {
    const guesses = new SecretGuesses(new AddressList([], 'test'), all, 0);
    const inFlight = [guesses.attempt('room_code', '10.0.0.1', 'http', 0), guesses.attempt('room_code', '10.0.0.1', 'http', 0)];
    expect(inFlight.every((a) => a.ok)).toBe(true);
    expect(guesses.attempt('room_code', '10.0.0.1', 'http', 0).ok).toBe(false);
    for (const a of inFlight) if (a.ok) a.settle(true, 0); // both right after all: the budget is whole again
    expect(guesses.attempt('room_code', '10.0.0.1', 'http', 0).ok).toBe(true);
  });

  it('settles once, and exempt addresses skip only their own budget', () => {
    const guesses = new SecretGuesses(new AddressList(['10.9.9.9'], 'test'), all, 0);
    const attempt = guesses.attempt('guest_token', '10.0.0.1', 'auth', 0);
    if (!attempt.ok) throw new Error('refused');
    attempt.settle(false, 0);
    attempt.settle(false, 0);
    attempt.settle(false, 0);
    expect(guesses.attempt('guest_token', '10.0.0.1', 'auth', 0).ok).toBe(true);
    for (let i = 0; i < 2; i++) {
      const exempt = guesses.attempt('dashboard_token', '10.9.9.9', 'http', 0);
      if (exempt.ok) exempt.settle(false, 0);
      expect(exempt.ok).toBe(true);
    }
  });
});

describe('display names', () => {
  it('tell look-alikes by their skeleton and number them apart, first come keeps its name', () => {
    expect(nameSkeleton('bob')).toBe(nameSkeleton('b\u043eb')); // Cyrillic o
    expect(nameSkeleton('bob')).toBe(nameSkeleton('B0B'));
    expect(nameSkeleton('paypal')).toBe(nameSkeleton('p\u0430yp\u0430l')); // Cyrillic a
    expect(nameSkeleton('bob')).not.toBe(nameSkeleton('bób'));
    const names = new DisplayNames();
    expect(names.claim('s1', 'bob')).toBe('bob');
    expect(names.claim('s2', 'bob')).toBe('bob (2)');
    expect(names.claim('s3', 'bob (2)')).toBe('bob (2) (2)');
    expect(names.claim('s4', 'b\u043eb')).toBe('b\u043eb (3)');
    names.release('s1');
    expect(names.claim('s5', 'BOB')).toBe('BOB');
    expect(names.claim('s2', 'alice')).toBe('alice'); // a session claiming again drops its old name
    expect(names.claim('s6', 'bob')).toBe('bob (2)');
    expect(names.nameOf('s6')).toBe('bob (2)');
    names.release('s6');
    expect(names.nameOf('s6')).toBeUndefined();
  });
});

describe('ProxyTrust', () => {
  it('believes X-Forwarded-For only from trusted proxies, and only from the right', () => {
    const trust = new ProxyTrust(['10.0.0.0/8', '::1']);
    expect(trust.clientAddress('203.0.113.1', '1.2.3.4')).toBe('203.0.113.1');
    expect(trust.clientAddress('10.1.2.3', '1.2.3.4, 198.51.100.9')).toBe('198.51.100.9');
    expect(trust.clientAddress('10.1.2.3', '198.51.100.9, 10.9.9.9')).toBe('198.51.100.9');
    expect(trust.clientAddress('::ffff:10.1.2.3', 'garbage, 198.51.100.9')).toBe('198.51.100.9');
    expect(trust.clientAddress('10.1.2.3', 'garbage')).toBe('10.1.2.3');
    expect(trust.clientAddress('::1', undefined)).toBe('::1');
    expect(plainAddress('[2001:db8::1]:443')).toBe('2001:db8::1');
    expect(plainAddress('192.0.2.1:8080')).toBe('192.0.2.1');
    expect(() => new ProxyTrust(['not-an-ip'])).toThrow(/TRUSTED_PROXIES/);
    expect(() => new ProxyTrust(['10.0.0.0/33'])).toThrow(/prefix/);
  });

  it('resolves the client\'s scheme as it resolves its address: X-Forwarded-Proto counts from a trusted proxy only', () => {
    const trust = new ProxyTrust(['10.0.0.1']);
    const request = (peer: string, headers: Record<string, string>) => ({ socket: { remoteAddress: peer }, headers: { ...headers } }) as unknown as IncomingMessage;
    const viaProxy = request('10.0.0.1', { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https' });
    trust.normalize(viaProxy);
    expect(requestClient(viaProxy)).toEqual({ ip: '203.0.113.9', secure: true });
    const chained = request('10.0.0.1', { 'x-forwarded-for': '203.0.113.9', 'x-forwarded-proto': 'https, http' });
    trust.normalize(chained);
    expect(requestClient(chained).secure).toBe(false); // the proxy's own hop says http
    const direct = request('203.0.113.5', { 'x-forwarded-for': '1.2.3.4', 'x-forwarded-proto': 'https' });
    trust.normalize(direct);
    expect(requestClient(direct)).toEqual({ ip: '203.0.113.5', secure: false });
    expect(direct.headers['x-forwarded-proto']).toBeUndefined();
  });
});

describe('OriginPolicy', () => {
  it('matches exactly, treats a missing Origin by configuration, and derives its own origins', () => {
    const policy = new OriginPolicy({ allowedOrigins: ['https://game.example'], requireOrigin: false }, () => []);
    expect(policy.check('https://game.example')).toBe('allowed');
    for (const o of ['https://game.example.evil', 'https://evil-game.example', 'http://game.example', 'https://game.example:8443', 'null', 'HTTPS://GAME.EXAMPLE']) expect(policy.check(o)).toBe('denied');
    expect(policy.check(undefined)).toBe('missing');
    expect(policy.check(['https://game.example', 'x'])).toBe('denied');
    expect(new OriginPolicy({ allowedOrigins: [], requireOrigin: true }, () => []).check(undefined)).toBe('denied');
    expect(ownOrigins('127.0.0.1', 2567, false)).toEqual(expect.arrayContaining(['http://localhost:2567', 'http://127.0.0.1:2567', 'http://[::1]:2567']));
    expect(ownOrigins('game.example', 443, true)).toContain('https://game.example');
    expect(ownOrigins('0.0.0.0', 80, false).length).toBeGreaterThan(3);
  });

  it('parses its environment strictly', () => {
    expect(loadSecurityConfig({}).allowedOrigins).toBe('auto');
    const config = loadSecurityConfig({ ALLOWED_ORIGINS: 'https://game.example, http://localhost:5173', TRUSTED_PROXIES: '10.0.0.1', REQUIRE_ORIGIN: 'true', MAX_CONNECTIONS_PER_IP: '8' });
    expect(config).toMatchObject({ allowedOrigins: ['https://game.example', 'http://localhost:5173'], trustedProxies: ['10.0.0.1'], requireOrigin: true, maxConnectionsPerIp: 8 });
    expect(() => loadSecurityConfig({ ALLOWED_ORIGINS: 'https://game.example/path' })).toThrow();
    expect(() => loadSecurityConfig({ AUTH_SECRET: 'short' })).toThrow(/32 bytes/);
    expect(() => loadSecurityConfig({ MAX_CONNECTIONS_PER_IP: '0' })).toThrow();
    expect(normalizeOrigin('https://Game.Example:443')).toBe('https://game.example');
    expect(DEFAULT_SECURITY.requireOrigin).toBe(false);
  });
});

describe('GuestTokens', () => {
  it('issues tokens that verify until they expire, and reads bearer headers only', async () => {
    const tokens = new GuestTokens('unit-secret-unit-secret-unit-secret-000', 60);
    const issued = await tokens.issue();
    expect(await tokens.verify(issued.token)).toEqual({ ok: true, guestId: issued.guestId });
    const old = await tokens.issue(Date.now() - 3600_000);
    expect(await tokens.verify(old.token)).toEqual({ ok: false, reason: 'expired' });
    expect(await new GuestTokens('other-secret-other-secret-other-secret-0', 60).verify(issued.token)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await tokens.verify(undefined)).toEqual({ ok: false, reason: 'missing' });
    expect(bearerToken(`Bearer ${issued.token}`)).toBe(issued.token);
    expect(bearerToken(`Basic ${issued.token}`)).toBeUndefined();
    expect(bearerToken(['Bearer a', 'Bearer b'])).toBeUndefined();
  });
});

describe('checkPlainMsgpack', () => {
  it.each([
    ['nothing', [], 'ok'],
    ['an SDK record', [0xd4, 0x72, 0x40, 0x91, 0xa4, 0x74, 0x65, 0x78, 0x74, 0xa2, 0x68, 0x69], 'ok'],
    ['a record reused in one message', [0x92, 0xd4, 0x72, 0x40, 0x91, 0xa1, 0x61, 0x01, 0x40, 0x02], 'ok'],
    ['a record id out of range', [0xd4, 0x72, 0x20, 0x91, 0xa1, 0x61, 0x01], 'malformed'],
    ['a map with a number key', [0x81, 0x01, 0x02], 'malformed'],
    ['a count larger than the data', [0xdd, 0xff, 0xff, 0xff, 0xff, 0x01], 'malformed'],
    ['a 64-bit integer', [0xcf, 0, 0, 0, 0, 0, 0, 0, 1], 'malformed'],
    ['nesting past the limit', [...Array(9).fill(0x91), 0x01], 'too_deep'],
    ['nesting at the limit', [...Array(8).fill(0x91), 0x01], 'ok'],
  ])('%s', (_what, bytes, verdict) => {
    expect(checkPlainMsgpack(Uint8Array.from(bytes as number[]), 0, 8)).toBe(verdict);
  });
});

describe('text cleaning and guest seats', () => {
  it('removes invisible and direction-changing characters and caps stacked marks', () => {
    expect(cleanText('a\u202eb\u2066c\u200bd\u00ade\u{e0041}f\ufe0fg')).toBe('abcdefg');
    expect(cleanText(`e${'\u0300'.repeat(9)}`)).toBe(`e${'\u0300'.repeat(3)}`);
    expect(cleanText('  many   spaces\n\there ')).toBe('many spaces here');
  });

  it('keeps one session per guest and forgets only the current one', () => {
    const seats = new GuestSeats();
    expect(seats.claim('g1', 's1')).toBeUndefined();
    expect(seats.claim('g1', 's2')).toBe('s1');
    seats.release('s1');
    expect(seats.size).toBe(1);
    seats.release('s2');
    expect(seats.size).toBe(0);
  });
});

describe('classifyFrame', () => {
  const sizes = inputFieldSizes(InputMessage);
  const known = new Set(['chat']);
  const classify = (bytes: number[] | Buffer) => classifyFrame(Buffer.from(bytes as number[]), true, sizes, known);

  it('passes what the SDK sends, including lag-compensated (TIMED) inputs in both stamp layouts', () => {
    // seq uint32, moveX int8, moveY int8, aim uint16, fire boolean, viewTick uint8
    expect(sizes).toEqual([4, 1, 1, 2, 1, 1]);
    expect(classify(dataFrame('chat', { text: 'hi' }))).toEqual({ action: 'pass', kind: 'message' });
    expect(classify(inputFrame([[0, u32(7)], [1, [1]]]))).toEqual({ action: 'pass', kind: 'input' });
    expect(classify([0x80 | 19, 0x05, 0x80, ...u32(7)])).toEqual({ action: 'pass', kind: 'input' });
    expect(classify([0x80 | 19, 0xcc, 0xc8, 0x10, 0x00, 0x80, ...u32(7)])).toEqual({ action: 'pass', kind: 'input' });
    expect(classify([10])).toEqual({ action: 'pass', kind: 'control', joinAck: true });
    expect(classify([18])).toEqual({ action: 'pass', kind: 'ping' });
  });

  it('refuses the rest with a reason', () => {
    expect(classify([0x80 | 19, 0xc1, 0x80, ...u32(7)])).toMatchObject({ action: 'close', reason: 'malformed_input' });
    expect(classify([0x40 | 19, 0x80, ...u32(7)])).toMatchObject({ action: 'close', reason: 'malformed_input' });
    expect(classify(dataFrame('nope', { a: 1 }))).toMatchObject({ action: 'drop', reason: 'unknown_message' });
    expect(classify([20, 0, 1, 0x80])).toMatchObject({ action: 'close', reason: 'unsupported_frame' });
    expect(classifyFrame(Buffer.from('x'), false, sizes, known)).toMatchObject({ action: 'close', reason: 'text_frame' });
  });
});
