import { AIM_STEPS_PER_TURN, TICK_DT_S, TICK_MS } from '../../shared/limits.ts';
import { PLAYER_MAX_SPEED_PX_PER_S } from '../../shared/tuning.ts';
import type { GameMap } from '../../shared/maps.ts';
import { projectileEndTick } from '../../shared/sim/step.ts';
import { projectilePositionAt } from '../../shared/sim/world.ts';
import { bodyAt, inArea } from './interest.ts';
import type { ArenaStateView, PlayerStateView } from './stateTypes.ts';

/** One player as a snapshot recorded it (plain numbers, detached from the schema). */
export type PlayerSnap = PlayerStateView;

export interface Snapshot {
  tick: number;
  players: Map<string, PlayerSnap>;
}

/** A straight flight: where a projectile is at any tick between its spawn and its end. */
export interface ShotPath {
  x0: number;
  y0: number;
  vx: number;
  vy: number;
  spawnTick: number;
  /** Last tick it can be seen at (wall, expiry, or the hit that removed it). */
  endTick: number;
}

/** Where a shot is at (fractional) `tick`, or undefined if it is not in flight then. */
export function shotAt(path: ShotPath, tick: number): { x: number; y: number } | undefined {
  if (tick < path.spawnTick || tick > path.endTick) return undefined;
  return projectilePositionAt(path, tick, TICK_DT_S);
}

export interface ProjectileTrack extends ShotPath {
  id: string;
  ownerId: string;
  /** First snapshot tick it was missing from (it hit someone at or before that tick). */
  goneTick: number | undefined;
  /** Where its flight would have ended (a wall, the map's edge or its range), had it hit nobody. */
  rangeEndTick: number;
}

export interface SnapshotBufferOptions {
  /** Farthest past the newest snapshot a remote entity coasts on its velocity before holding. */
  maxExtrapolateMs: number;
  /**
   * A move between snapshots longer than a player can run in that time plus this is a teleport
   * (respawn): jump, never glide. Also, a drawn position jumping this far in one frame resets
   * the fading correction.
   */
  teleportPx: number;
  /** Time constant that fades out a correction after coasting guessed wrong. */
  correctionTauMs: number;
}

export const SNAPSHOT_DEFAULTS: SnapshotBufferOptions = {
  maxExtrapolateMs: 100,
  teleportPx: 120,
  correctionTauMs: 120,
};

const MAX_SNAPSHOTS = 96;

interface Smoothing {
  offX: number;
  offY: number;
  /** Raw (uncorrected) position drawn last frame, and at which tick. */
  rawX: number;
  rawY: number;
  tick: number;
  alive: boolean;
  version: number;
}

const scratch: PlayerSnap = { name: '', x: 0, y: 0, vx: 0, vy: 0, t: 0, aim: 0, hp: 0, alive: false, kills: 0, deaths: 0 };

/**
 * Server snapshots on the tick timeline, and what remote entities look like at any tick
 * between them: positions interpolated (aim along the short arc), discrete fields from the
 * earlier snapshot, velocity-extrapolated for at most `maxExtrapolateMs` past the newest one,
 * then held. When new data shows a coast guessed wrong, the difference is faded out instead of
 * jumped over. Projectiles are tracked once (they never change) and placed by formula.
 */
export class SnapshotBuffer {
  private readonly opts: SnapshotBufferOptions;
  private readonly snaps: Snapshot[] = [];
  private readonly smoothing = new Map<string, Smoothing>();
  private version = 0;
  private lastFrameMs: number | undefined;
  readonly projectiles = new Map<string, ProjectileTrack>();

  constructor(private map: GameMap, options: Partial<SnapshotBufferOptions> = {}) {
    this.opts = { ...SNAPSHOT_DEFAULTS, ...options };
  }

  setMap(map: GameMap): void {
    this.map = map;
  }

  get newest(): Snapshot | undefined {
    return this.snaps[this.snaps.length - 1];
  }

  /** Record the room's state as the snapshot of `state.tick`. */
  push(state: Pick<ArenaStateView, 'tick' | 'players' | 'projectiles'>): void {
    const tick = state.tick;
    const last = this.newest;
    if (last !== undefined && tick <= last.tick) return;
    const players = new Map<string, PlayerSnap>();
    state.players.forEach((p, id) => {
      // Interest management (net/interest.ts): a body outside our area is absent, and a body in
      // it is dead-reckoned from the tick it was sampled at: place it at this snapshot's tick.
      if (!inArea(p)) return;
      const at = bodyAt(p, tick, tick);
      players.set(id, { name: p.name, x: at.x, y: at.y, vx: p.vx, vy: p.vy, t: tick, aim: p.aim, hp: p.hp, alive: p.alive, kills: p.kills, deaths: p.deaths });
    });
    this.snaps.push({ tick, players });
    if (this.snaps.length > MAX_SNAPSHOTS) this.snaps.splice(0, this.snaps.length - MAX_SNAPSHOTS);
    this.version++;

    state.projectiles.forEach((p, id) => {
      if (this.projectiles.has(id)) return;
      const endTick = projectileEndTick(this.map, p.x0, p.y0, p.vx, p.vy, p.spawnTick, TICK_DT_S);
      this.projectiles.set(id, {
        id, ownerId: p.ownerId, x0: p.x0, y0: p.y0, vx: p.vx, vy: p.vy, spawnTick: p.spawnTick,
        endTick, rangeEndTick: endTick, goneTick: undefined,
      });
    });
    for (const track of this.projectiles.values()) {
      if (track.goneTick === undefined && state.projectiles.get(track.id) === undefined) {
        track.goneTick = tick;
        track.endTick = Math.min(track.endTick, tick);
      }
    }
  }

