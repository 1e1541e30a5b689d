import http from 'node:http';
import { matchMaker } from '@colyseus/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { ARENA_ROOM, MAX_MESSAGE_BYTES, MAX_VIOLATIONS_PER_CLIENT } from '../../shared/limits.ts';
import { counterValue, violationsTotal } from '../../server/observability/metrics.ts';
import { type Baseline, expectBackToBaseline, expectHealthy, expectHeapBackTo, expectRejected, type HonestPlayer, honestPlayer, rejections, settledHeapBytes, takeBaseline } from '../helpers/attack.ts';
import { joinRaw, newGuest } from '../helpers/clients.ts';
import { CODE, dataFrame, inputFrame, u32 } from '../helpers/frames.ts';
import { inputFieldSizes } from '../../server/security/frames.ts';
import { InputMessage } from '../../server/rooms/inputSchema.ts';
import { startTestServer } from '../helpers/server.ts';
import { sleep, waitFor } from '../helpers/wait.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
let honest: HonestPlayer;
let base: Baseline;
const chats: unknown[] = [];

beforeAll(async () => {
  // Many raw joins from one address in this file: the per-address join limits are tested elsewhere.
  server = await startTestServer({ security: { joinsPerIpPerMinute: 100_000, guestTokensPerIpPerMinute: 100_000 } });
  honest = await honestPlayer(server.endpoint);
  honest.room.onMessage('chat', (c) => chats.push(c));
  base = await takeBaseline(server);
});
afterAll(async () => {
  await honest?.stop();
  await server?.close();
});

/** A raw player in the honest player's room. */
function attacker() {
  return joinRaw(server.endpoint, { room: { method: 'joinById', nameOrId: honest.room.roomId }, join: { name: 'mallory' } });
}

async function expectClosedWith(frames: Buffer[], code: number, stage: string, reason: string): Promise<void> {
  const before = await rejections(stage, reason);
  const raw = await attacker();
  for (const frame of frames) raw.ws.send(frame);
  expect(await raw.closed).toBe(code);
  await expectRejected(stage, reason, before);
  await waitFor('attacker removed', () => honest.room.state.players.get(raw.seat.sessionId) === undefined);
  await honest.stillPlaying();
}

describe('frame limits', () => {
  it('closes an oversized message with 1009', async () => {
    const before = await rejections('message', 'frame_too_large');
    const raw = await attacker();
    raw.ws.send(Buffer.alloc(MAX_MESSAGE_BYTES + 1, CODE.ROOM_DATA));
    expect(await raw.closed).toBe(1009);
    await expectRejected('message', 'frame_too_large', before);
    await honest.stillPlaying();
  });

  it('closes thousands of tiny fragments with 1008, and their memory is released', async () => {
    const baseline = await settledHeapBytes();
    const before = await rejections('message', 'too_many_fragments');
    const raw = await attacker();
    for (let i = 0; i < 5000 && raw.ws.readyState === raw.ws.OPEN; i++) raw.ws.send(Buffer.from([CODE.ROOM_DATA]), { fin: false });
    expect(await raw.closed).toBe(1008);
    const empty = await attacker();
    empty.ws.send(Buffer.from([CODE.ROOM_DATA]), { fin: false });
    for (let i = 0; i < 5000 && empty.ws.readyState === empty.ws.OPEN; i++) empty.ws.send(Buffer.alloc(0), { fin: false });
    expect(await empty.closed).toBe(1008);
    await expectRejected('message', 'too_many_fragments', before, 2);
    await honest.stillPlaying();
    await expectHeapBackTo(baseline);
  });

  it('refuses an upgrade with thousands of headers without crashing (CVE-2024-37890)', async () => {
    const headers: Record<string, string> = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-version': '13' };
    for (let i = 0; i < 2000; i++) headers[`x-${i.toString(36)}`] = 'x';
    const status = await new Promise<number>((resolve) => {
      const req = http.request({ host: '127.0.0.1', port: server.port, path: '/', headers });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('upgrade', () => resolve(101));
      req.on('error', () => resolve(-1));
      req.end();
    });
    expect(status).toBe(431);
    await expectHealthy(server.endpoint);
  });
});

