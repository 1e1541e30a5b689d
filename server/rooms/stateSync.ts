import type { SimProjectile, World } from '../../shared/sim/world.ts';
import { BODY_TICK_MODULO } from '../../shared/wire.ts';
import { PlayerState, ProjectileState, type ArenaState } from './ArenaState.ts';

/** Bits of a player's body fields (the `.view()` fields of PlayerState), in this order. */
export const BODY_FIELDS = ['x', 'y', 'vx', 'vy', 't', 'aim', 'hp', 'alive'] as const;
export type BodyField = (typeof BODY_FIELDS)[number];
export const BODY_BIT: Readonly<Record<BodyField, number>> = Object.fromEntries(BODY_FIELDS.map((f, i) => [f, 1 << i])) as Record<BodyField, number>;
export const ALL_BODY_BITS = (1 << BODY_FIELDS.length) - 1;

/** A projectile's key in the state: its id in base 36 (short on the wire; opaque to clients). */
export function projectileKey(id: number): string {
  return id.toString(36);
}

/** Who needs to know what the sync changed (the room's interest manager). */
export interface SyncListener {
  playerAdded(id: string, state: PlayerState): void;
  /**
   * `changed`: BODY_BIT mask of the body fields whose wire value changed this step (`t` changes
   * every step and is not reported); the body's position and velocity after the step.
   */
  playerChanged(id: string, changed: number, x: number, y: number, vx: number, vy: number): void;
  playerRemoved(id: string): void;
  projectileAdded(sim: SimProjectile, state: ProjectileState): void;
  /** Called before the projectile leaves the state, so views can drop it first. */
  projectileRemoving(id: number): void;
}

/**
 * Copies the simulation into the Colyseus schema after each step. Schema setters ignore
 * unchanged values, so only what the step changed is encoded in the next patch; quantized
 * setters snap to the wire, so a field is "changed" when its wire value is (compared after the
 * write), and the listener learns exactly which body fields changed.
 */
export class StateSync {
  private readonly syncedProjectiles = new Set<number>();
  listener: SyncListener | undefined;

  constructor(private readonly state: ArenaState) {}

  apply(world: World): void {
    const state = this.state;
    const listener = this.listener;
    state.tick = world.tick;

    for (const p of world.players.values()) {
      let s = state.players.get(p.id);
      if (s === undefined) {
        s = new PlayerState();
        s.name = p.name;
        state.players.set(p.id, s);
        listener?.playerAdded(p.id, s);
      }
      s.name = p.name;
      s.kills = p.kills;
      s.deaths = p.deaths;
      let changed = 0;
      let before: number | boolean = s.x;
      s.x = p.x; if (s.x !== before) changed |= BODY_BIT.x;
      before = s.y; s.y = p.y; if (s.y !== before) changed |= BODY_BIT.y;
      before = s.vx; s.vx = p.vx; if (s.vx !== before) changed |= BODY_BIT.vx;
      before = s.vy; s.vy = p.vy; if (s.vy !== before) changed |= BODY_BIT.vy;
      s.t = world.tick % BODY_TICK_MODULO;
      before = s.aim; s.aim = p.aim; if (s.aim !== before) changed |= BODY_BIT.aim;
      before = s.hp; s.hp = p.hp; if (s.hp !== before) changed |= BODY_BIT.hp;
      before = s.alive; s.alive = p.alive; if (s.alive !== before) changed |= BODY_BIT.alive;
      if (changed !== 0) listener?.playerChanged(p.id, changed, p.x, p.y, p.vx, p.vy);
    }

    for (const id of this.syncedProjectiles) {
      if (!world.projectiles.has(id)) {
        listener?.projectileRemoving(id);
        state.projectiles.delete(projectileKey(id));
        this.syncedProjectiles.delete(id);
      }
    }
    for (const p of world.projectiles.values()) {
      if (this.syncedProjectiles.has(p.id)) continue;
      this.syncedProjectiles.add(p.id);
      const s = new ProjectileState({ ownerId: p.ownerId, x0: p.x0, y0: p.y0, vx: p.vx, vy: p.vy, spawnTick: p.spawnTick });
      state.projectiles.set(projectileKey(p.id), s);
      listener?.projectileAdded(p, s);
    }
  }

  removePlayer(id: string): void {
    this.listener?.playerRemoved(id);
    this.state.players.delete(id);
  }
}
