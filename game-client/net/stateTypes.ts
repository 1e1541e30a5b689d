/**
 * Structural view of the server's schema state as the SDK decodes it (server/rooms/ArenaState.ts).
 * The client learns the real classes from the join handshake; these interfaces only type them.
 */
export interface PlayerStateView {
  name: string;
  x: number;
  y: number;
  vx: number;
  vy: number;
  aim: number;
  hp: number;
  alive: boolean;
  kills: number;
  deaths: number;
}

export interface ProjectileStateView {
  ownerId: string;
  x0: number;
  y0: number;
  vx: number;
  vy: number;
  spawnTick: number;
}

export interface MapLike<V> {
  get(key: string): V | undefined;
  forEach(cb: (value: V, key: string) => void): void;
  readonly size: number;
}

export interface ArenaStateView {
  tick: number;
  mapId: string;
  players: MapLike<PlayerStateView>;
  projectiles: MapLike<ProjectileStateView>;
}