describe('frames the game never sends are a protocol error (4002)', () => {
  it.each([
    ['an unreliable input that would spin its decoder for minutes', Buffer.from([CODE.INPUT_UNRELIABLE | 0x80, 0xff, 0xff]), 'unsupported_frame'],
    ['an unreliable input with lying lengths', Buffer.from([CODE.INPUT_UNRELIABLE, 5, 0xff, 1, 2]), 'unsupported_frame'],
    ['raw bytes messages', Buffer.from([CODE.ROOM_DATA_BYTES, 0xa1, 0x61, 1, 2, 3]), 'unsupported_frame'],
    ['an unknown protocol code', Buffer.from([31, 1, 2]), 'unsupported_frame'],
    ['an empty frame', Buffer.alloc(0), 'empty_frame'],
    ['random bytes', Buffer.from([0x5a, 0xc1, 0x00, 0xff, 0x13]), 'unsupported_frame'],
    // One past the input schema's last field, whatever the schema grows to.
    ['an input for a field that does not exist', inputFrame([[inputFieldSizes(InputMessage)!.length, [1]]]), 'malformed_input'],
    ['a truncated input', Buffer.from([CODE.INPUT, 0x80, 1, 0]), 'malformed_input'],
    ['an input that sets one field twice', inputFrame([[1, [1]], [1, [0xff]]]), 'malformed_input'],
    ['an input with a non-set operation', Buffer.from([CODE.INPUT, 0x41, 1]), 'malformed_input'],
    ['a message with an unterminated type', Buffer.from([CODE.ROOM_DATA, 0xa8, 0x63]), 'malformed_frame'],
    ['truncated msgpack', Buffer.concat([dataFrame('chat'), Buffer.from([0xde, 0x00, 0x05, 0xa4, 0x74, 0x65])]), 'malformed_payload'],
    ['msgpack with trailing bytes', Buffer.concat([dataFrame('chat', { text: 'hi' }), Buffer.from([1])]), 'malformed_payload'],
    ['a msgpack Date extension', dataFrame('chat', Buffer.from([0x81, 0xa4, 0x74, 0x65, 0x78, 0x74, 0xd6, 0xff, 0, 0, 0, 1])), 'malformed_payload'],
    ['a msgpack RegExp extension', dataFrame('chat', Buffer.from([0xc7, 5, 0x78, 0x92, 0xa1, 0x61, 0xa0])), 'malformed_payload'],
    ['a structured-clone reference', dataFrame('chat', Buffer.from([0xd6, 0x70, 0, 0, 0, 1])), 'malformed_payload'],
    ['binary data', dataFrame('chat', Buffer.from([0xc4, 2, 1, 2])), 'malformed_payload'],
  ])('%s', async (_what, frame, reason) => {
    await expectClosedWith([frame], 4002, 'message', reason);
  });

  it('a text frame', async () => {
    const before = await rejections('message', 'text_frame');
    const raw = await attacker();
    raw.ws.send('{"type":"chat"}');
    expect(await raw.closed).toBe(4002);
    await expectRejected('message', 'text_frame', before);
  });
});

describe('valid frames with invalid content are dropped and counted, then the sender is closed (4100)', () => {
  const invalidChats: Array<[string, unknown]> = [
    ['NaN', { text: Number.NaN }],
    ['+Infinity', { text: Number.POSITIVE_INFINITY }],
    ['-Infinity', { text: Number.NEGATIVE_INFINITY }],
    ['a huge array', { text: Array.from({ length: 300 }, (_, i) => i) }],
    ['an extra key', { text: 'hi', extra: 1 }],
    ['a __proto__ key', JSON.parse('{"__proto__":{"admin":true},"text":"hi"}')],
    ['a constructor key', { constructor: { prototype: 1 }, text: 'hi' }],
    ['a fromId (acting for another player)', { text: 'hi', fromId: 'someone-else' }],
    ['only invisible characters', { text: '\u202e\u200b\u2066' }],
    ['an over-long line', { text: 'x'.repeat(900) }],
    ['a nested object', { text: { toString: 'hi' } }],
    ['no payload', undefined],
  ];

  it('drops each invalid chat without broadcasting it, then closes with 4100', async () => {
    const raw = await attacker();
    const before = await counterValue(violationsTotal, { kind: 'invalid_message' });
    const chatsBefore = chats.length;
    for (const [, payload] of invalidChats) raw.ws.send(dataFrame('chat', payload));
    await waitFor('all counted', async () => (await counterValue(violationsTotal, { kind: 'invalid_message' })) >= before + invalidChats.length);
    expect(raw.ws.readyState).toBe(raw.ws.OPEN); // below the limit: still connected
    for (let i = invalidChats.length; i <= MAX_VIOLATIONS_PER_CLIENT; i++) raw.ws.send(dataFrame('chat', { text: 42 }));
    expect(await raw.closed).toBe(CLOSE_CODES.TOO_MANY_VIOLATIONS);
    expect(chats.length).toBe(chatsBefore);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    await honest.stillPlaying();
  });

  it('drops unknown message types and over-deep payloads as violations', async () => {
    const raw = await attacker();
    const unknown = await rejections('message', 'unknown_message');
    const deep = await rejections('message', 'payload_too_deep');
    raw.ws.send(dataFrame('admin', { op: 'kick' }));
    raw.ws.send(dataFrame('kill', { victimId: honest.room.sessionId }));
    raw.ws.send(dataFrame(7, { x: 1 }));
    raw.ws.send(dataFrame('z'.repeat(32)));
    raw.ws.send(dataFrame('chat', Buffer.from([...Array(500).fill(0x91), 1])));
    await expectRejected('message', 'unknown_message', unknown, 4);
    await expectRejected('message', 'payload_too_deep', deep, 1);
    await sleep(100);
    expect(raw.ws.readyState).toBe(raw.ws.OPEN);
    raw.ws.send(dataFrame('chat', { text: 'still allowed to talk' }));
    await waitFor('the valid chat arrives', () => chats.some((c) => (c as { text: string }).text === 'still allowed to talk'));
    raw.ws.close();
    await raw.closed;
  });
});

