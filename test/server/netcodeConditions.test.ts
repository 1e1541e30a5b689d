import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INTERP_DELAY_MAX_MS } from '../../shared/limits.ts';
import { PLAYER_MAX_SPEED_PX_PER_S } from '../../shared/tuning.ts';
import { Lobby } from '../../game-client/net/lobby.ts';
import { parseNetSim } from '../../game-client/net/netsim/config.ts';
import type { Correction } from '../../game-client/net/prediction.ts';
import { SNAP_CORRECTION_PX } from '../../game-client/net/prediction.ts';
import type { ArenaSession } from '../../game-client/net/session.ts';
import { overloaded, playFor, serverStalled, wanderer, type LoopHealth } from '../helpers/netBots.ts';
import { startServerProcess, type ServerProcess } from '../helpers/serverProcess.ts';

const PLAY_MS = 24_000;
const WARMUP_MS = 8000;
/** 30 frames a second: a bot's pace, and half the CPU of 60 on a shared machine. */
const FRAME_MS = 33;
let health: LoopHealth;
/** The machine could not run this real time: the clients' frame loop or the server's steps were late. */
let machineStalled: false | string = false;
const SKIP_NOTE = 'the machine was too loaded to run a real-time game (runs whenever it is not, e.g. in CI)';

// The server runs in its own process, as it would on its own machine: the clients' frame loop
// does not delay its ticks.
let server: ServerProcess;
let sessions: ArenaSession[] = [];
const corrections: Correction[][] = [];
/** When each session saw its own player die or respawn. */
const lifeChanges: number[][] = [];
/**
 * Per-frame moves of remote players, with the frame's duration; `starvedMoves` counts those left
 * out because the frame was drawn while this process was starved (as for `dry` below): after a
 * stall the playout, having run dry on data the stall held back, catches up in one frame.
 */
const moves: Array<{ px: number; dtMs: number; atMs: number; sinceStallMs: number; session: number; underrunsSoFar: number }> = [];
let starvedMoves = 0;
/**
 * Underruns after warm-up, and how many the test process' own starvation explains (the machine is
 * shared): the frame that saw it came late (over two frame intervals after the previous one), or
 * the event loop stalled for over a frame interval within the playout delay before it. This
 * process also runs the simulated network: a stall holds patches unread in its socket and its
 * delivery timers unfired, so the data the playout was drawing arrives late by the stall, which
 * no network did. Those are not the buffer's doing.
 */
const dry = { onTime: 0, starved: 0 };
const loopDelay = monitorEventLoopDelay({ resolution: 5 });
let lastStallAt = -Infinity;
const lastUnderruns: number[] = [];
const lastFrameAt: number[] = [];
let startedAt = 0;

beforeAll(async () => {
  server = await startServerProcess();
  const endpoint = `http://127.0.0.1:${server.port}`;
  // Every client on its own simulated 150 ms ± 30 ms path with 5% TCP-like loss, both ways.
  const lobby = (seed: number) => new Lobby(endpoint, { netsim: parseNetSim(`rtt=150,jitter=30,loss=5,seed=${seed}`) });
  const host = await lobby(1).createPrivate('bot1');
  sessions = [host];
  for (let i = 2; i <= 4; i++) sessions.push(await lobby(i).joinByCode(host.code, `bot${i}`));
  sessions.forEach((s, i) => {
    corrections[i] = [];
    lifeChanges[i] = [];
    s.events.on('correction', (c) => corrections[i]!.push(c));
  });
  const lastAlive: Array<boolean | undefined> = sessions.map(() => undefined);
  const lastPos = sessions.map(() => new Map<string, { x: number; y: number; alive: boolean; at: number }>());
  startedAt = performance.now();
  loopDelay.enable();
  health = await playFor(sessions, sessions.map((_, i) => wanderer(i * 101 + 7, { rangePx: 700 })), PLAY_MS, (i, frame, now) => {
    const alive = frame.self?.alive;
    if (alive !== undefined && lastAlive[i] !== undefined && alive !== lastAlive[i]) lifeChanges[i]!.push(now);
    lastAlive[i] = alive;
    if (i === 0) {
      // The longest event-loop stall since the previous pass (nanoseconds).
      if (loopDelay.max / 1e6 > FRAME_MS) lastStallAt = now;
      loopDelay.reset();
    }
    const stats = sessions[i]!.stats();
    const underruns = stats.underruns;
    const starved = now - (lastFrameAt[i] ?? now) > 2 * FRAME_MS || now - lastStallAt <= stats.interpDelayMs;
    if (now - startedAt >= WARMUP_MS && underruns > (lastUnderruns[i] ?? underruns)) {
      if (starved) dry.starved++;
      else dry.onTime++;
    }
    lastUnderruns[i] = underruns;
    lastFrameAt[i] = now;
    for (const p of frame.players) {
      if (p.isSelf) continue;
      const before = lastPos[i]!.get(p.id);
      if (before && before.alive && p.alive) {
        if (starved) starvedMoves++;
        else moves.push({ px: Math.hypot(p.x - before.x, p.y - before.y), dtMs: now - before.at, atMs: now - startedAt, sinceStallMs: now - lastStallAt, session: i, underrunsSoFar: underruns });
      }
      lastPos[i]!.set(p.id, { x: p.x, y: p.y, alive: p.alive, at: now });
    }
  }, FRAME_MS);
  loopDelay.disable();
  machineStalled = overloaded(health) ? `clients' frame loop late: ${health.lateFrames} of ${health.frames} frames`
    : await serverStalled(endpoint) ? 'a server step fired over 250 ms late' : false;
}, 90_000);

