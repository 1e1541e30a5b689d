import type { InputHandle, Room } from '@colyseus/sdk';
import { TICK_DT_S, TICK_HZ } from '../../shared/constants.ts';
import { getMap, type GameMap } from '../../shared/maps.ts';
import { aimToRadians } from '../../shared/math.ts';
import type { ServerMessages } from '../../shared/messages.ts';
import { projectileEndTick } from '../../shared/sim/step.ts';
import { describeClose } from './closeReasons.ts';
import { Emitter } from './emitter.ts';
import { InputClock } from './inputClock.ts';
import { bodyAt, inArea } from './interest.ts';
import type { PlayerView, ProjectileView, RenderFrame, ScoreLine } from './renderModel.ts';
import type { ArenaStateView } from './stateTypes.ts';

/** What the player wants this tick, as read from keyboard and mouse (or a bot's brain). */
export interface InputSample {
  moveX: number;
  moveY: number;
  /** Aim in 1/65536 turns (see shared/math.ts radiansToAim). */
  aim: number;
  fire: boolean;
}

export type InputSampler = () => InputSample;

export interface SessionEvents extends Record<string, unknown> {
  kill: ServerMessages['kill'];
  chat: ServerMessages['chat'];
  /** The room connection ended for good; `reason` is for people. */
  closed: { code: number; reason: string };
}

export interface NetStats {
  pingMs: number | undefined;
  inputsSent: number;
  /** Last input the server has applied (its acknowledgement). */
  inputsAcked: number;
}

const PING_INTERVAL_MS = 2000;
const FIRST_STATE_TIMEOUT_MS = 10_000;
/** How far ahead of the last patch we let things coast before holding still. */
const MAX_EXTRAPOLATION_TICKS = 3;

/**
 * One player's connection to one arena room. Owns the Colyseus room: sends inputs at the tick
 * rate, tracks the server's state and turns it into plain render frames. Scenes and bots use
 * this and never touch the SDK.
 */
export class ArenaSession {
  readonly events = new Emitter<SessionEvents>();
  readonly sessionId: string;
  readonly code: string;
  status: 'playing' | 'closed' = 'playing';

  private readonly input: InputHandle<any>;
  private readonly clock = new InputClock();
  private map: GameMap;
  private pingMs: number | undefined;
  private readonly pingTimer: ReturnType<typeof setInterval>;
  private lastPatchAtMs = 0;
  private lastPatchTick = 0;
  private readonly projectileEnds = new Map<string, number>();

  /** Wrap a freshly joined room; resolves once the first full state has arrived. */
  static async open(room: Room<any, ArenaStateView>, timeoutMs = FIRST_STATE_TIMEOUT_MS): Promise<ArenaSession> {
    const session = new ArenaSession(room);
    if (room.state?.players === undefined) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('The room sent no state.')), timeoutMs);
        room.onStateChange.once(() => { clearTimeout(timer); resolve(); });
      });
    }
    session.map = getMap(room.state.mapId);
    return session;
  }

  private constructor(private readonly room: Room<any, ArenaStateView>) {
    this.sessionId = room.sessionId;
    this.code = room.roomId;
    this.map = getMap('arena');
    // Handlers go on before the first await: messages queued at join are dispatched right away.
    this.input = room.input();

    room.onMessage('kill', (m: ServerMessages['kill']) => this.events.emit('kill', m));
    room.onMessage('chat', (m: ServerMessages['chat']) => this.events.emit('chat', m));
    room.onMessage('chatHistory', (m: ServerMessages['chatHistory']) => m.lines.forEach((line) => this.events.emit('chat', line)));
    room.onStateChange(() => this.onPatch());
    room.onLeave((code: number) => this.close(code));

    this.pingTimer = setInterval(() => this.measurePing(), PING_INTERVAL_MS);
    this.measurePing();
  }

  /** Advance the input clock and send every input that is due. Call once per frame. */
  update(nowMs: number, sample: InputSampler): void {
    if (this.status !== 'playing') return;
    const steps = this.clock.advance(nowMs);
    for (let i = 0; i < steps; i++) this.sendInput(sample());
  }

  frame(nowMs: number): RenderFrame {
    const state = this.room.state;
    const ahead = Math.min(MAX_EXTRAPOLATION_TICKS, ((nowMs - this.lastPatchAtMs) / 1000) * TICK_HZ);
    const renderTick = this.lastPatchTick + Math.max(0, ahead);

    const players: PlayerView[] = [];
    const roster: ScoreLine[] = [];
    state.players.forEach((p, id) => {
      roster.push({ id, name: p.name, kills: p.kills, deaths: p.deaths, isSelf: id === this.sessionId });
      if (!inArea(p)) return;
      // Bodies are dead-reckoned from the tick they were sampled at (exact up to the last patch), then coast.
      const at = p.alive ? bodyAt(p, renderTick, this.lastPatchTick) : { x: p.x, y: p.y };
      players.push({
        id,
        name: p.name,
        x: at.x,
        y: at.y,
        aimRad: aimToRadians(p.aim),
        hp: p.hp,
        alive: p.alive,
        kills: p.kills,
        deaths: p.deaths,
        isSelf: id === this.sessionId,
      });
    });

    const projectiles: ProjectileView[] = [];
    state.projectiles.forEach((p, id) => {
      let end = this.projectileEnds.get(id);
      if (end === undefined) {
        end = projectileEndTick(this.map, p.x0, p.y0, p.vx, p.vy, p.spawnTick, TICK_DT_S);
        this.projectileEnds.set(id, end);
      }
      const t = Math.min(Math.max(renderTick, p.spawnTick), end);
      if (renderTick > end) return;
      const dt = (t - p.spawnTick) * TICK_DT_S;
      projectiles.push({ id, x: p.x0 + p.vx * dt, y: p.y0 + p.vy * dt, ownerId: p.ownerId });
    });

    return { tick: renderTick, mapId: this.map.id, self: players.find((p) => p.isSelf), players, projectiles, roster };
  }

  stats(): NetStats {
    return { pingMs: this.pingMs, inputsSent: this.input.sentCount, inputsAcked: this.input.lastProcessed };
  }

  sendChat(text: string): void {
    if (this.status === 'playing') this.room.send('chat', { text });
  }

  async leave(): Promise<void> {
    if (this.status === 'closed') return;
    await this.room.leave(true);
  }

  private sendInput(sample: InputSample): void {
    const data = this.input.data;
    data.seq = this.input.sentCount + 1;
    data.moveX = sample.moveX;
    data.moveY = sample.moveY;
    data.aim = sample.aim;
    data.fire = sample.fire;
    this.input.send();
  }

  private onPatch(): void {
    this.lastPatchAtMs = performance.now();
    this.lastPatchTick = this.room.state.tick;
    if (this.projectileEnds.size > 256) {
      for (const id of this.projectileEnds.keys()) if (this.room.state.projectiles.get(id) === undefined) this.projectileEnds.delete(id);
    }
  }

  private measurePing(): void {
    if (this.status !== 'playing') return;
    this.room.ping((ms: number) => { this.pingMs = ms; });
  }

  private close(code: number): void {
    if (this.status === 'closed') return;
    this.status = 'closed';
    clearInterval(this.pingTimer);
    this.events.emit('closed', { code, reason: describeClose(code) });
  }
}
