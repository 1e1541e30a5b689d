import fc from 'fast-check';
import { InputDecoder, InputEncoder } from '@colyseus/schema/input';
import { Packr, unpack } from 'msgpackr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AIM_STEPS_PER_TURN, BATTLE_MAX_PLAYERS, CHAT_MAX_CHARS, MAX_MESSAGE_BYTES, NAME_MAX_CHARS } from '../../shared/limits.ts';
import { normalizeInput } from '../../shared/input.ts';
import { cleanText, clientMessageSchemas, joinOptionsSchema } from '../../shared/messages.ts';
import { InputMessage } from '../../server/rooms/inputSchema.ts';
import { classifyFrame, inputFieldSizes } from '../../server/security/frames.ts';
import { GuestTokens } from '../../server/security/guestTokens.ts';
import { MAX_PAYLOAD_DEPTH } from '../../server/security/limits.ts';
import { checkPlainMsgpack } from '../../server/security/msgpackShape.ts';
import { expectBackToBaseline, expectHealthy, honestPlayer, rejections, takeBaseline, type Baseline, type HonestPlayer } from '../helpers/attack.ts';
import { joinRaw, type RawSocket } from '../helpers/clients.ts';
import { CODE, dataFrame } from '../helpers/frames.ts';
import { startTestServer } from '../helpers/server.ts';
import { sleep } from '../helpers/wait.ts';

const SIZES = inputFieldSizes(InputMessage);
const KNOWN = new Set(Object.keys(clientMessageSchemas));
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/u;