  /** Drop what can no longer be drawn at or after `tick`. */
  prune(tick: number): void {
    // Keep one snapshot at or before the render tick so there is always a left bracket.
    let keepFrom = 0;
    for (let i = this.snaps.length - 1; i >= 0; i--) {
      if (this.snaps[i]!.tick <= tick) { keepFrom = i; break; }
    }
    if (keepFrom > 0) this.snaps.splice(0, keepFrom);
    for (const [id, track] of this.projectiles) {
      if (tick > track.endTick + 2) this.projectiles.delete(id);
    }
  }

  /** Raw state of player `id` at (fractional) `tick`, into `out`; undefined if not known then. */
  sample(id: string, tick: number, out: PlayerSnap): PlayerSnap | undefined {
    const snaps = this.snaps;
    if (snaps.length === 0) return undefined;
    let i = snaps.length - 1;
    while (i > 0 && snaps[i]!.tick > tick) i--;
    const a = snaps[i]!;
    const pa = a.players.get(id);
    if (a.tick > tick || i === snaps.length - 1) {
      // Before the oldest snapshot (hold it), or past the newest (coast, then hold).
      if (pa === undefined) return undefined;
      Object.assign(out, pa);
      if (a.tick < tick && pa.alive) {
        const aheadS = Math.min(tick - a.tick, this.opts.maxExtrapolateMs / TICK_MS) * TICK_DT_S;
        out.x = pa.x + pa.vx * aheadS;
        out.y = pa.y + pa.vy * aheadS;
      }
      return out;
    }
    const b = snaps[i + 1]!;
    const pb = b.players.get(id);
    if (pa === undefined) return undefined; // joined after this tick: not there yet
    Object.assign(out, pa);
    if (pb === undefined || !pa.alive || !pb.alive) return out;
    const dx = pb.x - pa.x;
    const dy = pb.y - pa.y;
    const reach = this.opts.teleportPx + PLAYER_MAX_SPEED_PX_PER_S * (b.tick - a.tick) * TICK_DT_S;
    if (dx * dx + dy * dy > reach * reach) return out;
    const u = (tick - a.tick) / (b.tick - a.tick);
    out.x = pa.x + dx * u;
    out.y = pa.y + dy * u;
    let da = pb.aim - pa.aim;
    if (da > AIM_STEPS_PER_TURN / 2) da -= AIM_STEPS_PER_TURN;
    if (da < -AIM_STEPS_PER_TURN / 2) da += AIM_STEPS_PER_TURN;
    out.aim = (pa.aim + da * u + AIM_STEPS_PER_TURN) % AIM_STEPS_PER_TURN;
    return out;
  }

  /**
   * Every remote player at `tick`, drawn at local time `nowMs`: raw samples plus a fading
   * correction where new snapshots changed what a coast had guessed.
   */
  render(tick: number, nowMs: number, skipId: string | undefined, each: (id: string, p: PlayerSnap) => void): void {
    const newest = this.newest;
    if (newest === undefined) return;
    const dt = this.lastFrameMs === undefined ? 0 : Math.max(0, nowMs - this.lastFrameMs);
    this.lastFrameMs = nowMs;
    const decay = Math.exp(-dt / this.opts.correctionTauMs);
    const tp2 = this.opts.teleportPx * this.opts.teleportPx;
    const seen = new Set<string>();
    for (const id of newest.players.keys()) {
      if (id === skipId) continue;
      const p = this.sample(id, tick, scratch);
      if (p === undefined) continue;
      seen.add(id);
      let s = this.smoothing.get(id);
      if (s === undefined) {
        s = { offX: 0, offY: 0, rawX: p.x, rawY: p.y, tick, alive: p.alive, version: this.version };
        this.smoothing.set(id, s);
      }
      const jumpX = p.x - s.rawX;
      const jumpY = p.y - s.rawY;
      if (p.alive !== s.alive || !p.alive || jumpX * jumpX + jumpY * jumpY > tp2) {
        s.offX = 0;
        s.offY = 0;
      } else {
        if (tick < s.tick) {
          // The timeline stepped back (the playout clock moved onto a server timeline that
          // shifted during a stall): keep the drawn position where it was and fade the step.
          s.offX += s.rawX - p.x;
          s.offY += s.rawY - p.y;
        } else if (s.version !== this.version) {
          // New data arrived: where does it put last frame's tick? Absorb the difference.
          const before = this.sample(id, s.tick, { ...scratch });
          if (before !== undefined) {
            s.offX += s.rawX - before.x;
            s.offY += s.rawY - before.y;
          }
        }
        s.offX *= decay;
        s.offY *= decay;
      }
      s.rawX = p.x;
      s.rawY = p.y;
      s.tick = tick;
      s.alive = p.alive;
      s.version = this.version;
      const x = p.x + s.offX;
      const y = p.y + s.offY;
      each(id, { ...p, x, y });
    }
    for (const id of this.smoothing.keys()) if (!seen.has(id)) this.smoothing.delete(id);
  }
}
