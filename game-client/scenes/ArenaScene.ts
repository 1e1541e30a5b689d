import Phaser from 'phaser';
import { CHAT_MAX_CHARS, VIEWPORT_HEIGHT_PX, VIEWPORT_WIDTH_PX } from '../../shared/limits.ts';
import { getMap, type GameMap } from '../../shared/maps.ts';
import type { SoundSystem } from '../audio/sound.ts';
import { debugHook } from '../debugHooks.ts';
import { Controls, type CommandAction } from '../input/controls.ts';
import { STICK_RADIUS_PX } from '../input/twinStick.ts';
import { describeMatchClock, describeMatchEnd } from '../net/matchText.ts';
import { ARENA_NET_GRAPH, NetGraphModel } from '../net/netGraph.ts';
import { scoreboard, type RenderFrame } from '../net/renderModel.ts';
import type { GameSession } from '../net/spectator.ts';
import { settings, type Settings } from '../settings/settings.ts';
import { ChatLog } from '../ui/chatBox.ts';
import { Hud, type HudCommand } from '../ui/hud.ts';
import { HudCommands } from '../ui/hudCommands.ts';
import { layoutHud, type HudLayout } from '../ui/hudLayout.ts';
import { FIRST_ARENA_FRAME_MARK, markOnce } from '../ui/marks.ts';
import { Minimap } from '../ui/minimap.ts';
import { NetGraphPanel } from '../ui/netGraphPanel.ts';
import { leaveWhenPageCloses } from '../ui/pageLeave.ts';
import { deviceScale } from '../ui/screen.ts';
import { ArenaEffects } from './arena/effects.ts';
import { FrameEvents, type GameEvent } from './arena/frameEvents.ts';
import { ArenaPainter, type View } from './arena/painter.ts';
import { paletteFor, type Palette } from './arena/palette.ts';
import { soundFor } from './arena/sounds.ts';

export interface ArenaData {
  /** A player's `ArenaSession` or a spectator's `SpectatorSession`. */
  session: GameSession;
  /** The page's sound (absent: silent). */
  sounds?: SoundSystem;
  /** Called once when the session has closed, with the sentence for the lobby ('' when none). */
  onClosed(message: string): void;
}

interface TimedLine<T> {
  line: T;
  atMs: number;
}

const FEED_LINES = 5;
const FEED_TTL_MS = 6000;
/** Scoreboard rows wanted (header, ten players and our own line). */
const SCORE_ROWS = 12;
/** Time constant of the camera following its target: smooth, and never far behind. */
const CAMERA_TAU_MS = 90;

function isTouchDevice(): boolean {
  return navigator.maxTouchPoints > 0 || window.matchMedia('(pointer: coarse)').matches;
}

/**
 * The arena: draws the session's render frames (players, shots, effects) in a camera laid out
 * by `layoutHud` (the whole arena, or the part around the player on a small screen or a large
 * map), with the HUD around it, never on it. Keyboard, mouse and touch go through `Controls`
 * into the session's input samples; all networking is behind the session.
 */
export class ArenaScene extends Phaser.Scene {
  private session!: GameSession;
  private onClosed!: (message: string) => void;
  private map!: GameMap;
  private painter!: ArenaPainter;
  private fx!: Phaser.GameObjects.Graphics;
  private hud!: Hud;
  private controls!: Controls;
  private netGraph = new NetGraphModel(ARENA_NET_GRAPH);
  private netGraphPanel!: NetGraphPanel;
  private minimap!: Minimap;
  private effects = new ArenaEffects();
  private frameEvents = new FrameEvents();
  private palette: Palette = paletteFor('standard');
  private layout!: HudLayout;
  private feed: Array<TimedLine<string>> = [];
  private chat = new ChatLog();
  private lastFrame: RenderFrame | undefined;
  private lastKiller = '';
  private matchResult = '';
  private cameraAt: { x: number; y: number } | undefined;
  private lastUpdateMs: number | undefined;
  private commands!: HudCommands;
  private sticks: HTMLElement[] = [];
  private layoutKey = '';
  private unsubscribe: Array<() => void> = [];

  private sounds: SoundSystem | undefined;

  constructor() {
    super('arena');
  }

