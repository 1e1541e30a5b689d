import Phaser from 'phaser';
import { CHAT_MAX_CHARS, PLAYER_MAX_HEALTH, PLAYER_RADIUS_PX, PROJECTILE_RADIUS_PX } from '../../shared/constants.ts';
import { getMap, type GameMap } from '../../shared/maps.ts';
import { radiansToAim } from '../../shared/math.ts';
import { describeMatchClock, describeMatchEnd } from '../net/matchText.ts';
import { scoreboard, type PlayerView, type RenderFrame } from '../net/renderModel.ts';
import type { InputSample } from '../net/session.ts';
import type { GameSession } from '../net/spectator.ts';
import { el } from '../ui/dom.ts';
import { NetGraphOverlay } from './NetGraphOverlay.ts';

interface ArenaData {
  /** A player's `ArenaSession` or a spectator's `SpectatorSession`. */
  session: GameSession;
}

interface FeedLine {
  text: string;
  atMs: number;
}

const FEED_LINES = 5;
const FEED_TTL_MS = 6000;
const CHAT_LINES = 6;
const CHAT_TTL_MS = 12000;
/** Scoreboard lines (plus our own, if we are further down). */
const SCORE_LINES = 10;

/** Stable, distinct colour per player id. */
function colourFor(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) >>> 0;
  return Phaser.Display.Color.HSLToColor((h % 360) / 360, 0.65, 0.58).color;
}

/**
 * Draws the arena from the session's render frames and turns keyboard and mouse into input
 * samples. All networking is behind `ArenaSession`.
 */
export class ArenaScene extends Phaser.Scene {
  private session!: GameSession;
  private map!: GameMap;
  private dynamic!: Phaser.GameObjects.Graphics;
  private names = new Map<string, Phaser.GameObjects.Text>();
  private hudTop!: Phaser.GameObjects.Text;
  private hudScores!: Phaser.GameObjects.Text;
  private hudFeed!: Phaser.GameObjects.Text;
  private hudChat!: Phaser.GameObjects.Text;
  private hudCentre!: Phaser.GameObjects.Text;
  private keys!: Record<'up' | 'down' | 'left' | 'right' | 'w' | 'a' | 's' | 'd' | 'space', Phaser.Input.Keyboard.Key>;
  private feed: FeedLine[] = [];
  private chat: FeedLine[] = [];
  private chatInput: HTMLInputElement | undefined;
  private lastFrame: RenderFrame | undefined;
  private lastKiller = '';
  private matchResult = '';
  private unsubscribe: Array<() => void> = [];
  private netGraph!: NetGraphOverlay;

  constructor() {
    super('arena');
  }

  init(data: ArenaData): void {
    this.session = data.session;
    this.map = getMap(this.session.frame(performance.now()).mapId);
    this.names = new Map();
    this.feed = [];
    this.chat = [];
    this.lastFrame = undefined;
    this.matchResult = '';
  }