describe('join and create options', () => {
  async function matchmake(method: string, body: string, extraHeaders: Record<string, string> = {}) {
    const guest = newGuest(server.endpoint);
    return guest.fetch(`${server.endpoint}/matchmake/${method}/${method === 'joinById' ? honest.room.roomId : ARENA_ROOM}`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...extraHeaders }, body,
    });
  }

  it.each([
    ['maxPlayers = +Infinity', 'create', '{"name":"a","maxPlayers":1e309}'],
    ['maxPlayers = -Infinity', 'create', '{"name":"a","maxPlayers":-1e309}'],
    ['maxPlayers = NaN (null in JSON)', 'create', '{"name":"a","maxPlayers":null}'],
    ['a fractional maxPlayers', 'create', '{"name":"a","maxPlayers":4.5}'],
    ['a huge array as name', 'joinOrCreate', JSON.stringify({ name: Array(500).fill(1) })],
    ['an extra key', 'joinOrCreate', '{"name":"a","admin":true}'],
    ['a __proto__ key', 'joinOrCreate', '{"name":"a","__proto__":{"admin":true}}'],
    ['a constructor key', 'create', '{"name":"a","constructor":{"prototype":{"x":1}}}'],
    ['a sessionId (taking another player\'s seat)', 'joinById', '{"name":"a","sessionId":"victim"}'],
    ['a reconnectionToken', 'joinById', '{"name":"a","reconnectionToken":"x"}'],
    ['a map that does not exist', 'create', '{"name":"a","map":"__proto__"}'],
    ['a non-boolean private', 'create', '{"name":"a","private":"yes"}'],
    ['a name of invisible characters', 'joinOrCreate', JSON.stringify({ name: '\u200b\u202e\u2060' })],
    ['an array body', 'joinOrCreate', '[1,2,3]'],
  ])('refuses %s with 400 invalid_options and creates nothing', async (_what, method, body) => {
    const rooms = matchMaker.stats.local.roomCount;
    const res = await matchmake(method, body);
    expect(res.status).toBe(400);
    expect((await res.json() as { error: string }).error).toMatch(/^invalid_options/);
    expect(matchMaker.stats.local.roomCount).toBe(rooms);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('refuses malformed JSON, an oversized body and an unsized (chunked) body', async () => {
    expect((await matchmake('joinOrCreate', '{"name":')).status).toBe(400);
    const before = await rejections('http', 'body_too_large');
    expect((await matchmake('joinOrCreate', JSON.stringify({ name: 'a'.repeat(5000) }))).status).toBe(413);
    await expectRejected('http', 'body_too_large', before);
    const chunked = await newGuest(server.endpoint).fetch(`${server.endpoint}/matchmake/joinOrCreate/${ARENA_ROOM}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode('{"name":"a"}')); c.close(); } }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(411);
    await honest.stillPlaying();
  });
});

describe('inputs from a raw client', () => {
  it('well-formed inputs from a raw client are applied like the SDK\'s', async () => {
    const raw = await attacker();
    await waitFor('attacker alive', () => honest.room.state.players.get(raw.seat.sessionId)?.alive);
    const x0 = honest.room.state.players.get(raw.seat.sessionId)!.x;
    const dir = x0 < 800 ? 1 : 0xff; // int8 -1
    for (let seq = 1; seq <= 10; seq++) {
      raw.ws.send(inputFrame([[0, u32(seq)], [1, [dir]]]));
      await sleep(1000 / 30);
    }
    await waitFor('attacker moved', () => Math.abs(honest.room.state.players.get(raw.seat.sessionId)!.x - x0) > 20);
    raw.ws.close();
    await raw.closed;
  });
});

describe('afterwards', () => {
  it('no attack connection is left behind and memory is back to its baseline', async () => {
    await honest.stillPlaying();
    await expectBackToBaseline(server, base);
  });
});
