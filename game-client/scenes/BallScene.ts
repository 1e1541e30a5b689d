import Phaser from 'phaser';
import { BALL_ID, BALL_PLAYERS_PER_ROOM, type BallMatchValues, type BallPlayerValues, type BallValues } from '../../shared/games/ball/definition.ts';
import type { BallInput } from '../../shared/games/ball/input.ts';
import type { BallWorld } from '../../shared/games/ball/rules.ts';
import type { GameMap } from '../../shared/maps.ts';
import type { SoundSystem } from '../audio/sound.ts';
import { debugHook } from '../debugHooks.ts';
import { Controls, type CommandAction } from '../input/controls.ts';
import { STICK_RADIUS_PX } from '../input/twinStick.ts';
import { describeMatchClock } from '../net/matchText.ts';
import { NetGraphModel, REPLICA_NET_GRAPH } from '../net/netGraph.ts';
import type { ReplicaFrame, ReplicaSession } from '../net/replicaSession.ts';
import { CHAT_MAX_CHARS } from '../../shared/limits.ts';
import { settings } from '../settings/settings.ts';
import { ChatLog } from '../ui/chatBox.ts';
import type { HudCommand } from '../ui/hud.ts';
import { HudCommands } from '../ui/hudCommands.ts';
import { NetGraphPanel } from '../ui/netGraphPanel.ts';
import { leaveWhenPageCloses } from '../ui/pageLeave.ts';
import { deviceScale } from '../ui/screen.ts';
import { BALL_NOTICE_PX, BALL_TOP_BAR_PX, BallHud } from './ball/ballHud.ts';
import { GOAL_DEPTH_PX, PitchPainter, type PitchFrame } from './ball/pitchPainter.ts';
import { ballNotice, describeBallEnd } from './ball/teams.ts';

/** A player's connection to a ball room. */
export type BallSession = ReplicaSession<BallWorld, BallInput>;

export interface BallData {
  session: BallSession;
  /** The page's sound (absent: silent). */
  sounds?: SoundSystem;
  /** Called once when the session has closed, with the sentence for the lobby ('' when none). */
  onClosed(message: string): void;
}

/** World px shown around the pitch: the goals behind the end walls, names above the top wall. */
const PITCH_MARGIN_PX = GOAL_DEPTH_PX + 12;

/** The frame's values as the ball game's layout types them (shared/games/ball/definition.ts). */
function pitchFrame(frame: ReplicaFrame, selfId: string): PitchFrame {
  const players: PitchFrame['players'][number][] = [];
  frame.entities.players?.forEach((values, id) => players.push({ id, ...(values as BallPlayerValues) }));
  return { players, ball: frame.entities.balls?.get(BALL_ID) as BallValues | undefined, selfId };
}

/**
 * The ball game: the whole pitch fitted to the window under a small HUD (score, countdown,
 * winner), both teams in their colours with names, the ball. WASD or the arrows move, Space
 * kicks (the player's own key bindings for moving and firing); on a touch screen the left half is
 * a movement stick and a touch on the right half kicks (input/controls.ts). Everything drawn
 * comes from the session's predicted world (net/replicaSession.ts): the scene only draws and reads
 * input.
 */
export class BallScene extends Phaser.Scene {
  private session!: BallSession;
  private onClosed!: (message: string) => void;
  private sounds: SoundSystem | undefined;
  private map!: GameMap;
  private painter!: PitchPainter;
  private hud!: BallHud;
  private controls!: Controls;
  private commands!: HudCommands;
  private chat = new ChatLog();
  private netGraph = new NetGraphModel(REPLICA_NET_GRAPH);
  private netGraphPanel!: NetGraphPanel;
  private stick: HTMLElement | undefined;
  private lastFrame: ReplicaFrame | undefined;
  private lastScore = '';
  private endMessage = '';
  private unsubscribe: Array<() => void> = [];

  constructor() {
    super('ball');
  }

  init(data: BallData): void {
    this.session = data.session;
    this.onClosed = data.onClosed;
    this.sounds = data.sounds;
    this.map = this.session.game.rooms[0]!.map!;
    this.lastFrame = undefined;
    this.lastScore = '';
    this.endMessage = '';
    this.chat = new ChatLog();
    this.netGraph = new NetGraphModel(REPLICA_NET_GRAPH);
  }

