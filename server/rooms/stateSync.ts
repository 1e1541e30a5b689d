import type { SimPlayer, World } from '../../shared/sim/world.ts';
import { BODY_TICK_MODULO } from '../../shared/wire.ts';
import { PlayerState, ProjectileState, type ArenaState } from '../state/ArenaState.ts';
import { BODY_BIT, projectileKey, type SyncListener } from '../state/changes.ts';
import { trackWrites, untrackWrites } from '../adapters/schemaView.ts';

/** A player's schema instance and the simulation values last written to it (plain numbers: the schema's are accessors). */
interface Synced {
  state: PlayerState;
  x: number;
  y: number;
  vx: number;
  vy: number;
  aim: number;
  hp: number;
  alive: boolean;
  kills: number;
  deaths: number;
  name: string;
}

/**
 * Copies the simulation into the Colyseus schema (once per patch). Only values that differ from
 * what was last written touch the schema (its accessors and change tracking are the costly part);
 * quantized setters snap to the wire, so a field is "changed" when its wire value is (compared
 * after the write), and the listener learns exactly which body fields changed.
 */
export class StateSync {
  private readonly syncedProjectiles = new Set<number>();
  private readonly synced = new Map<string, Synced>();
  listener: SyncListener | undefined;
  /**
   * Whether writes to a body's fields (its `view` fields) are recorded as schema changes. The
   * interest layer (server/interest/) writes every view entry of a body itself, from the values,
   * so there they are not: recording them only fed schema's change lists, which the shared patch
   * then walked past (filtered fields) and cleared, for every moving body every patch.
   */
  trackBodyFields = true;

  constructor(private readonly state: ArenaState) {}

  apply(world: World): void {
    const state = this.state;
    const listener = this.listener;
    state.tick = world.tick;

    const tick = world.tick % BODY_TICK_MODULO;
    const untracked = !this.trackBodyFields;
    for (const p of world.players.values()) {
      let m = this.synced.get(p.id);
      if (m === undefined) {
        const fresh = new PlayerState();
        fresh.name = p.name;
        state.players.set(p.id, fresh);
        // NaN: nothing written yet, so every field is written once.
        m = { state: fresh, x: NaN, y: NaN, vx: NaN, vy: NaN, aim: NaN, hp: NaN, alive: !p.alive, kills: NaN, deaths: NaN, name: p.name };
        this.synced.set(p.id, m);
        listener?.playerAdded(p.id, fresh);
      }
      const s = m.state;
      if (m.name !== p.name) s.name = m.name = p.name;
      if (m.kills !== p.kills) s.kills = m.kills = p.kills;
      if (m.deaths !== p.deaths) s.deaths = m.deaths = p.deaths;
      if (untracked) untrackWrites(s);
      let changed: number;
      try {
        changed = writeBody(m, p, tick);
      } finally {
        if (untracked) trackWrites(s);
      }
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
    this.synced.delete(id);
    this.state.players.delete(id);
  }
}

/** Write a body's fields where they changed; the BODY_BIT mask of those whose wire value changed. */
function writeBody(m: Synced, p: SimPlayer, tick: number): number {
  const s = m.state;
  let changed = 0;
  let before: number | boolean;
  const moved = m.x !== p.x || m.y !== p.y || m.vx !== p.vx || m.vy !== p.vy;
  if (moved) {
    if (m.x !== p.x) { before = s.x; s.x = m.x = p.x; if (s.x !== before) changed |= BODY_BIT.x; }
    if (m.y !== p.y) { before = s.y; s.y = m.y = p.y; if (s.y !== before) changed |= BODY_BIT.y; }
    if (m.vx !== p.vx) { before = s.vx; s.vx = m.vx = p.vx; if (s.vx !== before) changed |= BODY_BIT.vx; }
    if (m.vy !== p.vy) { before = s.vy; s.vy = m.vy = p.vy; if (s.vy !== before) changed |= BODY_BIT.vy; }
  }
  // The tick the body's motion is current at: a body at rest is current at any tick (and is
  // re-sent whole whenever it starts moving), so only a moving one is restamped.
  if (moved || p.vx !== 0 || p.vy !== 0) s.t = tick;
  if (m.aim !== p.aim) { before = s.aim; s.aim = m.aim = p.aim; if (s.aim !== before) changed |= BODY_BIT.aim; }
  if (m.hp !== p.hp) { before = s.hp; s.hp = m.hp = p.hp; if (s.hp !== before) changed |= BODY_BIT.hp; }
  if (m.alive !== p.alive) { before = s.alive; s.alive = m.alive = p.alive; if (s.alive !== before) changed |= BODY_BIT.alive; }
  return changed;
}
