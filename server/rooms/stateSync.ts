import type { World } from '../../shared/sim/world.ts';
import { PlayerState, ProjectileState, type ArenaState } from './ArenaState.ts';

/**
 * Copies the simulation into the Colyseus schema after each step. Schema setters ignore
 * unchanged values, so only what the step changed is encoded in the next patch.
 */
export class StateSync {
  private readonly syncedProjectiles = new Set<number>();

  constructor(private readonly state: ArenaState) {}

  apply(world: World): void {
    const state = this.state;
    state.tick = world.tick;

    for (const p of world.players.values()) {
      let s = state.players.get(p.id);
      if (s === undefined) {
        s = new PlayerState();
        state.players.set(p.id, s);
      }
      s.name = p.name;
      s.x = p.x;
      s.y = p.y;
      s.vx = p.vx;
      s.vy = p.vy;
      s.aim = p.aim;
      s.hp = p.hp;
      s.alive = p.alive;
      s.kills = p.kills;
      s.deaths = p.deaths;
    }

    for (const id of this.syncedProjectiles) {
      if (!world.projectiles.has(id)) {
        state.projectiles.delete(String(id));
        this.syncedProjectiles.delete(id);
      }
    }
    for (const p of world.projectiles.values()) {
      if (this.syncedProjectiles.has(p.id)) continue;
      this.syncedProjectiles.add(p.id);
      state.projectiles.set(String(p.id), new ProjectileState({
        ownerId: p.ownerId, x0: p.x0, y0: p.y0, vx: p.vx, vy: p.vy, spawnTick: p.spawnTick,
      }));
    }
  }

  removePlayer(id: string): void {
    this.state.players.delete(id);
  }
}
