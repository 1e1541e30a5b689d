import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHAT_HISTORY_LINES } from '../../shared/limits.ts';
import type { ServerMessages } from '../../shared/messages.ts';
import { CHAT_LIMIT } from '../../server/security/limits.ts';
import { createArena, joinArenaById, openRooms, unhandledMessages, type ArenaRoom } from '../helpers/clients.ts';
import { startTestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
const { track, leaveAll } = openRooms();

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await leaveAll();
  await server?.close();
});

describe('chat', () => {
  it('keeps the recent history and sends it, oldest first, to whoever joins', async () => {
    const host = await track(createArena(server.endpoint, { name: 'host', private: true }));
    const lines: string[] = [];
    const seen: string[] = [];
    host.onMessage('chat', (c: ServerMessages['chat']) => seen.push(c.text));
    // One after another: one address may hold only a few seats it is not playing in yet.
    const talkers: ArenaRoom[] = [];
    for (let i = 0; i < 5; i++) talkers.push(await track(joinArenaById(server.endpoint, host.roomId, { name: `talker${i}` })));
    for (const [i, talker] of talkers.entries()) {
      for (let j = 0; j < CHAT_LIMIT.burst; j++) {
        const text = `line ${i}.${j}`;
        lines.push(text);
        talker.send('chat', { text });
        await waitFor(`"${text}" delivered`, () => seen.includes(text));
      }
    }
    expect(lines.length).toBeGreaterThan(CHAT_HISTORY_LINES);

    const late = await track(joinArenaById(server.endpoint, host.roomId, { name: 'late' }));
    await waitFor('history received', () => unhandledMessages(late).some((m) => m.type === 'chatHistory'));
    const history = unhandledMessages(late).filter((m) => m.type === 'chatHistory').map((m) => m.message as ServerMessages['chatHistory']);
    expect(history).toHaveLength(1);
    expect(history[0]!.lines.map((l) => l.text)).toEqual(lines.slice(-CHAT_HISTORY_LINES));
  });

  it('strips control, zero-width, bidi-override and stacked combining characters, and keeps markup as plain text', async () => {
    const host = await track(createArena(server.endpoint, { name: 'ho\u200bst\u202e', private: true }));
    const guest = await track(joinArenaById(server.endpoint, host.roomId, { name: 'gu\u0000est' }));
    const got: ServerMessages['chat'][] = [];
    host.onMessage('chat', (c: ServerMessages['chat']) => got.push(c));
    const zalgo = `z${'\u0301'.repeat(30)}`;
    guest.send('chat', { text: `hi\u202egnirts\u2066 \u200b<img src=x onerror=alert(1)>\u0007 ${zalgo}   ` });
    await waitFor('cleaned line', () => got.length === 1);
    expect(got[0]).toMatchObject({ fromId: guest.sessionId, name: 'guest', text: `hignirts <img src=x onerror=alert(1)> z${'\u0301'.repeat(3)}` });
    await waitFor('host name cleaned', () => host.state.players.get(host.sessionId)?.name === 'host');
  });

  it('names a spectator\'s lines with the spectator\'s name, numbered apart from a player it looks like', async () => {
    const host = await track(createArena(server.endpoint, { name: 'player', private: true }));
    const watcher = await track(joinArenaById(server.endpoint, host.roomId, { name: 'Watchy', spectate: true }));
    const got: ServerMessages['chat'][] = [];
    host.onMessage('chat', (c: ServerMessages['chat']) => got.push(c));
    watcher.send('chat', { text: 'hi from the stands' });
    await waitFor('the spectator\'s line', () => got.length === 1);
    expect(got[0]).toEqual({ fromId: watcher.sessionId, name: 'Watchy', text: 'hi from the stands' });
    // A spectator cannot chat as the player it mimics.
    const mimic = await track(joinArenaById(server.endpoint, host.roomId, { name: 'PLAYER', spectate: true }));
    mimic.send('chat', { text: 'it is me' });
    await waitFor('the mimic\'s line', () => got.length === 2);
    expect(got[1]).toEqual({ fromId: mimic.sessionId, name: 'PLAYER (2)', text: 'it is me' });
  });
});