/** Only plain data: what zod may then look at without surprises. */
function isPlain(value: unknown, depth = 0): boolean {
  if (depth > MAX_PAYLOAD_DEPTH + 1) return false;
  if (value === null || value === undefined || typeof value === 'boolean' || typeof value === 'number' || typeof value === 'string') return true;
  if (Array.isArray(value)) return value.every((v) => isPlain(v, depth + 1));
  if (typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return Object.values(value as object).every((v) => isPlain(v, depth + 1));
}

/** Bytes that look like client frames more often than uniform noise would. */
const frameBytes = fc.oneof(
  fc.uint8Array({ maxLength: 64 }),
  fc.tuple(fc.constantFrom(10, 12, 13, 17, 18, 19, 20, 21, 19 | 0x80, 13 | 0x40), fc.uint8Array({ maxLength: 48 })).map(([code, rest]) => Uint8Array.from([code, ...rest])),
  fc.tuple(fc.constantFrom('chat', 'x', 'kill'), fc.anything({ maxDepth: 3 })).map(([type, payload]) => new Uint8Array(dataFrame(type, new Packr().pack(payload)))),
  fc.tuple(fc.uint8Array({ maxLength: 20 }), fc.uint8Array({ maxLength: 20 })).map(([a, b]) => Uint8Array.from([CODE.INPUT, ...a.map((x) => 0x80 | (x % 6)), ...b])),
);

describe('handlers and decoders under property-based fuzzing', () => {
  it('the frame classifier never throws and always answers pass, drop or close', () => {
    fc.assert(fc.property(frameBytes, fc.boolean(), (bytes, isBinary) => {
      const verdict = classifyFrame(Buffer.from(bytes), isBinary, SIZES, KNOWN);
      expect(['pass', 'drop', 'close']).toContain(verdict.action);
      if (!isBinary) expect(verdict.action).toBe('close');
    }), { numRuns: 5000 });
  });

  it('the input decoder accepts every input frame the classifier passes, and nothing it decodes is out of type', () => {
    fc.assert(fc.property(fc.array(frameBytes, { maxLength: 8 }), (frames) => {
      const decoder = new InputDecoder(new InputMessage());
      for (const bytes of frames) {
        const buf = Buffer.from(bytes);
        const verdict = classifyFrame(buf, true, SIZES, KNOWN);
        if (verdict.action !== 'pass' || verdict.kind !== 'input' || (buf[0]! & 0x80) !== 0) continue;
        const input = decoder.decode(buf.subarray(1)) as unknown as Record<string, unknown>;
        for (const field of ['seq', 'moveX', 'moveY', 'aim']) expect(['number', 'undefined']).toContain(typeof input[field]);
        expect(['boolean', 'undefined']).toContain(typeof input.fire);
        const normalized = normalizeInput({ seq: Number(input.seq ?? 0), moveX: Number(input.moveX ?? 0), moveY: Number(input.moveY ?? 0), aim: Number(input.aim ?? 0), fire: input.fire === true });
        expect([-1, 0, 1]).toContain(normalized.moveX);
        expect(normalized.aim).toBeGreaterThanOrEqual(0);
        expect(normalized.aim).toBeLessThan(AIM_STEPS_PER_TURN);
      }
    }), { numRuns: 2000 });
  });

  it('every input the SDK encoder writes passes the strict input check (no false rejections)', () => {
    const input = fc.record({
      seq: fc.integer({ min: 0, max: 0xffffffff }),
      moveX: fc.integer({ min: -128, max: 127 }),
      moveY: fc.integer({ min: -128, max: 127 }),
      aim: fc.integer({ min: 0, max: 0xffff }),
      fire: fc.boolean(),
    });
    fc.assert(fc.property(fc.array(input, { minLength: 1, maxLength: 20 }), (inputs) => {
      const instance = new InputMessage();
      const encoder = new InputEncoder(instance);
      for (const value of inputs) {
        Object.assign(instance, value);
        const frame = Buffer.from([CODE.INPUT, ...encoder.encode()]);
        expect(classifyFrame(frame, true, SIZES, KNOWN)).toEqual({ action: 'pass', kind: 'input' });
      }
    }), { numRuns: 500 });
  });

  it('the payload shape check never throws, and what it calls ok msgpackr decodes into plain data', () => {
    const payload = fc.oneof(
      fc.uint8Array({ maxLength: 80 }),
      fc.anything({ maxDepth: 4, withMap: true, withSet: true, withDate: true, withTypedArray: true, withBigInt: true, withNullPrototype: true }).map((v) => {
        try {
          return new Packr().pack(v);
        } catch {
          return new Uint8Array([0xc1]);
        }
      }),
    );
    fc.assert(fc.property(payload, (bytes) => {
      const verdict = checkPlainMsgpack(bytes, 0, MAX_PAYLOAD_DEPTH);
      expect(['ok', 'malformed', 'too_deep']).toContain(verdict);
      if (verdict === 'ok' && bytes.length > 0) expect(isPlain(unpack(Buffer.from(bytes)))).toBe(true);
    }), { numRuns: 5000 });
  });

  it('every JSON-like payload the SDK encoder writes passes the shape check (no false rejections)', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: MAX_PAYLOAD_DEPTH - 1 }), (value) => {
      const bytes = new Packr().pack(value);
      expect(checkPlainMsgpack(bytes, 0, MAX_PAYLOAD_DEPTH)).toBe('ok');
    }), { numRuns: 2000 });
  });

  it('the chat handler\'s validation never throws and only lets clean, bounded text through', () => {
    fc.assert(fc.property(fc.oneof(fc.anything({ maxDepth: 2 }), fc.record({ text: fc.string({ unit: 'binary', maxLength: 400 }) })), (raw) => {
      const parsed = clientMessageSchemas.chat.safeParse(raw);
      if (!parsed.success) return;
      // Limits count Unicode code points.
      expect([...parsed.data.text].length).toBeGreaterThan(0);
      expect([...parsed.data.text].length).toBeLessThanOrEqual(CHAT_MAX_CHARS);
      expect(parsed.data.text).not.toMatch(INVISIBLE);
      expect(cleanText(parsed.data.text)).toBe(parsed.data.text);
      expect(Object.keys(parsed.data)).toEqual(['text']);
    }), { numRuns: 3000 });
  });

  it('join and create options: validation never throws and lets only bounded, known fields through', () => {
    const options = fc.oneof(
      fc.anything({ maxDepth: 2 }),
      fc.record({ name: fc.string({ unit: 'binary', maxLength: 80 }), maxPlayers: fc.double(), private: fc.anything({ maxDepth: 0 }), map: fc.string(), spectate: fc.anything({ maxDepth: 0 }) }, { requiredKeys: ['name'] }),
    );
    fc.assert(fc.property(options, (raw) => {
      const parsed = joinOptionsSchema.safeParse(raw);
      if (!parsed.success) return;
      expect(Object.keys(parsed.data).every((k) => ['name', 'private', 'maxPlayers', 'map', 'spectate'].includes(k))).toBe(true);
      expect([...parsed.data.name].length).toBeGreaterThan(0);
      expect([...parsed.data.name].length).toBeLessThanOrEqual(NAME_MAX_CHARS);
      expect(parsed.data.name).not.toMatch(INVISIBLE);
      if (parsed.data.maxPlayers !== undefined) {
        expect(Number.isInteger(parsed.data.maxPlayers)).toBe(true);
        // The schema's bound is the largest room type's; arena rooms refuse more than their own limit at creation.
        expect(parsed.data.maxPlayers).toBeLessThanOrEqual(BATTLE_MAX_PLAYERS);
      }
    }), { numRuns: 3000 });
  });

  it('token verification never throws and never accepts a made-up token', async () => {
    const tokens = new GuestTokens('fuzz-secret-fuzz-secret-fuzz-secret-00', 60);
    await fc.assert(fc.asyncProperty(fc.oneof(fc.string({ maxLength: 200 }), fc.anything({ maxDepth: 1 }), fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((p) => p.join('.'))), async (token) => {
      const check = await tokens.verify(token);
      expect(check.ok).toBe(false);
    }), { numRuns: 1000 });
  });
});

