import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_CODES } from '../../shared/closeCodes.ts';
import { MAX_MESSAGES_PER_SECOND, MAX_VIOLATIONS_PER_CLIENT } from '../../shared/limits.ts';
import { Lobby } from '../../game-client/net/lobby.ts';
import type { ArenaSession } from '../../game-client/net/session.ts';
import { closed, joinArenaById, leaveAll, reconnectArena, createArena, type ArenaRoom } from '../helpers/clients.ts';
import { localRoom } from '../helpers/rooms.ts';
import { startTestServer } from '../helpers/server.ts';
import { play } from '../helpers/sessions.ts';
import { sleep, waitFor } from '../helpers/wait.ts';

/** Short enough to test expiry, long enough for an automatic reconnect on a loaded machine. */
const WINDOW_S = 3;

let server: Awaited<ReturnType<typeof startTestServer>>;
const rooms: ArenaRoom[] = [];
const sessions: ArenaSession[] = [];

beforeAll(async () => {
  server = await startTestServer({ operations: { reconnectWindowS: WINDOW_S } });
});
afterEach(async () => {
  await leaveAll(rooms.splice(0));
  await Promise.all(sessions.splice(0).map((s) => s.leave().catch(() => undefined)));
});
afterAll(async () => {
  await server?.close();
});

async function session(enter: (lobby: Lobby) => Promise<ArenaSession>): Promise<ArenaSession> {
  const s = await enter(new Lobby(server.endpoint));
  sessions.push(s);
  return s;
}

async function track(room: Promise<ArenaRoom>): Promise<ArenaRoom> {
  const r = await room;
  rooms.push(r);
  return r;
}

/** A raw SDK room that does not reconnect by itself, so the test decides who uses the token. */
async function passiveRoom(code: string, name: string): Promise<ArenaRoom> {
  const r = await track(joinArenaById(server.endpoint, code, { name }));
  r.reconnection.enabled = false;
  return r;
}