  init(data: ArenaData): void {
    this.session = data.session;
    this.onClosed = data.onClosed;
    this.sounds = data.sounds;
    this.map = getMap(this.session.frame(performance.now()).mapId);
    this.feed = [];
    this.chat = new ChatLog();
    this.lastFrame = undefined;
    this.lastKiller = '';
    this.matchResult = '';
    this.cameraAt = undefined;
    this.lastUpdateMs = undefined;
    this.layoutKey = '';
    this.netGraph = new NetGraphModel(ARENA_NET_GRAPH);
    this.effects = new ArenaEffects();
    this.frameEvents = new FrameEvents();
  }

  create(): void {
    this.painter = new ArenaPainter(this, this.map);
    this.fx = this.add.graphics().setDepth(3);

    this.hud = new Hud(document.body, {
      onCommand: (c) => this.command(c),
      onChat: (text) => this.session.sendChat(text),
      onChatClosed: () => this.commands.chatClosed(),
      chatMaxChars: CHAT_MAX_CHARS,
    });
    this.netGraphPanel = new NetGraphPanel(this.hud.netGraphBox, this.netGraph);
    this.minimap = new Minimap(this.hud.minimapCanvas);
    this.controls = new Controls(
      { element: this.game.canvas, toWorld: (x, y) => this.toWorld(x, y), onArena: (x, y) => this.onArena(x, y) },
      () => settings.current.keys,
      (action) => this.command(action),
    );
    this.commands = new HudCommands(this.controls, this.hud, () => void this.session.leave());
    this.sticks = [0, 1].map(() => {
      const stick = document.createElement('div');
      stick.className = 'touch-stick';
      stick.appendChild(document.createElement('div')).className = 'touch-knob';
      stick.hidden = true;
      this.hud.root.appendChild(stick);
      return stick;
    });
    this.applySettings(settings.current);
    this.relayout(true);
    this.scale.on(Phaser.Scale.Events.RESIZE, this.onResize, this);

    this.unsubscribe = [
      settings.onChange((s) => this.applySettings(s)),
      leaveWhenPageCloses(() => this.session.leaveNow()),
      this.session.events.on('kill', (k) => {
        this.feed.push({ line: `${k.killerName} ⟶ ${k.victimName}`, atMs: performance.now() });
        if (k.victimId === this.session.sessionId) this.lastKiller = k.killerName;
      }),
      this.session.events.on('chat', (c) => this.chat.push({ name: c.name, text: c.text }, performance.now())),
      this.session.events.on('matchEnd', (end) => {
        this.matchResult = describeMatchEnd(end, this.session.sessionId);
        this.sounds?.play('matchEnd');
      }),
      this.session.events.on('closed', ({ code, reason }) => {
        this.scene.stop();
        this.onClosed(this.matchResult || (code === 4000 ? '' : reason));
      }),
    ];
    this.game.events.once(Phaser.Core.Events.POST_RENDER, () => markOnce(FIRST_ARENA_FRAME_MARK));
    const hook = debugHook;
    if (hook) {
      // Read-only view for end-to-end tests and the console.
      hook.session = {
        sessionId: this.session.sessionId,
        code: this.session.code,
        frame: () => this.session.frame(performance.now()),
        stats: () => this.session.stats(),
        netGraph: () => ({ visible: settings.current.netGraph, lines: this.netGraph.lines() }),
        status: () => this.session.status,
        centreText: () => this.hud.root.querySelector('.hud-notice')?.textContent ?? '',
        layout: () => this.layout,
        hudRects: () => this.hud.rects(),
        labelFontPx: () => this.painter.labelSizes(),
        spectatorMarker: () => this.painter.marker,
        toScreen: (x: number, y: number) => {
          const cam = this.cameras.main;
          const dpr = deviceScale();
          return { x: (cam.x + (x - cam.worldView.x) * cam.zoom) / dpr, y: (cam.y + (y - cam.worldView.y) * cam.zoom) / dpr };
        },
        effects: () => this.effects.active,
      };
    }
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => {
      if (hook) delete hook.session;
      for (const off of this.unsubscribe) off();
      this.scale.off(Phaser.Scale.Events.RESIZE, this.onResize, this);
      this.commands.close();
      this.controls.destroy();
      this.hud.destroy();
    });
  }

  override update(): void {
    const now = performance.now();
    const dtMs = this.lastUpdateMs === undefined ? 0 : Math.min(250, now - this.lastUpdateMs);
    this.lastUpdateMs = now;
    this.session.update(now, () => this.controls.sample(this.lastFrame?.self?.alive ? this.lastFrame.self : undefined));
    const frame = this.session.frame(now);
    this.lastFrame = frame;
    const events = this.frameEvents.diff(frame, this.session.sessionId);
    this.effects.add(events, now);
    this.playSounds(events, frame);
    this.relayout(false);
    this.followCamera(frame, dtMs);
    this.painter.draw(frame, this.view(), this.palette, this.session.sessionId, this.followed());
    this.fx.clear();
    this.effects.draw(this.fx, now, this.layout.scale, this.palette, settings.current.reducedEffects, this.cameras.main.worldView);
    this.drawHud(frame, now);
  }

  // --- Layout and camera ---------------------------------------------------------------------

  private onResize(): void {
    this.relayout(true);
  }

  /** Lay the HUD and the camera out again when the screen, the net graph or the input kind changed. */
  private relayout(force: boolean): void {
    const touch = isTouchDevice() || this.controls.touched;
    const key = `${window.innerWidth}x${window.innerHeight}:${settings.current.netGraph}:${touch}`;
    if (!force && key === this.layoutKey) return;
    this.layoutKey = key;
    const viewW = Math.min(this.map.widthPx, VIEWPORT_WIDTH_PX);
    const viewH = Math.min(this.map.heightPx, VIEWPORT_HEIGHT_PX);
    const largeMap = this.map.widthPx > viewW || this.map.heightPx > viewH;
    const l = layoutHud({ width: window.innerWidth, height: window.innerHeight, viewW, viewH, scoreRows: SCORE_ROWS, netGraph: settings.current.netGraph, largeMap, touch });
    this.layout = l;
    this.hud.layout(l);
    const dpr = deviceScale();
    const cam = this.cameras.main;
    cam.setViewport(Math.round(l.arena.x * dpr), Math.round(l.arena.y * dpr), Math.round(l.arena.w * dpr), Math.round(l.arena.h * dpr));
    cam.setZoom(l.scale * dpr);
    // Room above the map for the names of players at its top edge.
    const margin = l.labelMarginPx / l.scale;
    cam.setBounds(0, -margin, this.map.widthPx, this.map.heightPx + margin);
    this.painter.restyle(this.view());
    this.cameraAt = undefined;
  }

  /** The player a spectator follows (undefined while roaming, or for a player). */
  private followed(): string | undefined {
    return (this.session as { target?: string }).target;
  }

  private view(): View {
    return { scale: this.layout.scale, fontPx: this.layout.fontPx, camera: this.cameras.main };
  }

  /** Centre on the player (or the spectator's camera point), easing toward it. */
  private followCamera(frame: RenderFrame, dtMs: number): void {
    const target = frame.self?.alive === false && this.cameraAt !== undefined ? this.cameraAt : frame.self ?? frame.camera;
    // Prediction has no position for the first frame or two after joining.
    if (target === undefined || !Number.isFinite(target.x) || !Number.isFinite(target.y)) return;
    const margin = this.layout.labelMarginPx / this.layout.scale;
    const goal = { x: target.x, y: target.y - margin / 2 };
    if (this.cameraAt === undefined) {
      this.cameraAt = goal;
    } else {
      const k = 1 - Math.exp(-dtMs / CAMERA_TAU_MS);
      this.cameraAt = { x: this.cameraAt.x + (goal.x - this.cameraAt.x) * k, y: this.cameraAt.y + (goal.y - this.cameraAt.y) * k };
    }
    this.cameras.main.centerOn(this.cameraAt.x, this.cameraAt.y);
  }

  /** The world point under a screen point (CSS px). */
  private toWorld(x: number, y: number): { x: number; y: number } {
    const dpr = deviceScale();
    const p = this.cameras.main.getWorldPoint(x * dpr, y * dpr);
    return { x: p.x, y: p.y };
  }

  private onArena(x: number, y: number): boolean {
    const a = this.layout.arena;
    return x >= a.x && x < a.x + a.w && y >= a.y && y < a.y + a.h;
  }

  // --- Drawing -------------------------------------------------------------------------------

  private playSounds(events: readonly GameEvent[], frame: RenderFrame): void {
    const ear = frame.self ?? frame.camera;
    for (const e of events) {
      const name = soundFor(e);
      if (name !== undefined) this.sounds?.play(name, e, ear);
    }
  }

  // --- HUD -----------------------------------------------------------------------------------

  private drawHud(frame: RenderFrame, now: number): void {
    const stats = this.session.stats();
    this.netGraph.sample(stats, now);
    const ping = stats.pingMs === undefined ? '…' : `${Math.round(stats.pingMs)} ms`;
    const clock = describeMatchClock(this.session.match, frame.tick);
    const everyone = frame.roster ?? frame.players;
    this.hud.setStatus([`Room ${this.session.code}`, `ping ${ping}`, `${everyone.length} player${everyone.length === 1 ? '' : 's'}`, ...(clock ? [clock] : [])].join(' · '));
    const scoresBox = this.layout.boxes.scores;
    const rows = scoresBox === undefined ? 0 : Math.floor((scoresBox.h - 8) / this.layout.linePx) - 1;
    this.hud.setScores(scoreboard(everyone), rows);
    this.feed = this.feed.filter((f) => now - f.atMs < FEED_TTL_MS).slice(-FEED_LINES);
    this.hud.setFeed(this.feed.map((f) => f.line));
    this.hud.setChat(this.chat.shown(now));
    this.hud.setNotice(this.notice(frame, everyone));
    this.netGraphPanel.draw(now, settings.current.netGraph);
    if (this.layout.boxes.minimap !== undefined) {
      const view = this.cameras.main.worldView;
      const dots = frame.players.filter((p) => p.alive).map((p) => ({ x: p.x, y: p.y, colour: this.palette.playerColour(p.id), self: p.isSelf }));
      this.minimap.draw(now, this.map, frame.crowd, dots, { x: view.x, y: Math.max(0, view.y), w: view.width, h: Math.min(view.height, this.map.heightPx) });
    }
    this.drawSticks();
  }

  private notice(frame: RenderFrame, everyone: ReadonlyArray<{ id: string; name: string }>): string {
    if (this.session.status === 'reconnecting') return 'Connection lost · reconnecting…';
    const self = frame.self;
    if (self !== undefined && !self.alive) return `Eliminated${this.lastKiller ? ` by ${this.lastKiller}` : ''} · respawning…`;
    if (frame.camera !== undefined && self === undefined) {
      const watching = this.followed();
      const name = watching === undefined ? undefined : everyone.find((p) => p.id === watching)?.name;
      const touch = this.controls.touched;
      return `${name ? `Watching ${name}` : 'Roaming'} · ${touch ? 'tap right: next player · drag left: roam' : 'click: next player · move keys: roam'}`;
    }
    if ((isTouchDevice() || this.controls.touched) && window.innerHeight > window.innerWidth) return 'Turn your phone sideways for a bigger arena';
    return '';
  }

  private drawSticks(): void {
    const sticks = [this.controls.sticks.moveStick, this.controls.sticks.aimTouch];
    sticks.forEach((stick, i) => {
      const node = this.sticks[i]!;
      const show = stick !== undefined && !(i === 1 && this.controls.sticks.aimTouch?.onArena);
      node.hidden = !show;
      if (!show || stick === undefined) return;
      node.style.left = `${stick.originX - STICK_RADIUS_PX}px`;
      node.style.top = `${stick.originY - STICK_RADIUS_PX}px`;
      const dx = stick.x - stick.originX;
      const dy = stick.y - stick.originY;
      const d = Math.hypot(dx, dy);
      const k = d > STICK_RADIUS_PX ? STICK_RADIUS_PX / d : 1;
      (node.firstChild as HTMLElement).style.transform = `translate(${dx * k}px, ${dy * k}px)`;
    });
  }

  // --- Commands and settings -----------------------------------------------------------------

  private command(command: CommandAction | HudCommand): void {
    this.commands.run(command);
  }

  private applySettings(s: Settings): void {
    this.palette = paletteFor(s.palette);
    this.hud.setMuted(s.muted);
    this.relayout(false);
  }
}
