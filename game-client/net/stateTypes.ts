import type { ArenaPlayerValues, ArenaProjectileValues, ArenaStateValues } from '../../shared/sim/replicated.ts';

/**
 * The arena's state as the SDK decodes it, typed from its declaration (shared/sim/replicated.ts).
 * The client learns the real classes from the join handshake; these types only name them.
 *
 * A player's body fields (x, y, vx, vy, t, aim, hp, alive) are present only while the player is
 * in this client's area of interest, and read `undefined` otherwise: check with `inArea()`, and
 * place other players with `bodyAt()` (game-client/net/interest.ts): their x, y are where they
 * were at tick t. name, kills and deaths are always there. Only projectiles whose flight crosses
 * this client's area are in `projectiles`; `crowd` is empty on maps no larger than the view.
 */
export type PlayerStateView = ArenaPlayerValues;
export type ProjectileStateView = ArenaProjectileValues;
export type ArenaStateView = ArenaStateValues;
