import { Room, type Client } from '@colyseus/core';
import { schema, t, type SchemaType } from '@colyseus/schema';
import { TICK_DT_S, TICK_MS } from '../../shared/limits.ts';
import { FIRE_COOLDOWN_TICKS, PLAYER_MAX_HEALTH, PLAYER_MAX_SPEED_PX_PER_S, PLAYER_RADIUS_PX, PROJECTILE_DAMAGE, PROJECTILE_RADIUS_PX, PROJECTILE_SPAWN_OFFSET_PX, PROJECTILE_SPEED_PX_PER_S, PROJECTILE_TTL_TICKS, RESPAWN_DELAY_TICKS } from '../../shared/tuning.ts';
import { ARENA_MAP } from '../../shared/maps.ts';
import { aimToDirection } from '../../shared/math.ts';
import { resolveCircleVsRects, segmentCircleHit, segmentWallHit } from '../../shared/sim/collision.ts';
import { tickRecorder } from '../../server/observability/tickRecorder.ts';

/**
 * Baseline 2, the official tutorial's approach, with this game's rules and numbers:
 * - every `input` message is applied the moment it arrives (`onMessage`), moving the player by
 *   one input's worth of speed (a client sending faster moves faster, as in the tutorial);
 * - the default variable-interval loop (`setSimulationInterval`, 60 Hz, measured `deltaTime`)
 *   advances projectiles and respawns;
 * - plain `number` fields and positions as they fall (no grid, no exact float32), projectiles
 *   synced by position every frame, no input channel (plain messages, no delta-encoded inputs).
 */

const TPlayer = schema({
  name: t.string().default(''),
  x: t.number().default(0),
  y: t.number().default(0),
  aim: t.number().default(0),
  hp: t.number().default(PLAYER_MAX_HEALTH),
  alive: t.boolean().default(true),
  kills: t.number().default(0),
  deaths: t.number().default(0),
}, 'TPlayer');
type TPlayer = SchemaType<typeof TPlayer>;

const TBullet = schema({
  ownerId: t.string().default(''),
  x: t.number().default(0),
  y: t.number().default(0),
}, 'TBullet');
type TBullet = SchemaType<typeof TBullet>;

const TState = schema({
  players: t.map(TPlayer),
  bullets: t.map(TBullet),
}, 'TState');
type TState = SchemaType<typeof TState>;

interface Input { moveX?: number; moveY?: number; aim?: number; fire?: boolean }
interface BulletMotion { vx: number; vy: number; ageMs: number }

/** Room type name the baseline registers (and its bots join). */
export const TUTORIAL_ROOM = 'tutorial';
const DIAGONAL = 0.7071067811865476;
const MAP = ARENA_MAP;

export class TutorialRoom extends Room<{ state: TState }> {
  override maxClients = 16;
  override state = new TState();
  private readonly fireReadyAt = new Map<string, number>();
  private readonly respawnAt = new Map<string, number>();
  private readonly motion = new Map<string, BulletMotion>();
  private nextBullet = 1;
  private nowMs = 0;

  override onCreate(options: { maxPlayers?: number; private?: boolean }): void {
    if (typeof options?.maxPlayers === 'number') this.maxClients = options.maxPlayers;
    if (options?.private) void this.setPrivate(true);
    this.onMessage('input', (client, input: Input) => this.applyInput(client, input));
    this.onMessage('*', () => undefined);
    this.setSimulationInterval((deltaTime) => {
      const t0 = performance.now();
      this.update(deltaTime);
      tickRecorder.record(t0, performance.now(), 'step');
    });
  }

  override broadcastPatch(): boolean {
    const t0 = performance.now();
    const changed = super.broadcastPatch();
    if (this.clients.length > 0) tickRecorder.record(t0, performance.now(), 'patch');
    return changed;
  }

  override onJoin(client: Client, options: { name?: string }): void {
    const spawn = MAP.spawns[Math.floor(Math.random() * MAP.spawns.length)]!;
    this.state.players.set(client.sessionId, new TPlayer({ name: String(options?.name ?? 'player').slice(0, 16), x: spawn.x, y: spawn.y }));
  }

  override onLeave(client: Client): void {
    this.state.players.delete(client.sessionId);
    this.fireReadyAt.delete(client.sessionId);
    this.respawnAt.delete(client.sessionId);
  }

