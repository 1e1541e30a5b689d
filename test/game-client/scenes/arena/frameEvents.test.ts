import { describe, expect, it } from 'vitest';
import type { PlayerView, ProjectileView, RenderFrame } from '../../../../game-client/net/renderModel.ts';
import { FrameEvents } from '../../../../game-client/scenes/arena/frameEvents.ts';
import { soundFor } from '../../../../game-client/scenes/arena/sounds.ts';

const player = (id: string, over: Partial<PlayerView> = {}): PlayerView => ({ id, name: id, x: 100, y: 100, aimRad: 0, hp: 100, alive: true, kills: 0, deaths: 0, isSelf: id === 'me', ...over });
const shot = (id: string, over: Partial<ProjectileView> = {}): ProjectileView => ({ id, x: 130, y: 100, ownerId: '', vx: 880, vy: 0, spawnTick: 10, endTick: 46, endX: 1100, endY: 100, hit: false, ...over });
const frame = (tick: number, players: PlayerView[], projectiles: ProjectileView[] = []): RenderFrame => ({ tick, mapId: 'arena', self: players.find((p) => p.isSelf), players, projectiles });

describe('frame events (what effects and sound react to)', () => {
  it('finds shots fired, shots ending at their range or on a player, damage, deaths and respawns', () => {
    const ev = new FrameEvents();
    expect(ev.diff(frame(10, [player('me'), player('b')]), 'me')).toEqual([]);
    // Our predicted shot fires; a shot of someone else's that flies in from afar does not flash.
    const fired = ev.diff(frame(11, [player('me'), player('b')], [shot('predicted-5', { ownerId: 'me', spawnTick: 10 }), shot('9', { spawnTick: 2 })]), 'me');
    expect(fired).toEqual([{ kind: 'shot', x: 130, y: 100, own: true }]);
    // The server's copy takes over from the prediction: no second flash, and no end for the predicted one.
    expect(ev.diff(frame(12, [player('me'), player('b')], [shot('7', { ownerId: 'me', spawnTick: 10, endTick: 20, hit: true, endX: 300 }), shot('9', { spawnTick: 2 })]), 'me')).toEqual([]);
    // Ours ends on b (a hit: the hit marker), b is hurt; the other shot reaches the end of its range.
    const ended = ev.diff(frame(46, [player('me'), player('b', { hp: 75 })]), 'me');
    expect(ended).toEqual([
      { kind: 'shotEnd', x: 300, y: 100, hit: true, own: true },
      { kind: 'shotEnd', x: 1100, y: 100, hit: false, own: false },
      { kind: 'damaged', id: 'b', x: 100, y: 100 },
    ]);
    // We are hurt, then die, then respawn elsewhere.
    expect(ev.diff(frame(47, [player('me', { hp: 50 }), player('b', { hp: 75 })]), 'me')).toEqual([{ kind: 'hurt', x: 100, y: 100 }]);
    expect(ev.diff(frame(48, [player('me', { hp: 0, alive: false, x: 0, y: 0 }), player('b', { hp: 75 })]), 'me')).toEqual([{ kind: 'death', id: 'me', x: 100, y: 100, self: true }]);
    expect(ev.diff(frame(108, [player('me', { x: 900, y: 500 }), player('b', { hp: 75 })]), 'me')).toEqual([{ kind: 'respawn', id: 'me', x: 900, y: 500, self: true }]);
    // A player leaving the view is no death.
    expect(ev.diff(frame(109, [player('me', { x: 900, y: 500 })]), 'me')).toEqual([]);
  });

  it('a shot fired between two slow frames still fires (frames five ticks apart); one flying in from afar still does not', () => {
    const ev = new FrameEvents();
    expect(ev.diff(frame(10, [player('me'), player('b')]), 'me')).toEqual([]);
    // Fired at tick 11, first drawn at tick 15: further along than three ticks, but new since the last frame.
    const fired = ev.diff(frame(15, [player('me'), player('b')], [shot('predicted-5', { ownerId: 'me', spawnTick: 11 }), shot('b1', { ownerId: 'b', spawnTick: 12 }), shot('far', { spawnTick: 2 })]), 'me');
    expect(fired).toEqual([{ kind: 'shot', x: 130, y: 100, own: true }, { kind: 'shot', x: 130, y: 100, own: false }]);
  });

  it('give our shots, hits, damage, deaths and respawn a sound; others\' respawns and walls stay quiet', () => {
    expect(soundFor({ kind: 'shot', x: 0, y: 0, own: true })).toBe('shot');
    expect(soundFor({ kind: 'shot', x: 0, y: 0, own: false })).toBe('enemyShot');
    expect(soundFor({ kind: 'shotEnd', x: 0, y: 0, hit: true, own: true })).toBe('hitMarker');
    expect(soundFor({ kind: 'shotEnd', x: 0, y: 0, hit: false, own: true })).toBeUndefined();
    expect(soundFor({ kind: 'hurt', x: 0, y: 0 })).toBe('hurt');
    expect(soundFor({ kind: 'death', id: 'b', x: 0, y: 0, self: false })).toBe('death');
    expect(soundFor({ kind: 'respawn', id: 'me', x: 0, y: 0, self: true })).toBe('respawn');
    expect(soundFor({ kind: 'respawn', id: 'b', x: 0, y: 0, self: false })).toBeUndefined();
  });
});