  create(): void {
    this.drawMap();
    this.dynamic = this.add.graphics().setDepth(1);
    const hudStyle = { fontFamily: 'ui-monospace, monospace', fontSize: '18px', color: '#e6edf3' };
    this.hudTop = this.add.text(12, 10, '', hudStyle).setDepth(10).setScrollFactor(0);
    // A faint backdrop keeps the scoreboard readable over players in the top-right corner, who stay visible.
    this.hudScores = this.add.text(this.scale.width - 12, 10, '', { ...hudStyle, align: 'right', backgroundColor: 'rgba(13, 17, 23, 0.45)', padding: { x: 8, y: 4 } }).setOrigin(1, 0).setDepth(10).setScrollFactor(0);
    this.hudFeed = this.add.text(this.scale.width - 12, 300, '', { ...hudStyle, fontSize: '16px', align: 'right', color: '#ffa657' }).setOrigin(1, 0).setDepth(10).setScrollFactor(0);
    this.hudChat = this.add.text(12, this.scale.height - 60, '', { ...hudStyle, fontSize: '16px' }).setOrigin(0, 1).setDepth(10).setScrollFactor(0);
    this.hudCentre = this.add.text(this.scale.width / 2, this.scale.height / 2 - 120, '', { ...hudStyle, fontSize: '28px', align: 'center' }).setOrigin(0.5).setDepth(10).setScrollFactor(0);
    this.cameras.main.setBounds(0, 0, this.map.widthPx, this.map.heightPx);

    const kb = this.input.keyboard!;
    const K = Phaser.Input.Keyboard.KeyCodes;
    // Letters are not captured, so they still type into the chat box.
    this.keys = {
      up: kb.addKey(K.UP, true), down: kb.addKey(K.DOWN, true), left: kb.addKey(K.LEFT, true), right: kb.addKey(K.RIGHT, true),
      space: kb.addKey(K.SPACE, true),
      w: kb.addKey(K.W, false), a: kb.addKey(K.A, false), s: kb.addKey(K.S, false), d: kb.addKey(K.D, false),
    };
    kb.on('keydown-ESC', () => { if (this.chatInput) this.closeChat(); else void this.session.leave(); });
    kb.on('keydown-ENTER', () => { if (!this.chatInput) this.openChat(); });
    this.netGraph = new NetGraphOverlay(this);
    kb.on('keydown-N', () => { if (!this.chatInput) this.netGraph.toggle(); });

    this.unsubscribe = [
      this.session.events.on('kill', (k) => {
        this.feed.push({ text: `${k.killerName} ⟶ ${k.victimName}`, atMs: performance.now() });
        if (k.victimId === this.session.sessionId) this.lastKiller = k.killerName;
      }),
      this.session.events.on('chat', (c) => this.chat.push({ text: `${c.name}: ${c.text}`, atMs: performance.now() })),
      this.session.events.on('matchEnd', (end) => { this.matchResult = describeMatchEnd(end, this.session.sessionId); }),
      this.session.events.on('closed', ({ code, reason }) => {
        this.scene.start('lobby', { message: this.matchResult || (code === 4000 ? '' : reason) });
      }),
    ];
    const hook = (window as unknown as { __arena?: Record<string, unknown> }).__arena;
    if (hook) {
      // Read-only view for end-to-end tests and the console.
      hook.session = {
        sessionId: this.session.sessionId,
        code: this.session.code,
        frame: () => this.session.frame(performance.now()),
        stats: () => this.session.stats(),
        netGraph: () => ({ visible: this.netGraph.visible, lines: this.netGraph.model.lines() }),
        status: () => this.session.status,
        centreText: () => this.hudCentre.text,
      };
    }
    this.events.once(Phaser.Scenes.Events.SHUTDOWN, () => {
      if (hook) delete hook.session;
      for (const off of this.unsubscribe) off();
      this.closeChat();
      this.names.clear();
    });
  }

  override update(): void {
    const now = performance.now();
    this.session.update(now, () => this.sampleInput());
    const frame = this.session.frame(now);
    this.lastFrame = frame;
    this.drawFrame(frame);
    this.drawHud(frame, now);
    this.netGraph.update(this.session.stats(), now);
    const focus = frame.self ?? frame.camera;
    if (focus) this.cameras.main.centerOn(focus.x, focus.y);
  }

  private sampleInput(): InputSample {
    const self = this.lastFrame?.self;
    const pointer = this.input.activePointer;
    const world = pointer.positionToCamera(this.cameras.main) as Phaser.Math.Vector2;
    const aim = self ? radiansToAim(Math.atan2(world.y - self.y, world.x - self.x)) : 0;
    if (this.chatInput) return { moveX: 0, moveY: 0, aim, fire: false };
    const k = this.keys;
    const moveX = (k.right.isDown || k.d.isDown ? 1 : 0) - (k.left.isDown || k.a.isDown ? 1 : 0);
    const moveY = (k.down.isDown || k.s.isDown ? 1 : 0) - (k.up.isDown || k.w.isDown ? 1 : 0);
    return { moveX, moveY, aim, fire: pointer.leftButtonDown() || k.space.isDown };
  }

  private drawMap(): void {
    const g = this.add.graphics().setDepth(0);
    g.fillStyle(0x151a21, 1).fillRect(0, 0, this.map.widthPx, this.map.heightPx);
    g.lineStyle(1, 0x1f2630, 1);
    for (let x = 0; x <= this.map.widthPx; x += 50) g.lineBetween(x, 0, x, this.map.heightPx);
    for (let y = 0; y <= this.map.heightPx; y += 50) g.lineBetween(0, y, this.map.widthPx, y);
    for (const r of this.map.obstacles) {
      g.fillStyle(0x30363d, 1).fillRect(r.x, r.y, r.w, r.h);
      g.lineStyle(2, 0x484f58, 1).strokeRect(r.x, r.y, r.w, r.h);
    }
    g.lineStyle(4, 0x484f58, 1).strokeRect(0, 0, this.map.widthPx, this.map.heightPx);
  }

  private drawFrame(frame: RenderFrame): void {
    const g = this.dynamic;
    g.clear();
    const seen = new Set<string>();
    for (const p of frame.players) {
      seen.add(p.id);
      this.drawPlayer(g, p);
    }
    for (const [id, label] of this.names) {
      if (!seen.has(id)) {
        label.destroy();
        this.names.delete(id);
      }
    }
    for (const pr of frame.projectiles) {
      g.fillStyle(pr.ownerId === this.session.sessionId ? 0xffe08a : 0xff7b72, 1).fillCircle(pr.x, pr.y, PROJECTILE_RADIUS_PX);
    }
  }

