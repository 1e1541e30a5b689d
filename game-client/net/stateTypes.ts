/**
 * Structural view of the server's schema state as the SDK decodes it (server/state/ArenaState.ts).
 * The client learns the real classes from the join handshake; these interfaces only type them.
 *
 * A player's body fields (x, y, vx, vy, t, aim, hp, alive) are present only while the player is
 * in this client's area of interest, and read `undefined` otherwise: check with `inArea()`, and
 * place other players with `bodyAt()` (game-client/net/interest.ts): their x, y are where they
 * were at tick t. name, kills and deaths are always there.
 */
export interface PlayerStateView {
  name: string;
  x: number;
  y: number;
  vx: number;
  vy: number;
  /** Tick (mod 65536) x, y, vx, vy are current at: see bodyAt() in interest.ts. */
  t: number;
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
  /** Tick the match ends at; -1 when it runs until everyone leaves. */
  matchEndsAtTick: number;
  draining: boolean;
  reconnectWindowS: number;
  players: MapLike<PlayerStateView>;
  /** Only projectiles whose flight crosses this client's area. */
  projectiles: MapLike<ProjectileStateView>;
  /** Live players per crowd cell (shared/crowd.ts) on maps larger than the view; empty otherwise. */
  crowd?: ArrayLike<number>;
}
