import type Phaser from 'phaser';
import type { BallPlayerValues, BallValues } from '../../../shared/games/ball/definition.ts';
import { BALL_RADIUS_PX, GOAL_MOUTH_PX } from '../../../shared/games/ball/rules.ts';
import type { GameMap } from '../../../shared/maps.ts';
import { PLAYER_RADIUS_PX } from '../../../shared/tuning.ts';
import { deviceScale } from '../../ui/screen.ts';
import { TEAMS, teamOf } from './teams.ts';

/** How deep the goals are drawn behind the end walls, world px (the ball is in when it crosses the wall). */
export const GOAL_DEPTH_PX = 36;
/** Players' names, CSS px on screen, whatever the pitch's scale. */
const NAME_FONT_PX = 13;
/** Screen px between a body and its name. */
const NAME_GAP_PX = 3;
const CENTRE_CIRCLE_PX = 110;

/** What one frame shows, in world px. */
export interface PitchFrame {
  players: ReadonlyArray<{ id: string } & BallPlayerValues>;
  ball: BallValues | undefined;
  selfId: string;
}

/**
 * Draws the pitch once (grass, lines, both goals in the colour of the team that defends them)
 * and, each frame, the players (team colour, a ring on our own, the name above) and the ball.
 * Sizes meant for the eye (lines, names) are in screen px.
 */
export class PitchPainter {
  private readonly names = new Map<string, Phaser.GameObjects.Text>();
  private readonly dynamic: Phaser.GameObjects.Graphics;
  private zoom = 1;

  constructor(private readonly scene: Phaser.Scene, map: GameMap) {
    drawPitch(scene.add.graphics().setDepth(0), map);
    this.dynamic = scene.add.graphics().setDepth(1);
  }

  /** The camera's zoom changed: names keep their size on screen. */
  restyle(zoom: number): void {
    this.zoom = zoom;
    for (const label of this.names.values()) this.styleName(label);
  }

  draw(frame: PitchFrame): void {
    const g = this.dynamic;
    g.clear();
    const s = deviceScale() / this.zoom;
    const seen = new Set<string>();
    for (const p of frame.players) {
      seen.add(p.id);
      const team = teamOf(p.team);
      g.fillStyle(team.colour, 1).fillCircle(p.x, p.y, PLAYER_RADIUS_PX);
      g.lineStyle(Math.max(1, 1.5 * s), 0x0d1117, 0.8).strokeCircle(p.x, p.y, PLAYER_RADIUS_PX);
      if (p.id === frame.selfId) g.lineStyle(Math.max(3, 2.5 * s), 0xffffff, 1).strokeCircle(p.x, p.y, PLAYER_RADIUS_PX + 3);
      let label = this.names.get(p.id);
      if (label === undefined) {
        // Phaser text is drawn on the canvas: a name can never become markup.
        label = this.scene.add.text(0, 0, p.name, { fontFamily: 'system-ui, sans-serif', color: '#ffffff' }).setOrigin(0.5, 1).setDepth(2);
        this.styleName(label);
        this.names.set(p.id, label);
      }
      label.setPosition(p.x, p.y - PLAYER_RADIUS_PX - NAME_GAP_PX * s);
    }
    for (const [id, label] of this.names) {
      if (seen.has(id)) continue;
      label.destroy();
      this.names.delete(id);
    }
    const b = frame.ball;
    if (b !== undefined) {
      g.fillStyle(0xffffff, 1).fillCircle(b.x, b.y, BALL_RADIUS_PX);
      g.lineStyle(Math.max(1.5, 1.5 * s), 0x0d1117, 1).strokeCircle(b.x, b.y, BALL_RADIUS_PX);
    }
  }

  private styleName(label: Phaser.GameObjects.Text): void {
    // Rendered at the screen's resolution, then scaled back to world units.
    label.setFontSize(Math.round(NAME_FONT_PX * deviceScale()));
    label.setScale(1 / this.zoom);
  }
}

function drawPitch(g: Phaser.GameObjects.Graphics, map: GameMap): void {
  const { widthPx: w, heightPx: h } = map;
  const mouthTop = (h - GOAL_MOUTH_PX) / 2;
  // Goals first, behind the wall line: the net in the defending team's colour.
  TEAMS.forEach((team, i) => {
    const x = i === 0 ? -GOAL_DEPTH_PX : w;
    g.fillStyle(team.colour, 0.25).fillRect(x, mouthTop, GOAL_DEPTH_PX, GOAL_MOUTH_PX);
    g.lineStyle(3, team.colour, 1).strokeRect(x, mouthTop, GOAL_DEPTH_PX, GOAL_MOUTH_PX);
  });
  // Grass in stripes.
  const stripes = 10;
  for (let i = 0; i < stripes; i++) g.fillStyle(i % 2 === 0 ? 0x1f5a32 : 0x1c5230, 1).fillRect((i * w) / stripes, 0, w / stripes, h);
  g.lineStyle(3, 0xffffff, 0.55);
  g.lineBetween(w / 2, 0, w / 2, h);
  g.strokeCircle(w / 2, h / 2, CENTRE_CIRCLE_PX);
  g.fillStyle(0xffffff, 0.55).fillCircle(w / 2, h / 2, 5);
  // Boxes in front of each goal.
  const boxW = 180;
  const boxH = GOAL_MOUTH_PX + 160;
  g.strokeRect(0, (h - boxH) / 2, boxW, boxH);
  g.strokeRect(w - boxW, (h - boxH) / 2, boxW, boxH);
  // The walls, open at the goal mouths.
  g.lineStyle(6, 0xe6edf3, 1);
  g.lineBetween(0, 0, w, 0).lineBetween(0, h, w, h);
  g.lineBetween(0, 0, 0, mouthTop).lineBetween(0, mouthTop + GOAL_MOUTH_PX, 0, h);
  g.lineBetween(w, 0, w, mouthTop).lineBetween(w, mouthTop + GOAL_MOUTH_PX, w, h);
}
