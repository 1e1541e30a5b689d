import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinArena, newGuest, openRawSocket, reserveSeat, roomSocketUrl } from '../helpers/clients.ts';
import { startServerProcess, type ServerProcess } from '../helpers/serverProcess.ts';
import { TEST_AUTH_SECRET, forgeToken, tamper, unsignedToken } from '../helpers/tokens.ts';
import { waitFor } from '../helpers/wait.ts';

let server: ServerProcess;
let endpoint: string;

beforeAll(async () => {
  // The real entry point, logging everything it can.
  server = await startServerProcess({ LOG_LEVEL: 'trace', AUTH_SECRET: TEST_AUTH_SECRET, CLIENT_DIR: 'none' });
  endpoint = server.url.replace(/\/$/, '');
});
afterAll(async () => {
  await server?.stop();
});

describe('logs', () => {
  it('record every rejection with its reason and never a token, a secret or a bearer header', async () => {
    const guest = newGuest(endpoint);
    const good = await guest.token();
    const room = await joinArena(endpoint, { name: 'logged' }, guest);
    room.send('chat', { text: 'hello', extra: 'x' }); // a violation, logged
    const bad = [await forgeToken({ expiresInS: -120 }), tamper(await forgeToken()), unsignedToken(), `${good}x`];
    for (const token of bad) {
      const res = await fetch(`${endpoint}/matchmake/joinOrCreate/arena`, {
        method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"name":"x"}',
      });
      expect(res.status).toBe(401);
    }
    const seat = await reserveSeat(endpoint, 'joinById', room.roomId, { name: 'leaky' }, guest);
    const leaky = openRawSocket(roomSocketUrl(endpoint, seat, { _authToken: good }));
    await leaky.opened.catch(() => undefined);
    await room.leave(true);

    await waitFor('rejections logged', () => ['token_expired', 'token_bad_signature', 'token_alg_not_allowed', 'token_in_url', 'invalid_message']
      .every((reason) => server.output().includes(`"reason":"${reason}"`)));
    const output = server.output();
    for (const token of [good, ...bad]) {
      expect(output).not.toContain(token);
      expect(output).not.toContain(token.split('.')[1]!); // the claims
      const signature = token.split('.')[2]!;
      if (signature.length > 8) expect(output).not.toContain(signature);
    }
    expect(output).not.toContain(TEST_AUTH_SECRET);
    expect(output.toLowerCase()).not.toContain('bearer');
    expect(output).not.toContain(seat.sessionId + '&'); // no raw WebSocket URLs either
  });
});
