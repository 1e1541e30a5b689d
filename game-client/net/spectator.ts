import type { Room } from '@colyseus/sdk';
import { getMap, type GameMap } from '../../shared/maps.ts';
import type { SpectateMessage } from '../../shared/messages.ts';
import type { RenderFrame } from './renderModel.ts';
import { ArenaSession, type InputSample, type InputSampler, type SessionOptions } from './session.ts';
import type { ArenaStateView } from './stateTypes.ts';

/** Roaming camera speed, px/s. */
const ROAM_SPEED_PX_PER_S = 700;
/** Camera updates to the server while roaming: enough to keep the area ahead of the camera. */
const ROAM_SEND_INTERVAL_MS = 150;

/** What a scene needs from a session, whether it plays or watches. */
export type GameSession = Pick<ArenaSession, 'events' | 'sessionId' | 'code' | 'status' | 'match' | 'update' | 'frame' | 'stats' | 'sendChat' | 'leave' | 'leaveNow'>;

/**
 * Watching a room without a body. The room connection and its rendering are an `ArenaSession`'s
 * (same state, same netcode); this adds the camera: it follows a player (the top scorer at
 * first; `fire` switches to the next one) or roams with the movement keys. The server centres
 * this client's area of interest on the followed player or the roaming point, so a spectator
 * costs it exactly what a player's view does. No inputs are sent.
 */
export class SpectatorSession implements GameSession {
  readonly role = 'spectator' as const;
  private camera = { x: 0, y: 0 };
  private following: string | undefined;
  private lastUpdateMs: number | undefined;
  private lastSentMs = -Infinity;
  private sentAt = { x: Number.NaN, y: Number.NaN };
  private wasFiring = false;
  private map: GameMap;

  static async open(room: Room<any, ArenaStateView>, options: SessionOptions = {}): Promise<SpectatorSession> {
    return new SpectatorSession(room, await ArenaSession.open(room, undefined, options));
  }

  private constructor(private readonly room: Room<any, ArenaStateView>, private readonly inner: ArenaSession) {
    this.map = getMap(room.state.mapId);
    this.camera = { x: this.map.widthPx / 2, y: this.map.heightPx / 2 };
  }

  get events() { return this.inner.events; }
  get sessionId() { return this.inner.sessionId; }
  get code() { return this.inner.code; }
  get status() { return this.inner.status; }
  get match() { return this.inner.match; }

  /** The player followed (undefined while roaming). */
  get target(): string | undefined {
    return this.following;
  }

  /** Movement keys roam the camera; `fire` (pressed, not held) follows the next player. */
  update(nowMs: number, sample: InputSampler): void {
    if (this.inner.status !== 'playing') return;
    const input: InputSample = sample();
    const dtS = this.lastUpdateMs === undefined ? 0 : Math.min(0.1, (nowMs - this.lastUpdateMs) / 1000);
    this.lastUpdateMs = nowMs;
    if (input.fire && !this.wasFiring) this.followNext();
    this.wasFiring = input.fire;
    if (input.moveX !== 0 || input.moveY !== 0) {
      if (this.following !== undefined) this.following = undefined;
      this.camera.x = clamp(this.camera.x + input.moveX * ROAM_SPEED_PX_PER_S * dtS, 0, this.map.widthPx);
      this.camera.y = clamp(this.camera.y + input.moveY * ROAM_SPEED_PX_PER_S * dtS, 0, this.map.heightPx);
    }
    if (this.following === undefined && this.room.state.players.size > 0 && this.lastSentMs === -Infinity) this.followNext();
    if (this.following === undefined && nowMs - this.lastSentMs >= ROAM_SEND_INTERVAL_MS && (this.camera.x !== this.sentAt.x || this.camera.y !== this.sentAt.y)) {
      this.send({ x: this.camera.x, y: this.camera.y }, nowMs);
      this.sentAt = { ...this.camera };
    }
  }

  /** Follow a player by session id (from the roster), or roam from where the camera is. */
  follow(sessionId: string | undefined, nowMs = performance.now()): void {
    this.following = sessionId;
    if (sessionId !== undefined) this.send({ follow: sessionId }, nowMs);
    else this.send({ x: this.camera.x, y: this.camera.y }, nowMs);
  }

  frame(nowMs: number): RenderFrame {
    const frame = this.inner.frame(nowMs);
    if (this.following !== undefined) {
      const target = frame.players.find((p) => p.id === this.following);
      if (target !== undefined) this.camera = { x: target.x, y: target.y };
      else if (this.room.state.players.get(this.following) === undefined) this.following = undefined;
    }
    return { ...frame, camera: { ...this.camera } };
  }

  stats() { return this.inner.stats(); }
  sendChat(text: string): void { this.inner.sendChat(text); }
  leave(): Promise<void> { return this.inner.leave(); }
  leaveNow(): void { this.inner.leaveNow(); }

  private followNext(): void {
    const ids: Array<{ id: string; kills: number }> = [];
    this.room.state.players.forEach((p, id) => ids.push({ id, kills: p.kills }));
    if (ids.length === 0) return;
    ids.sort((a, b) => b.kills - a.kills || a.id.localeCompare(b.id));
    const at = this.following === undefined ? -1 : ids.findIndex((p) => p.id === this.following);
    this.follow(ids[(at + 1) % ids.length]!.id);
  }

  private send(msg: SpectateMessage, nowMs: number): void {
    this.lastSentMs = nowMs;
    if (this.inner.status === 'playing') this.room.send('spectate', msg);
  }
}

function clamp(v: number, min: number, max: number): number {
  return v < min ? min : v > max ? max : v;
}