afterAll(async () => {
  await Promise.all(sessions.map((s) => s.leave().catch(() => undefined)));
  await server?.stop();
});

describe('netcode at 150 ms RTT ± 30 ms with 5% TCP-like loss, bots moving and shooting', () => {
  it('own-player corrections happen only around deaths and respawns, and are bounded', ({ skip }) => {
    // A stalled server drops inputs it has no room for; that correction is the machine's doing.
    skip(machineStalled !== false, `${SKIP_NOTE}: ${machineStalled}`);
    let total = 0;
    sessions.forEach((_, i) => {
      for (const c of corrections[i]!) {
        total++;
        // Explained by a death or a respawn of this player at about the same moment.
        const explained = lifeChanges[i]!.some((t) => Math.abs(t - c.atMs) < 1000);
        expect({ correction: c, explained }).toMatchObject({ explained: true });
        if (!c.snapped) expect(c.sizePx).toBeLessThanOrEqual(SNAP_CORRECTION_PX);
      }
      expect(corrections[i]!.length).toBeLessThanOrEqual(2 * lifeChanges[i]!.length + 1);
    });
    // The bots did fight (so the zero above is not for want of collisions).
    expect(lifeChanges.flat().length).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(2 * lifeChanges.flat().length + sessions.length);
  });

  it('remote players never jump more than their speed allows in a frame (plus a fading correction)', ({ skip }) => {
    skip(machineStalled !== false, `${SKIP_NOTE}: ${machineStalled}`);
    expect(moves.length).toBeGreaterThan(1000);
    const over = (m: (typeof moves)[number]) => m.px - (PLAYER_MAX_SPEED_PX_PER_S * 1.1 * m.dtMs) / 1000;
    const worstMove = moves.reduce((w, m) => (over(m) > over(w) ? m : w));
    const worst = over(worstMove);
    process.stdout.write(`netcode: worst remote move ${worst.toFixed(1)} px over its speed in ${moves.length} frames (${starvedMoves} drawn while this process was starved, left out)\n`);
    // When it fails, where: how far into the run, the frame's length, how long after this process' last stall, and the session's underruns by then.
    const where = `${worstMove.px.toFixed(1)} px in a ${worstMove.dtMs.toFixed(0)} ms frame of session ${worstMove.session}, ${(worstMove.atMs / 1000).toFixed(1)} s in, ${Number.isFinite(worstMove.sinceStallMs) ? `${worstMove.sinceStallMs.toFixed(0)} ms after this process' last stall` : 'no stall of this process'}, ${worstMove.underrunsSoFar} underruns so far`;
    expect(worst, where).toBeLessThan(12);
  });

  it('the interpolation buffer runs dry less than once a minute once settled', ({ skip }) => {
    skip(machineStalled !== false, `${SKIP_NOTE}: ${machineStalled}`);
    const minutes = (sessions.length * (PLAY_MS - WARMUP_MS)) / 60_000;
    process.stdout.write(`netcode: the playout ran dry ${dry.onTime} times on time, ${dry.starved} times after this process stalled\n`);
    expect(dry.onTime).toBeLessThan(Math.max(1, minutes));
    for (const s of sessions) {
      // The target respects the ceiling; the delay itself eases toward it (a brief overshoot).
      expect(s.stats().interpTargetMs).toBeLessThanOrEqual(INTERP_DELAY_MAX_MS);
      expect(s.stats().interpDelayMs).toBeLessThanOrEqual(INTERP_DELAY_MAX_MS + 50);
    }
  });

  it('measures the path it runs on: RTT near 150 ms, and lost segments seen', () => {
    for (const s of sessions) {
      const st = s.stats();
      expect(st.rttMs).toBeGreaterThan(120);
      expect(st.rttMs).toBeLessThan(450);
      expect(st.netsim).toBe('150 ms ± 30 ms 5% loss');
      expect(st.inputsAcked).toBeGreaterThan(PLAY_MS / 1000 * 30 * 0.7);
    }
  });
});
