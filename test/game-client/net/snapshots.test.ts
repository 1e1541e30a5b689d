import { describe, expect, it } from 'vitest';
import { TICK_DT_S } from '../../../shared/limits.ts';
import { PLAYER_MAX_SPEED_PX_PER_S } from '../../../shared/tuning.ts';
import { DUEL_MAP } from '../../../shared/maps.ts';
import { SnapshotBuffer, shotAt, type PlayerSnap } from '../../../game-client/net/snapshots.ts';
import type { ArenaStateView, PlayerStateView, ProjectileStateView } from '../../../game-client/net/stateTypes.ts';

type TestPlayer = Omit<PlayerStateView, 't'> & { t?: number };

function player(over: Partial<PlayerStateView>): TestPlayer {
  return { name: 'p', x: 100, y: 100, vx: 0, vy: 0, aim: 0, hp: 100, alive: true, kills: 0, deaths: 0, ...over };
}

function mapOf<V>(entries: Record<string, V>) {
  const m = new Map(Object.entries(entries));
  return { get: (k: string) => m.get(k), forEach: (cb: (v: V, k: string) => void) => m.forEach(cb), size: m.size };
}

/** A state whose bodies were sampled at its own tick unless a player says otherwise (`t`). */
function state(tick: number, players: Record<string, TestPlayer>, projectiles: Record<string, ProjectileStateView> = {}): Pick<ArenaStateView, 'tick' | 'players' | 'projectiles'> {
  const bodies = Object.fromEntries(Object.entries(players).map(([id, p]) => [id, { ...p, t: p.t ?? tick % 65536 }]));
  return { tick, players: mapOf(bodies), projectiles: mapOf(projectiles) };
}

const out = (): PlayerSnap => ({ ...player({}), t: 0 });

describe('snapshot buffer', () => {
  it('interpolates between snapshots on the tick timeline, aim along the short arc', () => {
    const b = new SnapshotBuffer(DUEL_MAP);
    b.push(state(10, { a: player({ x: 100, aim: 65000 }) }));
    b.push(state(12, { a: player({ x: 120, aim: 500 }) }));
    const p = b.sample('a', 11, out())!;
    expect(p.x).toBe(110);
    // 65000 -> 500 crosses zero: halfway is 65536 - 18, not 32750.
    expect(p.aim).toBeCloseTo(65518, 0);
  });

  it('coasts on velocity for at most 100 ms past the newest snapshot, then holds', () => {
    const b = new SnapshotBuffer(DUEL_MAP);
    b.push(state(10, { a: player({ x: 100, vx: PLAYER_MAX_SPEED_PX_PER_S }) }));
    expect(b.sample('a', 11, out())!.x).toBeCloseTo(100 + PLAYER_MAX_SPEED_PX_PER_S * TICK_DT_S, 6);
    const far = b.sample('a', 40, out())!.x;
    expect(far).toBeCloseTo(100 + PLAYER_MAX_SPEED_PX_PER_S * 0.1, 6);
  });

  it('does not show a player before its first snapshot, and jumps (never glides) on a teleport', () => {
    const b = new SnapshotBuffer(DUEL_MAP);
    b.push(state(10, { a: player({ x: 100 }) }));
    b.push(state(12, { a: player({ x: 100 }), late: player({ x: 300 }) }));
    b.push(state(14, { a: player({ x: 700 }), late: player({ x: 300 }) }));
    expect(b.sample('late', 11, out())).toBeUndefined();
    expect(b.sample('late', 12.5, out())!.x).toBe(300);
    expect(b.sample('a', 13, out())!.x).toBe(100); // 600 px in 2 ticks: a respawn, not a run
  });

  it('fades a correction instead of jumping when new data shows a coast guessed wrong', () => {
    const b = new SnapshotBuffer(DUEL_MAP);
    b.push(state(10, { a: player({ x: 100, vx: 290 }) }));
    const drawn: number[] = [];
    const draw = (tick: number, now: number) => b.render(tick, now, undefined, (_id, p) => drawn.push(p.x));
    for (let f = 0; f <= 4; f++) draw(10 + f / 2, f * 16.7); // coasting right, one frame each half tick
    // It had stopped at 100: the coast overshot by ~19 px.
    b.push(state(12, { a: player({ x: 100, vx: 0 }) }));
    draw(12.5, 83.5);
    draw(13, 100.2);
    const jumps = drawn.slice(1).map((x, i) => Math.abs(x - drawn[i]!));
    expect(Math.max(...jumps)).toBeLessThan(6);
    expect(drawn.at(-1)!).toBeGreaterThan(100);
  });

  it('glides instead of jumping back when the timeline steps back (a resync after a server stall)', () => {
    const b = new SnapshotBuffer(DUEL_MAP);
    for (let t = 0; t <= 30; t += 2) b.push(state(t, { a: player({ x: 100 + t * 9.6, vx: 290 }) }));
    const drawn: number[] = [];
    const draw = (tick: number, now: number) => b.render(tick, now, undefined, (_id, p) => drawn.push(p.x));
    draw(28, 0);
    draw(28.5, 16.7);
    // The playout clock resynchronises 7 ticks back (about 65 px of running).
    for (let f = 0; f < 30; f++) draw(21.5 + f / 2, 33.4 + f * 16.7);
    const steps = drawn.slice(1).map((x, i) => x - drawn[i]!);
    // Never a jump: at most a frame's run plus the fading step.
    expect(Math.min(...steps)).toBeGreaterThan(-12);
    expect(Math.max(...steps.map(Math.abs))).toBeLessThan(12);
  });

  it('draws a projectile until the tick its removal was first seen at', () => {
    const b = new SnapshotBuffer(DUEL_MAP);
    const shot = { ownerId: 'a', x0: 200, y0: 250, vx: 880, vy: 0, spawnTick: 8 };
    b.push(state(10, {}, { 1: shot }));
    b.push(state(12, {}, {}));
    const track = b.projectiles.get('1')!;
    expect(track.goneTick).toBe(12);
    expect(shotAt(track, 7)).toBeUndefined();
    expect(shotAt(track, 10)!.x).toBeCloseTo(200 + 880 * 2 * TICK_DT_S, 6);
    expect(shotAt(track, 12.5)).toBeUndefined();
  });
});