  private applyInput(client: Client, input: Input): void {
    const p = this.state.players.get(client.sessionId);
    if (!p || !p.alive) return;
    const mx = Math.sign(Number(input.moveX) || 0);
    const my = Math.sign(Number(input.moveY) || 0);
    const step = PLAYER_MAX_SPEED_PX_PER_S * TICK_DT_S * (mx !== 0 && my !== 0 ? DIAGONAL : 1);
    const body = { x: p.x + mx * step, y: p.y + my * step, vx: 0, vy: 0 };
    resolveCircleVsRects(body, PLAYER_RADIUS_PX, MAP.obstacles);
    p.x = Math.min(MAP.widthPx - PLAYER_RADIUS_PX, Math.max(PLAYER_RADIUS_PX, body.x));
    p.y = Math.min(MAP.heightPx - PLAYER_RADIUS_PX, Math.max(PLAYER_RADIUS_PX, body.y));
    p.aim = Number(input.aim) || 0;
    if (input.fire === true && this.nowMs >= (this.fireReadyAt.get(client.sessionId) ?? 0)) this.fire(client.sessionId, p);
  }

  private fire(ownerId: string, p: TPlayer): void {
    this.fireReadyAt.set(ownerId, this.nowMs + FIRE_COOLDOWN_TICKS * TICK_MS);
    const dir = aimToDirection(p.aim);
    const id = String(this.nextBullet++);
    this.state.bullets.set(id, new TBullet({ ownerId, x: p.x + dir.x * PROJECTILE_SPAWN_OFFSET_PX, y: p.y + dir.y * PROJECTILE_SPAWN_OFFSET_PX }));
    this.motion.set(id, { vx: dir.x * PROJECTILE_SPEED_PX_PER_S, vy: dir.y * PROJECTILE_SPEED_PX_PER_S, ageMs: 0 });
  }

  private update(deltaTimeMs: number): void {
    this.nowMs += deltaTimeMs;
    const dt = deltaTimeMs / 1000;
    for (const [id, b] of this.state.bullets) {
      const m = this.motion.get(id)!;
      const nx = b.x + m.vx * dt;
      const ny = b.y + m.vy * dt;
      m.ageMs += deltaTimeMs;
      const victim = this.hitPlayer(b, nx, ny);
      if (victim !== undefined) {
        this.damage(victim, b.ownerId);
        this.removeBullet(id);
      } else if (m.ageMs > PROJECTILE_TTL_TICKS * TICK_MS || segmentWallHit(b.x, b.y, nx, ny, MAP.obstacles, MAP.widthPx, MAP.heightPx) < 1) {
        this.removeBullet(id);
      } else {
        b.x = nx;
        b.y = ny;
      }
    }
    for (const [id, at] of this.respawnAt) {
      if (this.nowMs < at) continue;
      this.respawnAt.delete(id);
      const p = this.state.players.get(id);
      if (!p) continue;
      const spawn = MAP.spawns[Math.floor(Math.random() * MAP.spawns.length)]!;
      p.x = spawn.x;
      p.y = spawn.y;
      p.hp = PLAYER_MAX_HEALTH;
      p.alive = true;
    }
  }

  private hitPlayer(b: TBullet, nx: number, ny: number): string | undefined {
    for (const [id, p] of this.state.players) {
      if (!p.alive || id === b.ownerId) continue;
      if (segmentCircleHit(b.x, b.y, nx, ny, p.x, p.y, PLAYER_RADIUS_PX + PROJECTILE_RADIUS_PX) >= 0) return id;
    }
    return undefined;
  }

  private damage(victimId: string, killerId: string): void {
    const victim = this.state.players.get(victimId)!;
    victim.hp = Math.max(0, victim.hp - PROJECTILE_DAMAGE);
    if (victim.hp > 0) return;
    victim.alive = false;
    victim.deaths += 1;
    const killer = this.state.players.get(killerId);
    if (killer) killer.kills += 1;
    this.respawnAt.set(victimId, this.nowMs + RESPAWN_DELAY_TICKS * TICK_MS);
    this.broadcast('kill', { killerId, victimId });
  }

  private removeBullet(id: string): void {
    this.state.bullets.delete(id);
    this.motion.delete(id);
  }
}