describe('a live room under fuzzed frames', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let honest: HonestPlayer;
  let base: Baseline;
  const uncaught: unknown[] = [];
  const onUncaught = (err: unknown) => uncaught.push(err);

  beforeAll(async () => {
    process.on('uncaughtException', onUncaught);
    server = await startTestServer({ security: { joinsPerIpPerMinute: 100_000, guestTokensPerIpPerMinute: 100_000 } });
    honest = await honestPlayer(server.endpoint);
    base = await takeBaseline(server);
  });
  afterAll(async () => {
    process.off('uncaughtException', onUncaught);
    await honest?.stop();
    await server?.close();
  });

  it('survives random frames: every connection ends with a documented code, the room and its other player carry on', async () => {
    // 4000: the fuzzer sent a leave frame, which is a consented leave.
    const documented = [1008, 1009, 4000, 4002, 4100, 4101];
    const codes: number[] = [];
    let raw: RawSocket | undefined;
    const threwBefore = await rejections('message', 'handler_threw');
    const t0 = performance.now();
    await fc.assert(fc.asyncProperty(fc.array(frameBytes, { minLength: 1, maxLength: 6 }), async (frames) => {
      if (raw === undefined || raw.ws.readyState !== raw.ws.OPEN) {
        raw = await joinRaw(server.endpoint, { room: { method: 'joinById', nameOrId: honest.room.roomId }, join: { name: 'fuzz' } });
        const current = raw;
        void current.closed.then((code) => codes.push(code));
      }
      for (const bytes of frames) if (raw.ws.readyState === raw.ws.OPEN && bytes.length <= MAX_MESSAGE_BYTES) raw.ws.send(bytes);
      await sleep(15);
    }), { numRuns: 150, interruptAfterTimeLimit: 40_000 });
    raw?.ws.close();
    await sleep(200);
    expect(performance.now() - t0).toBeLessThan(60_000);
    expect(codes.length).toBeGreaterThan(5);
    for (const code of codes) expect([...documented, 1000, 1005]).toContain(code);
    expect(uncaught).toEqual([]);
    expect(await rejections('message', 'handler_threw')).toBe(threwBefore);
    await honest.stillPlaying();
    await expectHealthy(server.endpoint);
    await expectBackToBaseline(server, base);
  }, 90_000);
});
