import { describe, expect, it } from 'vitest';
import { ExperienceMeter } from '../../../tools/bots/experience.ts';
import type { PlayerView, RenderFrame } from '../../../game-client/net/renderModel.ts';

function frame(tick: number, x: number, alive = true): RenderFrame {
  const self: PlayerView = { id: 'me', name: 'me', x, y: 100, aimRad: 0, hp: 100, alive, kills: 0, deaths: 0, isSelf: true };
  return { tick, mapId: 'arena', self, players: [self], projectiles: [] };
}

describe('ExperienceMeter (what a full bot sees)', () => {
  it('counts nothing for smooth movement and a steadily advancing clock', () => {
    const m = new ExperienceMeter();
    for (let i = 0; i < 60; i++) m.observe(frame(i * 1.05, 100 + i * 10), i * 35);
    expect(m).toMatchObject({ frames: 60, visibleSnaps: 0, renderStalls: 0, renderRewinds: 0 });
  });

  it('counts a frozen render clock as a stall and a jump of our own body as a snap', () => {
    const m = new ExperienceMeter();
    m.observe(frame(10, 100), 0);
    m.observe(frame(10, 100), 35); // no new snapshot to show
    m.observe(frame(11, 180), 70); // 80 px in 35 ms: faster than a player moves
    expect(m.renderStalls).toBe(1);
    expect(m.visibleSnaps).toBe(1);
    m.observe(frame(10.5, 185), 105); // a late snapshot pulls the clock back
    expect(m.renderRewinds).toBe(1);
    expect(m.renderStalls).toBe(1);
  });

  it('does not call a respawn a snap', () => {
    const m = new ExperienceMeter();
    m.observe(frame(10, 100), 0);
    m.observe(frame(11, 100, false), 35);
    m.observe(frame(12, 1500), 70);
    expect(m.visibleSnaps).toBe(0);
  });
});