describe('reconnection', () => {
  it('a dropped player keeps seat, position, health and score, and the session shows "reconnecting" until it is back', async () => {
    const a = await session((l) => l.createPrivate('alice'));
    const watcher = await passiveRoom(a.code, 'watcher');
    await play(a, 5000, undefined, () => a.frame(performance.now()).self?.alive === true);
    const server_ = localRoom(a.code);
    const me = server_.world().players.get(a.sessionId)!;
    me.kills = 3;
    me.deaths = 1;
    me.hp = 50;
    await waitFor('score visible', () => watcher.state.players.get(a.sessionId)?.kills === 3);
    const before = { x: me.x, y: me.y, hp: 50, kills: 3, deaths: 1 };

    const statuses: string[] = [];
    a.events.on('connection', (c) => statuses.push(c.status));
    let watcherLostA = false;
    watcher.onStateChange(() => { if (!watcher.state.players.get(a.sessionId)) watcherLostA = true; });

    server_.terminate(a.sessionId);
    await waitFor('session reconnecting', () => a.status === 'reconnecting', { timeoutMs: 3000 });
    await play(a, 8000, undefined, () => a.status === 'playing');
    expect(a.status).toBe('playing');
    expect(statuses).toEqual(['reconnecting', 'playing']);

    const after = server_.world().players.get(a.sessionId)!;
    expect({ x: after.x, y: after.y, hp: after.hp, kills: after.kills, deaths: after.deaths }).toEqual(before);
    await play(a, 1000);
    expect(a.frame(performance.now()).self).toMatchObject({ kills: 3, deaths: 1, hp: 50 });
    expect(watcherLostA).toBe(false);
  });

  it('inputs keep applying after a reconnect: none applied twice, none lost that the server acknowledged', async () => {
    const a = await session((l) => l.createPrivate('mover'));
    await play(a, 5000, undefined, () => a.frame(performance.now()).self?.alive === true);
    const server_ = localRoom(a.code);
    const applied: number[] = [];
    server_.onStep((world) => {
      const seq = world.players.get(a.sessionId)?.lastInputSeq ?? 0;
      if (seq !== (applied.at(-1) ?? 0)) applied.push(seq);
    });
    let dir = 1;
    const move = () => ({ moveX: dir, moveY: 0, aim: 0, fire: false });
    await play(a, 1200, move);
    dir = -1;
    await play(a, 300, move);
    const ackedBeforeDrop = a.stats().inputsAcked;
    const sentBeforeDrop = a.stats().inputsSent;
    expect(ackedBeforeDrop).toBeGreaterThan(20);

    server_.terminate(a.sessionId);
    await waitFor('reconnecting', () => a.status === 'reconnecting', { timeoutMs: 3000 });
    await play(a, 8000, move, () => a.status === 'playing');
    expect(a.status).toBe('playing');
    const xBack = server_.world().players.get(a.sessionId)!.x;
    await play(a, 1500, move);
    await play(a, 300);

    // Inputs after the reconnect continue the sequence and move the player.
    expect(a.stats().inputsSent).toBeGreaterThan(sentBeforeDrop + 20);
    await waitFor('acks after reconnect', () => a.stats().inputsAcked > sentBeforeDrop + 20);
    expect(applied.at(-1)).toBeGreaterThan(sentBeforeDrop + 20);
    expect(Math.abs(server_.world().players.get(a.sessionId)!.x - xBack)).toBeGreaterThan(60);
    // Strictly increasing: no seq was applied twice.
    for (let i = 1; i < applied.length; i++) expect(applied[i]).toBeGreaterThan(applied[i - 1]!);
    // Every input acknowledged before the drop was applied.
    const appliedSet = new Set(applied);
    const missing = [];
    for (let seq = applied[0]!; seq <= ackedBeforeDrop; seq++) if (!appliedSet.has(seq)) missing.push(seq);
    expect(missing).toEqual([]);
  });

  it('a wrong reconnection token is refused and does not lock the real player out', async () => {
    const host = await track(createArena(server.endpoint, { name: 'host', private: true }));
    const victim = await passiveRoom(host.roomId, 'victim');
    const token = victim.reconnectionToken;
    await waitFor('host sees victim', () => host.state.players.get(victim.sessionId));
    localRoom(host.roomId).terminate(victim.sessionId);
    await closed(victim);

    await expect(reconnectArena(server.endpoint, `${host.roomId}:not-the-token`)).rejects.toThrow(/^reconnection_failed$/);
    // Straight to the room's WebSocket with the victim's session id and a made-up token.
    const forged = new URL(victim.connection.url!);
    forged.searchParams.set('reconnectionToken', 'forged');
    const attacker = new WebSocket(forged.toString());
    const attackerClose = await new Promise<number>((resolve) => { attacker.onclose = (e) => resolve(e.code); });
    expect(attackerClose).toBe(4003);
    // The real token with its last character changed (to one it does not already end in).
    const secret = token.split(':')[1]!;
    const oneOff = `${secret.slice(0, -1)}${secret.endsWith('x') ? 'y' : 'x'}`;
    await expect(reconnectArena(server.endpoint, `${host.roomId}:${oneOff}`)).rejects.toThrow();
    expect(host.state.players.get(victim.sessionId)).toBeDefined();

    const back = await track(reconnectArena(server.endpoint, token));
    expect(back.sessionId).toBe(victim.sessionId);
    await waitFor('victim still in the room', () => host.state.players.get(victim.sessionId)?.name === 'victim');
  });

  it('the seat is held for the window and not after it', async () => {
    const host = await track(createArena(server.endpoint, { name: 'host', private: true }));
    const late = await passiveRoom(host.roomId, 'late');
    const token = late.reconnectionToken;
    await waitFor('host sees late', () => host.state.players.get(late.sessionId));
    const t0 = performance.now();
    localRoom(host.roomId).terminate(late.sessionId);
    await closed(late);
    await sleep(1000);
    expect(host.state.players.get(late.sessionId)).toBeDefined();
    await waitFor('seat released', () => host.state.players.get(late.sessionId) === undefined, { timeoutMs: WINDOW_S * 1000 + 3000 });
    expect(performance.now() - t0).toBeGreaterThan(WINDOW_S * 1000 - 200);
    await expect(reconnectArena(server.endpoint, token)).rejects.toThrow(/^reconnection_failed$/);
  });

  it('a client kicked for violations gets no reconnection', async () => {
    const host = await track(createArena(server.endpoint, { name: 'host', private: true }));
    const bad = await passiveRoom(host.roomId, 'bad');
    const token = bad.reconnectionToken;
    const code = closed(bad);
    for (let i = 0; i < MAX_VIOLATIONS_PER_CLIENT + 2; i++) bad.send('chat', { text: null });
    expect(await code).toBe(CLOSE_CODES.TOO_MANY_VIOLATIONS);
    await waitFor('removed at once', () => host.state.players.get(bad.sessionId) === undefined, { timeoutMs: 2000 });
    await expect(reconnectArena(server.endpoint, token)).rejects.toThrow();
  });

  it('a client closed for flooding (rate limit, 4101) gets no reconnection', async () => {
    const host = await track(createArena(server.endpoint, { name: 'host', private: true }));
    const flood = await passiveRoom(host.roomId, 'flood');
    const token = flood.reconnectionToken;
    const code = closed(flood);
    for (let i = 0; i < MAX_MESSAGES_PER_SECOND * 2; i++) flood.send('chat', { text: 'spam' });
    expect(await code).toBe(CLOSE_CODES.RATE_LIMITED);
    await waitFor('removed at once', () => host.state.players.get(flood.sessionId) === undefined, { timeoutMs: 2000 });
    await expect(reconnectArena(server.endpoint, token)).rejects.toThrow();
  });
});
