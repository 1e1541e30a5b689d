import { TICK_DT_S, TICK_HZ } from '../../shared/limits.ts';
import { getMap, type GameMap } from '../../shared/maps.ts';
import { radiansToAim } from '../../shared/math.ts';
import { nextRandom } from '../../shared/rng.ts';
import { segmentWallHit } from '../../shared/sim/collision.ts';
import { stepMovement } from '../../shared/sim/movement.ts';
import type { Mover } from '../../shared/sim/world.ts';
import type { PlayerView, RenderFrame } from '../../game-client/net/renderModel.ts';
import type { InputSample } from '../../game-client/net/session.ts';

export const BEHAVIOURS = ['wander', 'chase', 'idle-mix'] as const;
export type BehaviourName = (typeof BEHAVIOURS)[number];
export type Role = 'wander' | 'chase' | 'idle';

/** `idle-mix` is a lobby with people away from the keyboard: half idle, a quarter each wander and chase. */
export function roleFor(behaviour: BehaviourName, index: number): Role {
  if (behaviour !== 'idle-mix') return behaviour;
  const slot = index % 4;
  return slot < 2 ? 'idle' : slot === 2 ? 'wander' : 'chase';
}

/** The eight stick directions plus none, as the input axes allow them. */
const DIRECTIONS: ReadonlyArray<readonly [number, number]> = [
  [1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1], [0, -1], [1, -1],
];
/** Ticks of look-ahead when checking whether a move is blocked. */
const LOOKAHEAD_TICKS = 6;
const FIRE_RANGE_PX = 620;
const WANDER_SIGHT_PX = 450;
const CHASE_KEEP_DISTANCE_PX = 160;
const WAYPOINT_REACHED_PX = 40;

/**
 * A bot's decisions, one input per tick. Full bots decide from the world they see (the
 * session's render frame) with the shared simulation's own movement and wall tests, so they
 * walk around obstacles and only shoot with a clear line. Light bots see nothing and produce the
 * same kind of input stream blind: direction changes every second or two, aim sweeps, bursts
 * of fire.
 */
export class BotBrain {
  private rng: number;
  private tick = 0;
  private waypoint: { x: number; y: number } | undefined;
  private detour: { move: readonly [number, number]; untilTick: number } | undefined;
  private blindMove: readonly [number, number] = [0, 0];
  private blindUntilTick = 0;
  private blindAim = 0;
  private blindAimTarget = 0;
  private burstUntilTick = 0;
  private map: GameMap;

  constructor(readonly role: Role, seed: number) {
    this.rng = seed >>> 0;
    this.map = getMap('arena');
    this.blindAim = Math.floor(this.random() * 65536);
    this.blindAimTarget = this.blindAim;
  }

  decide(frame: RenderFrame | undefined): InputSample {
    this.tick++;
    if (this.role === 'idle') return { moveX: 0, moveY: 0, aim: this.blindAim, fire: false };
    if (frame === undefined) return this.blind();
    if (frame.mapId !== this.map.id) this.map = getMap(frame.mapId);
    const self = frame.self;
    if (self === undefined || !self.alive) {
      this.waypoint = undefined;
      return { moveX: 0, moveY: 0, aim: this.blindAim, fire: false };
    }
    return this.role === 'chase' ? this.chase(self, frame) : this.wander(self, frame);
  }

  private random(): number {
    const r = nextRandom(this.rng);
    this.rng = r.state;
    return r.value;
  }

  private blind(): InputSample {
    if (this.tick >= this.blindUntilTick) {
      // Wanderers sometimes stop; chasers never do (benchmarks use them for "everyone moving").
      const choices = this.role === 'chase' ? DIRECTIONS.length : DIRECTIONS.length + 1;
      const pick = Math.floor(this.random() * choices);
      this.blindMove = DIRECTIONS[pick] ?? [0, 0];
      this.blindUntilTick = this.tick + TICK_HZ + Math.floor(this.random() * 2 * TICK_HZ);
      this.blindAimTarget = Math.floor(this.random() * 65536);
    }
    // Turn the aim towards its target a little each tick, as a mouse would.
    const delta = ((this.blindAimTarget - this.blindAim + 98304) % 65536) - 32768;
    this.blindAim = (this.blindAim + Math.max(-1200, Math.min(1200, delta)) + 65536) % 65536;
    const burstChance = this.role === 'chase' ? 0.06 : 0.02;
    if (this.tick >= this.burstUntilTick && this.random() < burstChance) this.burstUntilTick = this.tick + 10 + Math.floor(this.random() * 20);
    return { moveX: this.blindMove[0], moveY: this.blindMove[1], aim: this.blindAim, fire: this.tick < this.burstUntilTick };
  }