  private drawPlayer(g: Phaser.GameObjects.Graphics, p: PlayerView): void {
    let label = this.names.get(p.id);
    if (!label) {
      // Phaser text is drawn on the canvas: a name can never become markup.
      label = this.add.text(0, 0, p.name, { fontFamily: 'system-ui, sans-serif', fontSize: '15px', color: '#e6edf3' }).setOrigin(0.5, 1).setDepth(2);
      this.names.set(p.id, label);
    }
    label.setVisible(p.alive).setPosition(p.x, p.y - PLAYER_RADIUS_PX - 10);
    if (!p.alive) return;
    const colour = colourFor(p.id);
    g.fillStyle(colour, 1).fillCircle(p.x, p.y, PLAYER_RADIUS_PX);
    if (p.isSelf) g.lineStyle(3, 0xffffff, 1).strokeCircle(p.x, p.y, PLAYER_RADIUS_PX + 2);
    g.lineStyle(6, colour, 1).lineBetween(p.x, p.y, p.x + Math.cos(p.aimRad) * (PLAYER_RADIUS_PX + 10), p.y + Math.sin(p.aimRad) * (PLAYER_RADIUS_PX + 10));
    const w = 40;
    const hpFrac = Math.max(0, Math.min(1, p.hp / PLAYER_MAX_HEALTH));
    g.fillStyle(0x000000, 0.6).fillRect(p.x - w / 2, p.y - PLAYER_RADIUS_PX - 8, w, 5);
    g.fillStyle(hpFrac > 0.5 ? 0x3fb950 : hpFrac > 0.25 ? 0xd29922 : 0xf85149, 1).fillRect(p.x - w / 2, p.y - PLAYER_RADIUS_PX - 8, w * hpFrac, 5);
  }

  private drawHud(frame: RenderFrame, now: number): void {
    const stats = this.session.stats();
    const ping = stats.pingMs === undefined ? '…' : `${Math.round(stats.pingMs)} ms`;
    const clock = describeMatchClock(this.session.match, frame.tick);
    const everyone = frame.roster ?? frame.players;
    this.hudTop.setText(`Room ${this.session.code}   ping ${ping}   players ${everyone.length}${clock ? `   ${clock}` : ''}`);
    const ranked = scoreboard(everyone);
    const shown = ranked.slice(0, SCORE_LINES);
    const own = ranked.findIndex((l) => l.isSelf);
    if (own >= SCORE_LINES) shown.push(ranked[own]!);
    const lines = shown.map((s) => `${s.isSelf ? '▶ ' : ''}${s.name.padEnd(16)} ${String(s.kills).padStart(3)} / ${String(s.deaths).padEnd(3)}`);
    this.hudScores.setText(['NAME               K / D', ...lines].join('\n'));
    this.feed = this.feed.filter((f) => now - f.atMs < FEED_TTL_MS).slice(-FEED_LINES);
    this.hudFeed.setY(this.hudScores.y + this.hudScores.height + 16).setText(this.feed.map((f) => f.text).join('\n'));
    this.chat = this.chat.filter((c) => now - c.atMs < CHAT_TTL_MS).slice(-CHAT_LINES);
    this.hudChat.setText(this.chat.map((c) => c.text).join('\n'));
    const self = frame.self;
    if (this.session.status === 'reconnecting') {
      this.hudCentre.setText('Connection lost\nreconnecting…');
      return;
    }
    const watching = (this.session as { target?: string }).target;
    if (frame.camera !== undefined && self === undefined) {
      const name = watching === undefined ? undefined : everyone.find((p) => p.id === watching)?.name;
      this.hudCentre.setY(40).setText(`Spectating${name ? ` ${name}` : ''}  ·  click: next player  ·  WASD: roam`).setFontSize(18);
      return;
    }
    this.hudCentre.setText(self && !self.alive ? `Eliminated${this.lastKiller ? ` by ${this.lastKiller}` : ''}\nrespawning…` : '');
  }

  private openChat(): void {
    const input = el('input', { className: 'chat-input', maxLength: CHAT_MAX_CHARS, placeholder: 'Say something (Enter to send, Esc to cancel)' });
    input.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Enter') {
        if (input.value.trim()) this.session.sendChat(input.value);
        this.closeChat();
      } else if (e.key === 'Escape') {
        this.closeChat();
      }
    });
    document.getElementById('overlay')!.appendChild(input);
    this.chatInput = input;
    setTimeout(() => input.focus(), 0);
  }

  private closeChat(): void {
    this.chatInput?.remove();
    this.chatInput = undefined;
  }
}
