import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerMessages } from '../../shared/messages.ts';
import { MAX_PENDING_SEATS_PER_ADDRESS_PER_ROOM } from '../../server/security/limits.ts';
import { expectRejected, httpFrom, rejections } from '../helpers/attack.ts';
import { createArena, joinArenaById, newGuest, openRawSocket, openRooms, type ArenaRoom } from '../helpers/clients.ts';
import { startTestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

/** Room-level abuse the attack run found besides the four classes ("Also seen" in issue 13). */

const MAX_WEBSOCKETS = 8;
let server: Awaited<ReturnType<typeof startTestServer>>;
const { track, leaveAll } = openRooms();

beforeAll(async () => {
  // Production limits, but few WebSockets per address so the cap is quick to reach.
  server = await startTestServer({ security: { maxConnectionsPerIp: MAX_WEBSOCKETS } });
});
afterAll(async () => {
  await leaveAll();
  await server?.close();
});

describe('seat reservations', () => {
  it('two addresses reserving every seat of a 2-player room hold only a few each, and an honest player still gets in', async () => {
    const host = await track(createArena(server.endpoint, { name: 'host', private: true, maxPlayers: 2 }));
    const token = await newGuest(server.endpoint).token();
    const reserve = (from: string, spectate: boolean) => httpFrom(from, `${server.endpoint}/matchmake/joinById/${host.roomId}`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ name: 'squatter', spectate }),
    }).then((r) => r.status);
    const before = await rejections('http', 'too_many_pending_seats');
    // The room has 2 + 16 seats (spectators count): enough reservations would keep it full.
    const a = await Promise.all(Array.from({ length: 17 }, (_, i) => reserve('127.0.0.21', i % 2 === 0)));
    const b = await Promise.all(Array.from({ length: 17 }, (_, i) => reserve('127.0.0.22', i % 2 === 1)));
    for (const statuses of [a, b]) {
      expect(statuses.filter((s) => s === 200)).toHaveLength(MAX_PENDING_SEATS_PER_ADDRESS_PER_ROOM);
      // The rest: no seat (409), or, while many of them are in flight at once, over the address'
      // room-code guessing budget (429: an attempt counts as a failed guess until it is answered).
      expect(statuses.filter((s) => s !== 200).every((s) => s === 409 || s === 429)).toBe(true);
    }
    await expectRejected('http', 'too_many_pending_seats', before);
    const friend = await track(joinArenaById(server.endpoint, host.roomId, { name: 'friend' }));
    await waitFor('friend plays', () => host.state.players.get(friend.sessionId));
  });
});

describe('display names', () => {
  it('duplicates and look-alikes are numbered on the scoreboard, the kill feed and chat; other names are left alone', async () => {
    const host = await track(createArena(server.endpoint, { name: 'bob', private: true }));
    const names = ['bob', 'b\u043eb', 'B0B', 'alice'];
    const joined: ArenaRoom[] = [];
    for (const name of names) joined.push(await track(joinArenaById(server.endpoint, host.roomId, { name })));
    const shown = () => joined.map((r) => host.state.players.get(r.sessionId)?.name);
    // Latin "bob", Cyrillic "bоb" and "B0B" all look like the host's "bob".
    await waitFor('all shown', () => shown().every((n) => n !== undefined));
    expect(host.state.players.get(host.sessionId)?.name).toBe('bob');
    expect(shown()).toEqual(['bob (2)', 'b\u043eb (3)', 'B0B (4)', 'alice']);
    const chats: Array<ServerMessages['chat']> = [];
    host.onMessage('chat', (c: ServerMessages['chat']) => chats.push(c));
    joined[1]!.send('chat', { text: 'it is me, bob' });
    await waitFor('chat', () => chats.length > 0);
    expect(chats[0]!.name).toBe('b\u043eb (3)');
    // A name frees up when its player leaves for good.
    await joined[0]!.leave(true);
    const again = await track(joinArenaById(server.endpoint, host.roomId, { name: 'alice' }));
    await waitFor('shown', () => host.state.players.get(again.sessionId)?.name === 'alice (2)');
  });
});

describe('WebSockets per address', () => {
  it('one more than the limit gets the documented 429, not a reset connection', async () => {
    const url = server.endpoint.replace('http', 'ws');
    const sockets = Array.from({ length: MAX_WEBSOCKETS + 1 }, () => openRawSocket(url, { localAddress: '127.0.0.31' }));
    const results = await Promise.all(sockets.map((s) => s.opened.then(() => 101, (e: { status?: number }) => e.status ?? 0)));
    expect(results.filter((r) => r === 101)).toHaveLength(MAX_WEBSOCKETS);
    expect(results.filter((r) => r === 429)).toHaveLength(1);
    for (const s of sockets) s.ws.terminate();
  });
});
