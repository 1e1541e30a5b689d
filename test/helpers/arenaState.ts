import { ArenaState, PlayerState, ProjectileState } from '../../server/state/ArenaState.ts';

/** A small arena state: one player `a` and two of its projectiles (keys '1' and '2'), for the schema adapters' contract tests. */
export function arena(): { state: ArenaState; shots: ProjectileState[]; player: PlayerState } {
  const state = new ArenaState();
  const player = new PlayerState();
  player.name = 'a';
  state.players.set('a', player);
  const shots = [1, 2].map((i) => new ProjectileState({ ownerId: 'a', x0: 10 * i, y0: 20, vx: 30, vy: -40, spawnTick: 7 + i }));
  shots.forEach((s, i) => state.projectiles.set(String(i + 1), s));
  return { state, shots, player };
}
