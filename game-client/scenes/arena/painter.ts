import type Phaser from 'phaser';
import { TICK_DT_S } from '../../../shared/limits.ts';
import { PLAYER_MAX_HEALTH, PLAYER_RADIUS_PX, PROJECTILE_RADIUS_PX } from '../../../shared/tuning.ts';
import type { GameMap } from '../../../shared/maps.ts';
import type { PlayerView, RenderFrame } from '../../net/renderModel.ts';
import { deviceScale } from '../../ui/screen.ts';
import type { Palette } from './palette.ts';

/** Screen px between a body, its health bar and its name. */
const BAR_GAP_PX = 3;
const BAR_HEIGHT_PX = 4;
const BAR_MIN_WIDTH_PX = 30;
/** Shots are drawn at least this big on screen (px), whatever the scale. */
const SHOT_MIN_RADIUS_PX = 2.5;
/** A shot fades over the last part of its flight, so its range shows before it ends. */
const SHOT_FADE_FROM = 0.75;

/** Where a spectator's attention is (drawn on the arena: the camera may not move on a small map). */
export type SpectatorMarker = { kind: 'follow'; id: string; x: number; y: number } | { kind: 'roam'; x: number; y: number };

/** How the world is being shown: its scale (CSS px per world px), text size and the visible world rectangle. */
export interface View {
  scale: number;
  fontPx: number;
  camera: Phaser.Cameras.Scene2D.Camera;
}

/**
 * Draws the arena's world from a render frame: the map, players (body, aim, health bar and a
 * name at the HUD's text size, kept inside the view), shots (with a trail, fading toward the end
 * of their range) and a spectator's marker. Sizes meant for the eye are in screen px.
 */
export class ArenaPainter {
  private readonly names = new Map<string, Phaser.GameObjects.Text>();
  private readonly dynamic: Phaser.GameObjects.Graphics;
  /** What the last frame marked for a spectator (tests read it). */
  marker: SpectatorMarker | undefined;

  constructor(private readonly scene: Phaser.Scene, map: GameMap) {
    drawMap(scene.add.graphics().setDepth(0), map);
    this.dynamic = scene.add.graphics().setDepth(1);
  }

  /** Visible names' sizes on screen, CSS px. */
  labelSizes(): number[] {
    return [...this.names.values()].filter((t) => t.visible).map((t) => (Number.parseFloat(String(t.style.fontSize)) * t.scaleY * this.scene.cameras.main.zoom) / deviceScale());
  }

  /** The view changed scale or text size: restyle every name. */
  restyle(view: View): void {
    for (const label of this.names.values()) styleLabel(label, view);
  }

  draw(frame: RenderFrame, view: View, palette: Palette, selfId: string, followed: string | undefined): void {
    const g = this.dynamic;
    g.clear();
    const seen = new Set<string>();
    for (const p of frame.players) {
      seen.add(p.id);
      this.drawPlayer(g, p, view, palette);
    }
    for (const [id, label] of this.names) {
      if (!seen.has(id)) {
        label.destroy();
        this.names.delete(id);
      }
    }
    const s = 1 / view.scale;
    const radius = Math.max(PROJECTILE_RADIUS_PX, SHOT_MIN_RADIUS_PX * s);
    for (const pr of frame.projectiles) {
      const colour = pr.ownerId === selfId ? palette.ownShot : palette.enemyShot;
      const progress = (frame.tick - pr.spawnTick) / Math.max(1e-6, pr.endTick - pr.spawnTick);
      // Out of range soon: fade, so the end of a shot's reach is visible before it is reached.
      const alpha = pr.hit || progress < SHOT_FADE_FROM ? 1 : Math.max(0.25, 1 - ((progress - SHOT_FADE_FROM) / (1 - SHOT_FADE_FROM)) * 0.75);
      // A short trail: where it was up to two ticks ago (never behind the muzzle).
      const backS = Math.min(2, Math.max(0, frame.tick - pr.spawnTick)) * TICK_DT_S;
      g.lineStyle(Math.max(1.5, radius * 0.8), colour, 0.3 * alpha).lineBetween(pr.x - pr.vx * backS, pr.y - pr.vy * backS, pr.x, pr.y);
      g.fillStyle(colour, alpha).fillCircle(pr.x, pr.y, radius);
    }
    this.drawSpectatorMarker(g, frame, view, followed);
  }