  create(): void {
    this.painter = new PitchPainter(this, this.map);
    this.hud = new BallHud(document.body, {
      command: (c) => this.command(c),
      chat: { onSend: (text) => this.session.sendChat(text), onClosed: () => this.commands.chatClosed(), maxChars: CHAT_MAX_CHARS },
    });
    this.controls = new Controls(
      { element: this.game.canvas, toWorld: (x, y) => this.toWorld(x, y), onArena: (_x, y) => y >= BALL_TOP_BAR_PX + BALL_NOTICE_PX },
      () => settings.current.keys,
      (action) => this.command(action),
    );
    this.commands = new HudCommands(this.controls, this.hud, () => void this.session.leave());
    this.stick = document.createElement('div');
    this.stick.className = 'touch-stick';
    this.stick.appendChild(document.createElement('div')).className = 'touch-knob';
    this.stick.hidden = true;
    this.hud.root.appendChild(this.stick);
    this.hud.setMuted(settings.current.muted);
    this.netGraphPanel = new NetGraphPanel(this.hud.netGraphBox, this.netGraph);
    this.relayout();
    this.scale.on(Phaser.Scale.Events.RESIZE, this.relayout, this);

    this.unsubscribe = [
      settings.onChange((s) => this.hud.setMuted(s.muted)),
      leaveWhenPageCloses(() => this.session.leaveNow()),
      this.session.events.on('chat', (c) => this.chat.push({ name: c.name, text: c.text }, performance.now())),
      this.session.events.on('matchEnd', (end) => {
        const match = this.lastFrame?.match as BallMatchValues | undefined;
        this.endMessage = describeBallEnd(end, match, this.selfTeam());
        this.sounds?.play('matchEnd');
      }),
      this.session.events.on('closed', ({ code, reason }) => {
        this.scene.stop();
        this.onClosed(this.endMessage || (code === 4000 ? '' : reason));
      }),
    ];
    this.exposeToTests();
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => {
      if (debugHook) delete debugHook.ball;
      for (const off of this.unsubscribe) off();
      this.scale.off(Phaser.Scale.Events.RESIZE, this.relayout, this);
      this.commands.close();
      this.controls.destroy();
      this.hud.destroy();
    });
  }

  override update(): void {
    const now = performance.now();
    this.session.update(now, () => {
      const s = this.controls.sample(undefined);
      return { moveX: s.moveX, moveY: s.moveY, kick: s.fire };
    });
    const frame = this.session.frame(now);
    if (frame === undefined) return;
    this.lastFrame = frame;
    this.painter.draw(pitchFrame(frame, this.session.sessionId));
    this.drawHud(frame, now);
  }

  /** Our team (undefined before our player is in the state). */
  private selfTeam(): number | undefined {
    return this.session.server()?.entities.players?.get(this.session.sessionId)?.team as number | undefined;
  }

  private drawHud(frame: ReplicaFrame, now: number): void {
    const match = frame.match as BallMatchValues;
    const stats = this.session.stats();
    const ping = stats.pingMs;
    this.netGraph.sample(stats, now);
    this.hud.showNetGraph(settings.current.netGraph);
    this.netGraphPanel.draw(now, settings.current.netGraph);
    const players = frame.entities.players?.size ?? 0;
    const clock = describeMatchClock(this.session.match, frame.serverTick);
    this.hud.setStatus([`Room ${this.session.code}`, `ping ${ping === undefined ? '…' : `${Math.round(ping)} ms`}`, `${players}/${BALL_PLAYERS_PER_ROOM}`, ...(clock ? [clock] : [])].join(' · '));
    this.hud.setScore(match.scoreLeft, match.scoreRight);
    const score = `${match.scoreLeft}:${match.scoreRight}`;
    if (this.lastScore !== '' && score !== this.lastScore) this.sounds?.play('hitMarker');
    this.lastScore = score;
    this.hud.setNotice(this.session.status === 'reconnecting' ? 'Connection lost · reconnecting…' : ballNotice(match, frame.serverTick, this.selfTeam()));
    this.hud.setChat(this.chat.shown(now));
    this.drawStick();
  }

  private drawStick(): void {
    const stick = this.controls.sticks.moveStick;
    const node = this.stick!;
    node.hidden = stick === undefined;
    if (stick === undefined) return;
    node.style.left = `${stick.originX - STICK_RADIUS_PX}px`;
    node.style.top = `${stick.originY - STICK_RADIUS_PX}px`;
    const dx = stick.x - stick.originX;
    const dy = stick.y - stick.originY;
    const d = Math.hypot(dx, dy);
    const k = d > STICK_RADIUS_PX ? STICK_RADIUS_PX / d : 1;
    (node.firstChild as HTMLElement).style.transform = `translate(${dx * k}px, ${dy * k}px)`;
  }

  /** The whole pitch (and its goals) as large as fits under the HUD, centred. */
  private relayout(): void {
    const dpr = deviceScale();
    const top = BALL_TOP_BAR_PX + BALL_NOTICE_PX;
    const w = window.innerWidth;
    const h = Math.max(1, window.innerHeight - top);
    const scale = Math.min(w / (this.map.widthPx + 2 * PITCH_MARGIN_PX), h / (this.map.heightPx + 2 * PITCH_MARGIN_PX));
    const cam = this.cameras.main;
    cam.setViewport(0, Math.round(top * dpr), Math.round(w * dpr), Math.round(h * dpr));
    cam.setZoom(scale * dpr);
    cam.centerOn(this.map.widthPx / 2, this.map.heightPx / 2);
    this.painter.restyle(cam.zoom);
  }

  /** The world point under a screen point (CSS px). */
  private toWorld(x: number, y: number): { x: number; y: number } {
    const dpr = deviceScale();
    const p = this.cameras.main.getWorldPoint(x * dpr, y * dpr);
    return { x: p.x, y: p.y };
  }

  private command(command: CommandAction | HudCommand): void {
    this.commands.run(command);
  }

  /** Read-only view for end-to-end tests and the console (debug build only: debugHooks.ts). */
  private exposeToTests(): void {
    const hook = debugHook;
    if (!hook) return;
    const session = this.session;
    const point = (v: Record<string, unknown> | undefined) => (v === undefined ? null : { x: v.x as number, y: v.y as number });
    hook.ball = {
      sessionId: session.sessionId,
      code: session.code,
      status: () => session.status,
      /** Our player and the ball as drawn on screen now. */
      self: () => point(this.lastFrame?.entities.players?.get(session.sessionId)),
      ball: () => point(this.lastFrame?.entities.balls?.get(BALL_ID)),
      /** Our player and the ball in the predicted world (its newest step, no smoothing). */
      predicted: () => {
        const w = session.predicted;
        const me = w?.players.get(session.sessionId);
        return w === undefined ? null : { tick: w.tick, self: me === undefined ? null : { x: me.x, y: me.y }, ball: { x: w.ball.x, y: w.ball.y } };
      },
      /** The newest server state as received. */
      server: () => {
        const s = session.server();
        if (s === undefined) return null;
        const players = [...(s.entities.players ?? new Map()).entries()].map(([id, v]) => ({ id, ...v }));
        return { tick: s.tick, match: s.match, players, ball: point(s.entities.balls?.get(BALL_ID)) };
      },
      drawnPlayers: () => pitchFrame(this.lastFrame ?? { tick: 0, serverTick: 0, match: {}, entities: {} }, session.sessionId).players,
      notice: () => this.hud.root.querySelector('#ball-notice')?.textContent ?? '',
      score: () => this.hud.root.querySelector('#ball-score')?.textContent ?? '',
      stats: () => session.stats(),
      netGraph: () => ({ visible: settings.current.netGraph && !(this.hud.root.querySelector('#ball-netgraph') as HTMLElement | null)?.hidden, lines: this.netGraph.lines() }),
      toScreen: (x: number, y: number) => {
        const cam = this.cameras.main;
        const dpr = deviceScale();
        return { x: (cam.x + (x - cam.worldView.x) * cam.zoom) / dpr, y: (cam.y + (y - cam.worldView.y) * cam.zoom) / dpr };
      },
    };
  }
}
