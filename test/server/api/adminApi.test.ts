import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES, JOIN_REJECTIONS } from '../../../shared/closeCodes.ts';
import { GuestAuth } from '../../../game-client/net/guestAuth.ts';
import { Lobby } from '../../../game-client/net/lobby.ts';
import type { ArenaSession } from '../../../game-client/net/session.ts';
import { ADMIN_TOKEN_HEADER } from '../../../server/api/adminApi.ts';
import { BALL_GAME, BALL_ROOM } from '../../../shared/games/ball/definition.ts';
import { GUESS_LIMITS } from '../../../server/security/limits.ts';
import { cookieJarFetch } from '../../helpers/cookieJar.ts';
import { startTestServer } from '../../helpers/server.ts';
import { createTestDatabase, type TestDatabase } from '../../helpers/stores.ts';
import { waitFor } from '../../helpers/wait.ts';

const TOKEN = 'admin-token-admin-token-0123456789';

/**
 * The admin API over real HTTP and WebSockets (one server: Colyseus' matchmaker is process-wide):
 * every action does what it says and is audited; refused without the right header (last: wrong
 * tokens spend this address' guessing budget).
 */
describe('admin API', () => {
  let tdb: TestDatabase;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  const sessions: ArenaSession[] = [];
  beforeAll(async () => {
    tdb = await createTestDatabase('sqlite');
    server = await startTestServer({ store: tdb.config, adminToken: TOKEN });
  });
  afterAll(async () => {
    await Promise.all(sessions.map((s) => s.leave().catch(() => undefined)));
    await server?.close();
    await tdb?.drop();
  });
  const admin = async (method: string, path: string, body?: unknown, token: string | null = TOKEN) => {
    const headers: Record<string, string> = {};
    if (token !== null) headers[ADMIN_TOKEN_HEADER] = token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.endpoint}/admin/api${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, body: await res.json() as any };
  };
  async function player(name: string) {
    const jar = cookieJarFetch();
    const auth = new GuestAuth(server.endpoint, jar.fetch);
    const profile = (await auth.signIn(name))!;
    return { profile, lobby: new Lobby(server.endpoint, { auth }) };
  }

  it('lists rooms and players, bans (kicking the player, refusing its joins), unbans, closes a room, deletes a profile; all audited', async () => {
    const eve = await player('eve');
    const bob = await player('bob');
    const s1 = await eve.lobby.createPrivate('eve');
    const s2 = await bob.lobby.joinByCode(s1.code, 'bob');
    sessions.push(s1, s2);
    const rooms = await admin('GET', '/rooms');
    expect(rooms.body.rooms.map((r: any) => r.roomId)).toContain(s1.code);
    const players = await admin('GET', `/rooms/${s1.code}/players`);
    expect(players.body.players.map((p: any) => p.profileId).sort()).toEqual([eve.profile.id, bob.profile.id].sort());

    const closed = new Promise<{ code: number }>((resolve) => s1.events.on('closed', resolve));
    expect(await admin('POST', `/players/${eve.profile.id}/ban`, { reason: 'griefing' })).toEqual({ status: 200, body: { banned: eve.profile.id, kicked: 1 } });
    expect((await closed).code).toBe(CLOSE_CODES.KICKED_BY_ADMIN);
    const refused = await eve.lobby.joinByCode(s1.code, 'eve').then(() => undefined, (e: Error) => e);
    expect(refused?.message).toContain(`${JOIN_REJECTIONS.BANNED}: griefing`);
    expect(await admin('POST', `/players/${eve.profile.id}/ban`, { reason: '' })).toMatchObject({ status: 400 });
    expect(await admin('POST', `/players/${eve.profile.id}/ban`, { reason: 'x', extra: 1 })).toMatchObject({ status: 400 });

    expect((await admin('DELETE', `/players/${eve.profile.id}/ban`)).status).toBe(200);
    const back = await eve.lobby.joinByCode(s1.code, 'eve');
    sessions.push(back);

    const bobClosed = new Promise<{ code: number }>((resolve) => s2.events.on('closed', resolve));
    expect((await admin('POST', `/rooms/${s1.code}/close`)).status).toBe(200);
    expect((await bobClosed).code).toBe(CLOSE_CODES.SHUTDOWN_DEADLINE);
    expect((await admin('POST', '/rooms/NOSUCHROOM/close')).status).toBe(404);

    expect((await admin('DELETE', `/players/${bob.profile.id}`)).status).toBe(200);
    expect((await fetch(`${server.endpoint}/api/players/${bob.profile.id}`)).status).toBe(404);
    expect((await admin('DELETE', `/players/${bob.profile.id}`)).status).toBe(404);

    const audit = await waitFor('the audit entries', async () => {
      const a = await admin('GET', '/audit');
      return a.body.entries.length >= 6 ? a.body.entries : undefined;
    });
    expect(audit.map((e: any) => e.action).sort()).toEqual(['ban', 'close_room', 'close_room', 'delete_profile', 'delete_profile', 'unban'].sort());
  });

  it('reaches rooms of every game: a ball room\'s players are listed, a ban kicks its player, a close ends it', async () => {
    const kim = await player('kim');
    const lee = await player('lee');
    // The same guests (their profiles) in the second game's room.
    const open = (who: typeof kim, name: string) => new Lobby(server.endpoint, { auth: who.lobby.auth, roomName: BALL_ROOM, games: [BALL_GAME] }).playGame(BALL_GAME, name);
    const k = await open(kim, 'kim');
    const l = await open(lee, 'lee');
    const left = [k, l];
    try {
      expect(l.code).toBe(k.code);
      const players = await admin('GET', `/rooms/${k.code}/players`);
      expect(players.status).toBe(200);
      expect(players.body.players.map((p: any) => p.profileId).sort()).toEqual([kim.profile.id, lee.profile.id].sort());

      const kimClosed = new Promise<{ code: number }>((resolve) => k.events.on('closed', resolve));
      expect(await admin('POST', `/players/${kim.profile.id}/ban`, { reason: 'own goals' })).toEqual({ status: 200, body: { banned: kim.profile.id, kicked: 1 } });
      expect((await kimClosed).code).toBe(CLOSE_CODES.KICKED_BY_ADMIN);
      expect((await admin('DELETE', `/players/${kim.profile.id}/ban`)).status).toBe(200);

      const leeClosed = new Promise<{ code: number }>((resolve) => l.events.on('closed', resolve));
      expect((await admin('POST', `/rooms/${k.code}/close`)).status).toBe(200);
      expect((await leeClosed).code).toBe(CLOSE_CODES.SHUTDOWN_DEADLINE);
    } finally {
      await Promise.all(left.map((s) => s.leave().catch(() => undefined)));
    }
  });

  it('refuses without the token, with a wrong one, and with one in the URL; guessing is budgeted', async () => {
    expect(await admin('GET', '/rooms', undefined, null)).toEqual({ status: 401, body: { code: 401, error: 'unauthorised' } });
    expect((await fetch(`${server.endpoint}/admin/api/rooms?token=${TOKEN}`, { headers: { [ADMIN_TOKEN_HEADER]: TOKEN } })).status).toBe(400);
    expect((await fetch(`${server.endpoint}/admin/api/rooms`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(401);
    const burst = GUESS_LIMITS.admin_token.perAddressFailures.burst;
    const statuses: number[] = [];
    for (let i = 0; i < burst + 1; i++) statuses.push((await admin('GET', '/rooms', undefined, `wrong-token-wrong-token-${i}`)).status);
    expect(statuses.slice(0, burst).every((s) => s === 401)).toBe(true);
    expect(statuses[burst]).toBe(429);
  });
});