  private drawPlayer(g: Phaser.GameObjects.Graphics, p: PlayerView, view: View, palette: Palette): void {
    let label = this.names.get(p.id);
    if (!label) {
      // Phaser text is drawn on the canvas: a name can never become markup.
      label = this.scene.add.text(0, 0, p.name, { fontFamily: 'system-ui, sans-serif', color: '#e6edf3' }).setOrigin(0.5, 1).setDepth(2);
      styleLabel(label, view);
      this.names.set(p.id, label);
    }
    const s = 1 / view.scale;
    const barW = Math.max(40, BAR_MIN_WIDTH_PX * s);
    const barTop = p.y - PLAYER_RADIUS_PX - (BAR_GAP_PX + BAR_HEIGHT_PX) * s;
    // Names stay inside the view at its sides (the view has room above the map for them).
    const world = view.camera.worldView;
    const half = label.displayWidth / 2;
    label.setVisible(p.alive).setPosition(Math.min(Math.max(p.x, world.x + half), world.right - half), barTop - BAR_GAP_PX * s);
    if (!p.alive) return;
    const colour = palette.playerColour(p.id);
    g.fillStyle(colour, 1).fillCircle(p.x, p.y, PLAYER_RADIUS_PX);
    if (p.isSelf) g.lineStyle(Math.max(3, 2 * s), palette.selfRing, 1).strokeCircle(p.x, p.y, PLAYER_RADIUS_PX + 2);
    g.lineStyle(6, colour, 1).lineBetween(p.x, p.y, p.x + Math.cos(p.aimRad) * (PLAYER_RADIUS_PX + 10), p.y + Math.sin(p.aimRad) * (PLAYER_RADIUS_PX + 10));
    const hpFrac = Math.max(0, Math.min(1, p.hp / PLAYER_MAX_HEALTH));
    g.fillStyle(0x000000, 0.6).fillRect(p.x - barW / 2, barTop, barW, BAR_HEIGHT_PX * s);
    g.fillStyle(palette.health(hpFrac), 1).fillRect(p.x - barW / 2, barTop, barW * hpFrac, BAR_HEIGHT_PX * s);
  }

  /**
   * A spectator's camera may not move (the whole arena fits on screen), so following and
   * roaming show on the arena: a ring on the player followed, a cross where the camera roams.
   */
  private drawSpectatorMarker(g: Phaser.GameObjects.Graphics, frame: RenderFrame, view: View, followed: string | undefined): void {
    this.marker = undefined;
    if (frame.self !== undefined || frame.camera === undefined) return;
    const s = 1 / view.scale;
    const target = followed === undefined ? undefined : frame.players.find((p) => p.id === followed);
    if (target !== undefined) {
      this.marker = { kind: 'follow', id: target.id, x: target.x, y: target.y };
      g.lineStyle(2 * s, 0xffffff, 0.9).strokeCircle(target.x, target.y, PLAYER_RADIUS_PX + 8 * s);
      return;
    }
    const c = frame.camera;
    this.marker = { kind: 'roam', x: c.x, y: c.y };
    const a = 12 * s;
    g.lineStyle(2 * s, 0xffffff, 0.8).lineBetween(c.x - a, c.y, c.x + a, c.y).lineBetween(c.x, c.y - a, c.x, c.y + a);
  }
}

/** Names at the HUD's text size on screen, rendered at the screen's resolution. */
function styleLabel(label: Phaser.GameObjects.Text, view: View): void {
  const cssPx = Math.max(12, view.fontPx - 1);
  label.setFontSize(Math.round(cssPx * deviceScale()));
  label.setScale(1 / view.camera.zoom);
}

function drawMap(g: Phaser.GameObjects.Graphics, map: GameMap): void {
  g.fillStyle(0x151a21, 1).fillRect(0, 0, map.widthPx, map.heightPx);
  g.lineStyle(1, 0x1f2630, 1);
  for (let x = 0; x <= map.widthPx; x += 50) g.lineBetween(x, 0, x, map.heightPx);
  for (let y = 0; y <= map.heightPx; y += 50) g.lineBetween(0, y, map.widthPx, y);
  for (const r of map.obstacles) {
    g.fillStyle(0x30363d, 1).fillRect(r.x, r.y, r.w, r.h);
    g.lineStyle(2, 0x484f58, 1).strokeRect(r.x, r.y, r.w, r.h);
  }
  g.lineStyle(4, 0x6e7681, 1).strokeRect(0, 0, map.widthPx, map.heightPx);
}
