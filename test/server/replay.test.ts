import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lobby } from '../../game-client/net/lobby.ts';
import { ARENA_GAME } from '../../shared/games/arena/definition.ts';
import { BALL_GAME, BALL_ROOM } from '../../shared/games/ball/definition.ts';
import { TICK_HZ } from '../../shared/limits.ts';
import { parseReplay, type ReplayHeader, type ReplayLine } from '../../shared/replay/format.ts';
import { resimulate } from '../../shared/replay/resimulate.ts';
import { sdkClient } from '../../tools/harness/joins.ts';
import { newGuest } from '../helpers/clients.ts';
import { playFor, wanderer } from '../helpers/netBots.ts';
import { startTestServer } from '../helpers/server.ts';
import { sleep, waitFor } from '../helpers/wait.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let dir: string;
let server: Awaited<ReturnType<typeof startTestServer>>;
let file: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'arena-replay-'));
  server = await startTestServer({ replayDir: dir, replayChecksumTicks: 10 });
  // Three players on the small map, moving and shooting, for a few seconds; then the room closes.
  // One Lobby per player: a Lobby is one guest, and a guest has one avatar per room.
  const lobby = () => new Lobby(server.endpoint);
  const host = await lobby().createPrivate('host');
  const others = [await lobby().joinByCode(host.code, 'two'), await lobby().joinByCode(host.code, 'three')];
  const sessions = [host, ...others];
  await playFor(sessions, sessions.map((_, i) => wanderer(i + 1, { rangePx: 2000 })), 4000);
  await Promise.all(sessions.map((s) => s.leave()));
  file = await closedReplay(host.code);
}, 60_000);

/** The replay file of room `code`, once the room has closed it (its final line written). */
function closedReplay(code: string): Promise<string> {
  return waitFor(`replay file of room ${code} closed`, () => {
    const name = readdirSync(dir).find((f) => f.startsWith(`${code}-`) && f.endsWith('.replay.ndjson'));
    if (!name) return undefined;
    const full = path.join(dir, name);
    return readFileSync(full, 'utf8').includes('["e",') ? full : undefined;
  }, { timeoutMs: 10_000 });
}

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('replays', () => {
  it('re-simulating a recorded room reproduces every checksum and the final world hash', () => {
    const lines = parseReplay(readFileSync(file, 'utf8'));
    const result = resimulate(lines, ARENA_GAME);
    expect((lines[0] as ['h', ReplayHeader])[1].game).toBe('arena');
    expect(result.players).toBe(3);
    expect(result.ticks).toBeGreaterThan(60);
    expect(result.inputs).toBeGreaterThan(150);
    expect(result.checksumsVerified).toBeGreaterThan(5);
    expect(result.divergence).toBeUndefined();
    expect(result.recordedFinalHash).toBe(result.finalHash);
    expect(result.reproduced).toBe(true);
    // The players fought, with lag-compensated shots among them (the recorded rewinds replay too).
    const shots = lines.filter((l): l is Extract<ReplayLine, ['s', ...unknown[]]> => l[0] === 's').flatMap((l) => l[2]).filter((t) => t[5] === 1);
    expect(shots.length).toBeGreaterThan(10);
  });

  it('flags the first checkpoint after a changed input', () => {
    const lines = parseReplay(readFileSync(file, 'utf8'));
    // The last player to join has just spawned a few ticks later: alive, and nobody can kill it
    // in under 24 ticks (four hits, eight-tick cooldown). Reverse one of its moves there.
    const lastJoin = lines.filter((l) => l[0] === 'j').at(-1) as ['j', number, string, string];
    const victim = lines.find((l) => l[0] === 's' && l[1] >= lastJoin[1] + 5 && l[2].some((t) => t[0] === 2)) as ['s', number, number[][]];
    const input = victim[2].find((t) => t[0] === 2)!;
    input[2] = input[2] === 1 ? -1 : 1;
    const result = resimulate(lines, ARENA_GAME);
    expect(result.reproduced).toBe(false);
    expect(result.divergence!.tick).toBeGreaterThanOrEqual(victim[1]);
    expect(result.divergence!.tick - victim[1]).toBeLessThan(10);
    expect(result.divergence!.lastGoodTick).toBeLessThan(victim[1]);
  });

  it('`npm run replay -- FILE` reports a reproduction, and a divergence with exit code 1', () => {
    const tsx = [`${ROOT}/node_modules/tsx/dist/cli.mjs`, 'server/replay/cli.ts'];
    const ok = execFileSync(process.execPath, [...tsx, file], { cwd: ROOT, encoding: 'utf8' });
    expect(ok).toMatch(/reproduced: yes/);
    const broken = path.join(dir, 'broken.replay.ndjson');
    writeFileSync(broken, readFileSync(file, 'utf8').replace(/\["c",(\d+),"[0-9a-f]{8}"\]/, '["c",$1,"00000000"]'));
    let code = 0;
    let out = '';
    try {
      execFileSync(process.execPath, [...tsx, broken], { cwd: ROOT, encoding: 'utf8' });
    } catch (err) {
      code = (err as { status: number }).status;
      out = (err as { stdout: string }).stdout;
    }
    expect(code).toBe(1);
    expect(out).toMatch(/DIVERGED: first at tick \d+/);
  });
});

