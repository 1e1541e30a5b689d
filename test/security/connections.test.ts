import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { DEFAULT_SECURITY, tcpSocketsPerPeer } from '../../server/security/limits.ts';
import { expectHealthy, expectHeapBackTo, expectRejected, honestPlayer, localRoom, rejections, settledHeapBytes, type HonestPlayer } from '../helpers/attack.ts';
import { joinRaw, openRawSocket, reserveSeat } from '../helpers/clients.ts';
import { startTestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

const JOIN_ACK_TIMEOUT_MS = 1000;
const HEADERS_TIMEOUT_MS = 1500;
const HEARTBEAT_MS = 500;
const SEAT_RESERVATION_S = 2;
const RECONNECT_WINDOW_S = 1;
let server: Awaited<ReturnType<typeof startTestServer>>;
let honest: HonestPlayer;

beforeAll(async () => {
  // Production limits, shorter clocks: the same code paths, fast enough for a test run.
  server = await startTestServer({
    security: {
      joinAckTimeoutMs: JOIN_ACK_TIMEOUT_MS,
      headersTimeoutMs: HEADERS_TIMEOUT_MS,
      seatReservationS: SEAT_RESERVATION_S,
    },
    operations: { heartbeatIntervalMs: HEARTBEAT_MS, reconnectWindowS: RECONNECT_WINDOW_S },
  });
  honest = await honestPlayer(server.endpoint);
});
afterAll(async () => {
  await honest?.stop();
  await server?.close();
});

function reservedSeats(roomId: string): number {
  return Object.keys((localRoom(roomId) as unknown as { _reservedSeats: object })._reservedSeats).length;
}

/**
 * Open a raw TCP socket; resolves once connected, with how it ends. An idle socket is ended by
 * whichever of Node's two clocks fires first: the socket timeout closes it silently, the
 * connections check (headersTimeout) answers `408 Request Timeout` first. The socket reads and
 * drops what it receives: a stream whose bytes nobody reads never emits 'end' or 'close', which
 * made a socket ended by a 408 look open forever (1 run in 12 with both cores busy).
 */
async function tcp(localAddress: string): Promise<{ socket: net.Socket; closedAtMs: () => number | undefined }> {
  const socket = net.connect({ host: '127.0.0.1', port: server.port, localAddress });
  let closedAt: number | undefined;
  socket.resume();
  socket.on('close', () => { closedAt = performance.now(); });
  socket.on('error', () => undefined);
  await new Promise<void>((resolve) => { socket.once('connect', () => resolve()); socket.once('close', () => resolve()); });
  return { socket, closedAtMs: () => closedAt };
}

describe('connections that never get going are dropped in bounded time', () => {
  it('a WebSocket that never acknowledges its join is closed with 4102 and its seat freed', async () => {
    const before = await rejections('connection', 'join_timeout');
    const t0 = performance.now();
    const raw = await joinRaw(server.endpoint, { room: { method: 'joinById', nameOrId: honest.room.roomId }, ack: false });
    expect(await raw.closed).toBe(CLOSE_CODES.JOIN_TIMEOUT);
    expect(performance.now() - t0).toBeLessThan(JOIN_ACK_TIMEOUT_MS + 2000);
    await expectRejected('connection', 'join_timeout', before);
    await waitFor('seat freed', () => localRoom(honest.room.roomId).clients.length === 1 && reservedSeats(honest.room.roomId) === 0);
    await honest.stillPlaying();
  });

  it('a reserved seat nobody connects to is released', async () => {
    await reserveSeat(server.endpoint, 'joinById', honest.room.roomId, { name: 'ghost' });
    expect(reservedSeats(honest.room.roomId)).toBe(1);
    await waitFor('reservation expired', () => reservedSeats(honest.room.roomId) === 0, { timeoutMs: SEAT_RESERVATION_S * 1000 + 2000 });
  });

  it('a silent TCP socket and a slowloris request are both closed', async () => {
    const t0 = performance.now();
    const silent = await tcp('127.0.0.1');
    const slow = await tcp('127.0.0.1');
    const drip = setInterval(() => { if (!slow.socket.destroyed) slow.socket.write('X-Drip: 1\r\n'); }, 300);
    slow.socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
    await waitFor('both closed', () => silent.closedAtMs() !== undefined && slow.closedAtMs() !== undefined, { timeoutMs: HEADERS_TIMEOUT_MS * 3 });
    clearInterval(drip);
    expect(silent.closedAtMs()! - t0).toBeLessThan(HEADERS_TIMEOUT_MS * 2 + 500);
    expect(slow.closedAtMs()! - t0).toBeLessThan(HEADERS_TIMEOUT_MS * 2 + 500);
  });

  it('1,000 idle connections from one address: the cap holds, the rest are refused at once, all are gone in bounded time', async () => {
    const baseline = await settledHeapBytes();
    const peersBefore = server.security.edge.stats().socketPeers;
    const before = await rejections('tcp', 'too_many_connections');
    // The server's own view, exact whatever the machine's load: the edge refuses a socket in its
    // accept handler (no listener sees it), so every 'connection' seen here was admitted. Counting
    // on the client's side instead raced the idle timeout whenever opening 1,000 sockets took
    // longer than it on a loaded machine.
    const kept = tcpSocketsPerPeer(DEFAULT_SECURITY);
    let admitted = 0;
    let open = 0;
    let peak = 0;
    let lastAdmittedAt = 0;
    let lastClosedAt = 0;
    const onConnection = (socket: net.Socket) => {
      if (socket.remoteAddress?.replace(/^::ffff:/, '') !== '127.0.0.2') return;
      admitted++;
      peak = Math.max(peak, ++open);
      lastAdmittedAt = performance.now();
      socket.once('close', () => { open--; lastClosedAt = performance.now(); });
    };
    server.httpServer.on('connection', onConnection);
    try {
      const sockets: Array<Awaited<ReturnType<typeof tcp>>> = [];
      for (let batch = 0; batch < 10; batch++) {
        sockets.push(...await Promise.all(Array.from({ length: 100 }, () => tcp('127.0.0.2'))));
        // The attacker is this process too, and a Node process busy completing its own connects
        // accepts about one of them per event-loop turn: unwaited, the kernel's accept queue
        // (511) overflowed at the sixth batch, dropped handshakes, and their SYN-ACK retries
        // (1 s, 3 s, 7 s) let some sockets reach the server only after this test stopped waiting
        // (`nstat` TcpExtListenOverflows: 83 a run). A real attacker is another process; here the
        // server takes each batch before the next comes.
        const opened = sockets.length;
        await waitFor(`the server took the ${opened} sockets opened so far`, async () => admitted + (await rejections('tcp', 'too_many_connections')) - before >= opened, {
          timeoutMs: 5000,
          describe: () => `admitted ${admitted}`,
        });
      }
      // Never more than the cap at once, and the cap reached; every other socket refused (counted).
      expect(peak).toBe(kept);
      await expectRejected('tcp', 'too_many_connections', before, 1000 - admitted);
      expect(await rejections('tcp', 'too_many_connections')).toBe(before + 1000 - admitted);
      await honest.stillPlaying();
      await expectHealthy(server.endpoint);

      // The ones let in said nothing, so the idle timeout ends them.
      await waitFor('all closed', () => open === 0 && sockets.every((s) => s.closedAtMs() !== undefined), {
        timeoutMs: HEADERS_TIMEOUT_MS * 6,
        describe: () => {
          const stuck = sockets.filter((s) => s.closedAtMs() === undefined);
          const ports = stuck.slice(0, 5).map((s) => `${s.socket.localPort}:${s.socket.readyState}:${s.socket.connecting ? 'connecting' : 'connected'}:${s.socket.bytesRead} bytes read`);
          return `${open} admitted still open on the server (of ${admitted}); ${stuck.length} client sockets not closed, e.g. ${ports.join(' ')}; last admitted ${Math.round(performance.now() - lastAdmittedAt)} ms ago`;
        },
      });
      expect(lastClosedAt - lastAdmittedAt).toBeLessThan(HEADERS_TIMEOUT_MS * 6 + 2000);
      await waitFor('edge forgot the address', () => server.security.edge.stats().socketPeers === peersBefore);
    } finally {
      server.httpServer.off('connection', onConnection);
    }
    await expectHeapBackTo(baseline);
  }, 30_000);

  it('a WebSocket with nowhere to go is closed within about a second', async () => {
    const raw = openRawSocket(server.endpoint.replace('http', 'ws'));
    await raw.opened;
    const t0 = performance.now();
    // Colyseus closes its room-less "ping utility" sockets after 1 s (1000); the join deadline
    // (4102) is set to the same second here, so either may win.
    expect([1000, CLOSE_CODES.JOIN_TIMEOUT]).toContain(await raw.closed);
    expect(performance.now() - t0).toBeLessThan(2500);
  });
});

describe('a client that stops reading', () => {
  it('is terminated by the heartbeat and its seat released after the reconnection window', async () => {
    const raw = await joinRaw(server.endpoint, { room: { method: 'joinById', nameOrId: honest.room.roomId }, join: { name: 'sleeper' } });
    await waitFor('sleeper visible', () => honest.room.state.players.get(raw.seat.sessionId));
    const t0 = performance.now();
    (raw.ws as unknown as { _socket: net.Socket })._socket.pause(); // stop reading: no more pongs
    await waitFor('sleeper gone', () => honest.room.state.players.get(raw.seat.sessionId) === undefined, { timeoutMs: HEARTBEAT_MS * 4 + RECONNECT_WINDOW_S * 1000 + 3000 });
    expect(performance.now() - t0).toBeLessThan(HEARTBEAT_MS * 4 + RECONNECT_WINDOW_S * 1000 + 2000);
    expect(localRoom(honest.room.roomId).clients.length).toBe(1);
    raw.ws.terminate();
    await honest.stillPlaying();
  });
});
