import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TICK_HZ } from '../../shared/limits.ts';
import { FIRE_COOLDOWN_TICKS, PLAYER_MAX_SPEED_PX_PER_S } from '../../shared/tuning.ts';
import { type Baseline, expectBackToBaseline, type HonestPlayer, honestPlayer, takeBaseline } from '../helpers/attack.ts';
import { bodyAt } from '../../game-client/net/interest.ts';
import { joinRaw } from '../helpers/clients.ts';
import { inputFrame, u32 } from '../helpers/frames.ts';
import { startTestServer } from '../helpers/server.ts';
import { sleep, waitFor } from '../helpers/wait.ts';

let server: Awaited<ReturnType<typeof startTestServer>>;
let honest: HonestPlayer;
let base: Baseline;

beforeAll(async () => {
  server = await startTestServer();
  honest = await honestPlayer(server.endpoint);
  base = await takeBaseline(server);
});
afterAll(async () => {
  await honest?.stop();
  await server?.close();
});

async function cheater() {
  const raw = await joinRaw(server.endpoint, { room: { method: 'joinById', nameOrId: honest.room.roomId }, join: { name: 'cheater' } });
  await waitFor('cheater alive', () => honest.room.state.players.get(raw.seat.sessionId)?.alive);
  // Where the honest client sees the cheater now (other players' bodies are dead-reckoned).
  const me = () => {
    const state = honest.room.state;
    return bodyAt(state.players.get(raw.seat.sessionId)!, state.tick, state.tick);
  };
  return { raw, me };
}

describe('the simulation, not the client, decides what a player can do', () => {
  it('sending inputs three times faster (and skipping sequence numbers) does not move a player faster', async () => {
    const { raw, me } = await cheater();
    const x0 = me().x;
    const dir = x0 < 800 ? 1 : 0xff;
    const t0 = performance.now();
    for (let i = 1; i <= TICK_HZ * 3; i++) {
      raw.ws.send(inputFrame([[0, u32(i * 7)], [1, [dir]]]));
      await sleep(1000 / (TICK_HZ * 3));
    }
    const elapsedS = (performance.now() - t0) / 1000;
    await sleep(300);
    expect(raw.ws.readyState).toBe(raw.ws.OPEN); // within the input rate limit: not kicked
    expect(Math.abs(me().x - x0)).toBeLessThanOrEqual(PLAYER_MAX_SPEED_PX_PER_S * (elapsedS + 0.3));
    expect(Math.abs(me().x - x0)).toBeGreaterThan(0);
    raw.ws.close();
    await raw.closed;
  });

  it('a replayed or duplicated input sequence number is applied once, an older one never', async () => {
    const { raw, me } = await cheater();
    const x0 = me().x;
    const dir = x0 < 800 ? 1 : 0xff;
    for (let i = 0; i < 20; i++) {
      raw.ws.send(inputFrame([[0, u32(50)], [1, [dir]]])); // the same input, again and again
      await sleep(1000 / TICK_HZ);
    }
    for (let i = 0; i < 10; i++) {
      raw.ws.send(inputFrame([[0, u32(10 + i)], [1, [dir]]])); // older than what was applied
      await sleep(1000 / TICK_HZ);
    }
    await sleep(200);
    // One input is one step of at most max speed.
    expect(Math.abs(me().x - x0)).toBeLessThanOrEqual(PLAYER_MAX_SPEED_PX_PER_S / TICK_HZ + 0.5);
    expect(Math.abs(me().x - x0)).toBeGreaterThan(0);
    raw.ws.close();
    await raw.closed;
  });

  it('holding fire and spamming inputs fires no faster than the weapon cooldown', async () => {
    const { raw } = await cheater();
    const shots = new Set<string>();
    // The honest player never fires, so every shot it sees is the cheater's (only owners learn a shot's owner).
    const watch = setInterval(() => honest.room.state.projectiles.forEach((p, id) => { if (p.ownerId !== honest.room.sessionId) shots.add(id); }), 5);
    const tick0 = honest.room.state.tick;
    for (let i = 1; i <= TICK_HZ * 3; i++) {
      // Claims to see the present (viewTick, field 5), so no shot is lag-compensated into the
      // past, where it could fly its whole life before any patch shows it.
      const viewTick = (honest.room.state.tick + 1) & 0xff;
      raw.ws.send(inputFrame([[0, u32(i)], [3, [(i * 997) & 0xff, (i * 31) & 0xff]], [4, [1]], [5, [viewTick]]]));
      await sleep(1000 / (TICK_HZ * 3));
    }
    await sleep(300);
    clearInterval(watch);
    const ticks = honest.room.state.tick - tick0;
    expect(shots.size).toBeGreaterThan(0);
    expect(shots.size).toBeLessThanOrEqual(Math.floor(ticks / FIRE_COOLDOWN_TICKS) + 1);
    raw.ws.close();
    await raw.closed;
    await honest.stillPlaying();
  });
});

describe('afterwards', () => {
  it('no attack connection is left behind and memory is back to its baseline', async () => {
    await honest.stillPlaying();
    await expectBackToBaseline(server, base);
  });
});
