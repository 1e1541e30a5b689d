import type Phaser from 'phaser';
import type { GameEvent } from './frameEvents.ts';
import type { Palette } from './palette.ts';

interface Effect {
  event: GameEvent;
  startMs: number;
  /** Burst directions (deaths), fixed when the effect starts. */
  sparks?: number[];
}

const LIFE_MS: Readonly<Record<GameEvent['kind'], number>> = {
  shot: 90, shotEnd: 260, hurt: 300, damaged: 160, death: 600, respawn: 450,
};
const MAX_EFFECTS = 200;

/**
 * Short-lived visuals on the arena: muzzle flashes, where each shot ends (a puff at a wall or
 * at the end of its range, a spark on a player, a hit marker on our own hits), a red edge when
 * we are hurt, a flash on players hit, bursts at deaths and a ring at respawns. Sizes are in
 * screen px (divided by the camera's scale), so they read the same on a phone and a monitor.
 * With reduced effects only what carries information stays (hit markers, shot ends, respawn
 * rings), without flashes or bursts.
 */
export class ArenaEffects {
  private effects: Effect[] = [];

  add(events: readonly GameEvent[], nowMs: number): void {
    for (const event of events) {
      const effect: Effect = { event, startMs: nowMs };
      if (event.kind === 'death') effect.sparks = Array.from({ length: 10 }, (_, i) => (i / 10) * Math.PI * 2 + (i % 3) * 0.2);
      this.effects.push(effect);
    }
    if (this.effects.length > MAX_EFFECTS) this.effects.splice(0, this.effects.length - MAX_EFFECTS);
  }

  /** Effects being drawn now (for tests and the console). */
  get active(): readonly GameEvent[] {
    return this.effects.map((e) => e.event);
  }

  draw(g: Phaser.GameObjects.Graphics, nowMs: number, pxPerWorld: number, palette: Palette, reduced: boolean, view: Phaser.Geom.Rectangle): void {
    const s = 1 / pxPerWorld;
    this.effects = this.effects.filter((e) => nowMs - e.startMs < LIFE_MS[e.event.kind]);
    for (const e of this.effects) {
      const t = (nowMs - e.startMs) / LIFE_MS[e.event.kind];
      const ev = e.event;
      switch (ev.kind) {
        case 'shot':
          if (reduced) break;
          g.fillStyle(ev.own ? palette.ownShot : palette.enemyShot, 1 - t).fillCircle(ev.x, ev.y, (4 + 6 * (1 - t)) * s);
          break;
        case 'shotEnd':
          if (ev.hit) {
            if (!reduced) g.lineStyle(2 * s, palette.damage, 1 - t).strokeCircle(ev.x, ev.y, (6 + 10 * t) * s);
            if (ev.own) {
              // The hit marker: four strokes around the point hit.
              const a = 5 * s;
              const b = 11 * s;
              g.lineStyle(2.5 * s, palette.hitMarker, 1 - t * t);
              for (const [dx, dy] of [[1, 1], [1, -1], [-1, 1], [-1, -1]] as const) g.lineBetween(ev.x + dx * a, ev.y + dy * a, ev.x + dx * b, ev.y + dy * b);
            }
          } else {
            // End of range or a wall: a small puff where the shot stops.
            g.lineStyle(1.5 * s, ev.own ? palette.ownShot : palette.enemyShot, 0.8 * (1 - t)).strokeCircle(ev.x, ev.y, (3 + 7 * t) * s);
          }
          break;
        case 'damaged':
          if (!reduced) g.fillStyle(0xffffff, 0.5 * (1 - t)).fillCircle(ev.x, ev.y, 20 + 2 * s);
          break;
        case 'hurt':
          if (reduced) break;
          g.lineStyle(18 * s, palette.damage, 0.45 * (1 - t)).strokeRect(view.x + 9 * s, view.y + 9 * s, view.width - 18 * s, view.height - 18 * s);
          break;
        case 'death':
          if (reduced) {
            g.lineStyle(2 * s, palette.damage, 1 - t).strokeCircle(ev.x, ev.y, 18);
            break;
          }
          g.fillStyle(palette.damage, 0.35 * (1 - t)).fillCircle(ev.x, ev.y, 18 + 24 * t);
          for (const angle of e.sparks ?? []) {
            const r = 18 + 60 * t;
            g.fillStyle(0xffd6a0, 1 - t).fillCircle(ev.x + Math.cos(angle) * r, ev.y + Math.sin(angle) * r, 3 * s * (1 - t) + 1);
          }
          break;
        case 'respawn':
          g.lineStyle(2.5 * s, 0xffffff, 1 - t).strokeCircle(ev.x, ev.y, 18 + 40 * t);
          break;
      }
    }
  }
}