describe('replays of the second game (any game definition records the same way)', () => {
  let ballFile: string;

  beforeAll(async () => {
    // Two players of the ball game: one runs at the ball (kickoff: the middle of the pitch) and
    // kicks it, the other stands; then both leave and the room closes.
    const striker = await sdkClient(server.endpoint, newGuest(server.endpoint)).create<any>(BALL_ROOM, { name: 'striker' });
    const keeper = await sdkClient(server.endpoint, newGuest(server.endpoint)).joinById<any>(striker.roomId, { name: 'keeper' });
    for (const room of [striker, keeper]) room.onMessage('*', () => undefined);
    await waitFor('both players in the state', () => striker.state?.players?.size === 2);
    const input = striker.input();
    const toward = (from: number, to: number) => (to > from + 4 ? 1 : to < from - 4 ? -1 : 0);
    const deadline = Date.now() + 8000;
    const ballMoved = () => striker.state.balls.get('ball').x !== 800;
    for (let i = 1; i <= 8 * TICK_HZ && Date.now() < deadline && !ballMoved(); i++) {
      const me = striker.state.players.get(striker.sessionId);
      const ball = striker.state.balls.get('ball');
      Object.assign(input.data as object, { seq: i, moveX: toward(me.x, ball.x), moveY: toward(me.y, ball.y), kick: true });
      input.send();
      await sleep(1000 / TICK_HZ);
    }
    expect(ballMoved()).toBe(true);
    const code = striker.roomId;
    await Promise.all([striker.leave(), keeper.leave()]);
    ballFile = await closedReplay(code);
  }, 60_000);

  it('re-simulating a recorded ball room reproduces every checksum and the final hash; a changed input diverges', () => {
    const lines = parseReplay(readFileSync(ballFile, 'utf8'));
    expect((lines[0] as ['h', ReplayHeader])[1]).toMatchObject({ game: 'ball', mapId: 'pitch' });
    const result = resimulate(lines, BALL_GAME);
    expect(result.players).toBe(2);
    expect(result.inputs).toBeGreaterThan(20);
    expect(result.checksumsVerified).toBeGreaterThan(3);
    expect(result.divergence).toBeUndefined();
    expect(result.recordedFinalHash).toBe(result.finalHash);
    expect(result.reproduced).toBe(true);
    // The tuple is the ball game's input layout: [player, seq, moveX, moveY, kick].
    const steps = lines.filter((l): l is Extract<ReplayLine, ['s', ...unknown[]]> => l[0] === 's');
    expect(steps[0]![2][0]).toHaveLength(5);
    // Reverse one of the striker's moves: the next checkpoint disagrees.
    const changed = steps[Math.floor(steps.length / 2)]!;
    changed[2][0]![2] = -changed[2][0]![2]!;
    const broken = resimulate(lines, BALL_GAME);
    expect(broken.reproduced).toBe(false);
    expect(broken.divergence!.tick).toBeGreaterThanOrEqual(changed[1]);
    expect(() => resimulate(lines, ARENA_GAME as never)).toThrow(/of game ball, not arena/);
  });

  it('`npm run replay -- FILE` picks the game the file names', () => {
    const out = execFileSync(process.execPath, [`${ROOT}/node_modules/tsx/dist/cli.mjs`, 'server/replay/cli.ts', ballFile], { cwd: ROOT, encoding: 'utf8' });
    expect(out).toMatch(/^game ball /);
    expect(out).toMatch(/reproduced: yes/);
  });
});
