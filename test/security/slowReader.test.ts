import type net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardOf } from '../../server/security/connectionGuard.ts';
import { SLOW_CONSUMER_CHECK_MS } from '../../server/security/limits.ts';
import { expectHeapBackTo, expectRejected, honestPlayer, localRoom, rejections, settledHeapBytes, type HonestPlayer } from '../helpers/attack.ts';
import { joinRaw } from '../helpers/clients.ts';
import { startTestServer } from '../helpers/server.ts';
import { sleep } from '../helpers/wait.ts';

const MAX_BUFFERED_BYTES = 256 * 1024;
/** What the room pushes to the slow reader: 64 KB every 20 ms = 3.2 MB/s, far more than a game sends. */
const CHUNK_BYTES = 1024;
const CHUNKS_PER_PUSH = 64;
const PUSH_EVERY_MS = 20;
const PUSH_BYTES_PER_MS = (CHUNK_BYTES * CHUNKS_PER_PUSH) / PUSH_EVERY_MS;

let server: Awaited<ReturnType<typeof startTestServer>>;
let honest: HonestPlayer;

beforeAll(async () => {
  // A long heartbeat, so it is the send-buffer check (not the missing pongs) that acts here.
  server = await startTestServer({ security: { maxBufferedBytes: MAX_BUFFERED_BYTES }, operations: { heartbeatIntervalMs: 60_000, reconnectWindowS: 1 } });
  honest = await honestPlayer(server.endpoint);
});
afterAll(async () => {
  await honest?.stop();
  await server?.close();
});

describe('a client that stops reading while the room keeps sending', () => {
  it('is terminated once its send buffer passes the cap, which bounds the memory it held', async () => {
    const baseline = await settledHeapBytes();
    const raw = await joinRaw(server.endpoint, { room: { method: 'joinById', nameOrId: honest.room.roomId }, join: { name: 'sponge' } });
    const serverSide = localRoom(honest.room.roomId).clients.getById(raw.seat.sessionId)!;
    const guard = guardOf(serverSide.ref)!;
    expect(guard).toBeDefined();
    (raw.ws as unknown as { _socket: net.Socket })._socket.pause();

    const before = await rejections('connection', 'slow_consumer');
    const chunk = 'x'.repeat(CHUNK_BYTES);
    const t0 = performance.now();
    // Bounded: at most 10 s of pushing.
    while (performance.now() - t0 < 10_000 && guard.ws.readyState === guard.ws.OPEN) {
      for (let i = 0; i < CHUNKS_PER_PUSH; i++) serverSide.send('bulk', chunk);
      await sleep(PUSH_EVERY_MS);
    }
    expect(guard.ws.readyState).not.toBe(guard.ws.OPEN);
    await expectRejected('connection', 'slow_consumer', before);
    // The guard saw at most the cap plus what arrives between two sweeps (and one push).
    expect(guard.peakBufferedBytes).toBeGreaterThan(MAX_BUFFERED_BYTES);
    expect(guard.peakBufferedBytes).toBeLessThan(MAX_BUFFERED_BYTES + PUSH_BYTES_PER_MS * SLOW_CONSUMER_CHECK_MS * 4 + CHUNK_BYTES * CHUNKS_PER_PUSH * 2);
    raw.ws.terminate();
    await honest.stillPlaying();
    await expectHeapBackTo(baseline);
  }, 30_000);
});
