import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GuestAuth } from '../../../game-client/net/guestAuth.ts';
import { Lobby } from '../../../game-client/net/lobby.ts';
import { PROFILE_COOKIE } from '../../../server/security/guestAuthRoute.ts';
import { cookieJarFetch } from '../../helpers/cookieJar.ts';
import { startServerProcess, type ServerProcess } from '../../helpers/serverProcess.ts';

/**
 * The refresh credential appears in its own Set-Cookie and in the Cookie header of /auth requests,
 * nowhere else: not in a response body, not in a URL, not in any log line, even at LOG_LEVEL=trace
 * (a server process started as `npm start` starts it, its whole output read).
 */
describe('the refresh credential', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'arena-cred-'));
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('never shows in a body or a log line', async () => {
    server = await startServerProcess({ LOG_LEVEL: 'trace', DATA_DIR: dataDir, CLIENT_DIR: 'none' });
    const endpoint = `http://127.0.0.1:${server.port}`;
    const jar = cookieJarFetch();
    const bodies: string[] = [];
    const recording: typeof jar.fetch = async (input, init) => {
      const res = await jar.fetch(input, init);
      bodies.push(await res.clone().text());
      return res;
    };
    const auth = new GuestAuth(endpoint, recording);
    const profile = await auth.signIn('leaky');
    const value = jar.cookies.get(PROFILE_COOKIE)!;
    const secret = value.split('.')[1]!;
    expect(secret).toHaveLength(43);
    await auth.signIn('leaky2');
    const session = await new Lobby(endpoint, { auth }).createPrivate('leaky2');
    await session.leave();
    // A sign-in with a wrong secret for the real id: refused quietly (a new profile), not echoed.
    const forged = `${value.split('.')[0]}.${'B'.repeat(43)}`;
    const other = await fetch(`${endpoint}/auth/guest`, { method: 'POST', headers: { cookie: `${PROFILE_COOKIE}=${forged}` } });
    expect((await other.json() as { profile: { id: string } }).profile.id).not.toBe(profile!.id);
    await fetch(`${endpoint}/auth/signout`, { method: 'POST', headers: { cookie: `${PROFILE_COOKIE}=${value}`, origin: endpoint } });
    await server.stop();
    const output = server.output();
    // The log saw this whole flow (the room opened for the sign-in's session, its match recorded).
    expect(output).toContain('"roomId"');
    expect(output).toContain('"matchId"');
    for (const text of [output, ...bodies]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('B'.repeat(43));
    }
  });
});
