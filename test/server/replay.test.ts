import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Lobby } from '../../game-client/net/lobby.ts';
import { parseReplay, type ReplayLine } from '../../shared/replay/format.ts';
import { resimulate } from '../../shared/replay/resimulate.ts';
import { playFor, wanderer } from '../helpers/netBots.ts';
import { startTestServer } from '../helpers/server.ts';
import { waitFor } from '../helpers/wait.ts';

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
  file = await waitFor('replay file closed', () => {
    const name = readdirSync(dir).find((f) => f.endsWith('.replay.ndjson'));
    if (!name) return undefined;
    const full = path.join(dir, name);
    return readFileSync(full, 'utf8').includes('["e",') ? full : undefined;
  }, { timeoutMs: 10_000 });
}, 60_000);

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('replays', () => {
  it('re-simulating a recorded room reproduces every checksum and the final world hash', () => {
    const lines = parseReplay(readFileSync(file, 'utf8'));
    const result = resimulate(lines);
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
    const result = resimulate(lines);
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