  private chase(self: PlayerView, frame: RenderFrame): InputSample {
    const target = nearest(self, frame.players);
    if (target === undefined) return this.wander(self, frame);
    const dx = target.x - self.x;
    const dy = target.y - self.y;
    const dist = Math.hypot(dx, dy);
    // Close enough: circle the target instead of walking into it.
    const want = dist > CHASE_KEEP_DISTANCE_PX ? { x: dx, y: dy } : { x: -dy, y: dx };
    const move = this.steer(self, want.x, want.y);
    return { moveX: move[0], moveY: move[1], aim: aimAt(dx, dy), fire: dist < FIRE_RANGE_PX && this.clearShot(self, target) };
  }

  private wander(self: PlayerView, frame: RenderFrame): InputSample {
    if (this.waypoint === undefined || Math.hypot(this.waypoint.x - self.x, this.waypoint.y - self.y) < WAYPOINT_REACHED_PX) {
      this.waypoint = { x: 40 + this.random() * (this.map.widthPx - 80), y: 40 + this.random() * (this.map.heightPx - 80) };
    }
    const move = this.steer(self, this.waypoint.x - self.x, this.waypoint.y - self.y);
    const target = nearest(self, frame.players);
    if (target !== undefined && Math.hypot(target.x - self.x, target.y - self.y) < WANDER_SIGHT_PX && this.clearShot(self, target)) {
      return { moveX: move[0], moveY: move[1], aim: aimAt(target.x - self.x, target.y - self.y), fire: true };
    }
    const aim = aimAt(this.waypoint.x - self.x, this.waypoint.y - self.y);
    return { moveX: move[0], moveY: move[1], aim, fire: false };
  }

  /**
   * The stick direction closest to (wantX, wantY) that the shared movement code says actually
   * makes progress over the next few ticks; a blocked bot takes a detour for a second.
   */
  private steer(self: PlayerView, wantX: number, wantY: number): readonly [number, number] {
    if (this.detour !== undefined && this.tick < this.detour.untilTick) return this.detour.move;
    this.detour = undefined;
    const len = Math.hypot(wantX, wantY);
    if (len < 1) return [0, 0];
    const ranked = [...DIRECTIONS].sort((a, b) => alignment(b, wantX, wantY) - alignment(a, wantX, wantY));
    const best = ranked[0]!;
    if (this.progress(self, best, wantX / len, wantY / len) > 0.5) return best;
    for (const move of ranked.slice(1, 5)) {
      if (this.progress(self, move, move[0], move[1]) > 0.5) {
        this.detour = { move, untilTick: this.tick + TICK_HZ };
        return move;
      }
    }
    this.waypoint = undefined;
    return best;
  }

  /** Fraction of free-running distance the move achieves along (ux, uy), by the shared simulation. */
  private progress(self: PlayerView, move: readonly [number, number], ux: number, uy: number): number {
    const body: Mover = { x: self.x, y: self.y, vx: 0, vy: 0 };
    for (let i = 0; i < LOOKAHEAD_TICKS; i++) stepMovement(body, move[0], move[1], TICK_DT_S, this.map);
    const norm = Math.hypot(ux, uy) || 1;
    const along = ((body.x - self.x) * ux + (body.y - self.y) * uy) / norm;
    return along / (LOOKAHEAD_FREE_PX + 1e-9);
  }

  private clearShot(self: PlayerView, target: PlayerView): boolean {
    return segmentWallHit(self.x, self.y, target.x, target.y, this.map.obstacles, this.map.widthPx, this.map.heightPx) >= 1;
  }
}

/** Distance an unobstructed player covers from rest in LOOKAHEAD_TICKS (computed once). */
const LOOKAHEAD_FREE_PX = (() => {
  const open: GameMap = { id: 'open', widthPx: 1e6, heightPx: 1e6, obstacles: [], spawns: [] };
  const body: Mover = { x: 5e5, y: 5e5, vx: 0, vy: 0 };
  for (let i = 0; i < LOOKAHEAD_TICKS; i++) stepMovement(body, 1, 0, TICK_DT_S, open);
  return body.x - 5e5;
})();

function alignment(move: readonly [number, number], x: number, y: number): number {
  return (move[0] * x + move[1] * y) / Math.hypot(move[0], move[1]);
}

function aimAt(dx: number, dy: number): number {
  return radiansToAim(Math.atan2(dy, dx));
}

function nearest(self: PlayerView, players: readonly PlayerView[]): PlayerView | undefined {
  let best: PlayerView | undefined;
  let bestD2 = Infinity;
  for (const p of players) {
    if (p.isSelf || !p.alive) continue;
    const d2 = (p.x - self.x) ** 2 + (p.y - self.y) ** 2;
    if (d2 < bestD2) {
      bestD2 = d2;
      best = p;
    }
  }
  return best;
}
