import { ARENA_REPLICATED } from '../../shared/sim/replicated.ts';
import { replicatedSchemaOf } from './replicatedState.ts';

/**
 * The arena's state schema, derived from its declaration (shared/sim/replicated.ts): the roster
 * and `view`-tagged bodies of players, per-client projectiles, the match clock, the crowd map.
 */
const ARENA_SCHEMA = replicatedSchemaOf(ARENA_REPLICATED, 'Arena');

export const ArenaState = ARENA_SCHEMA.State;
export type ArenaState = InstanceType<typeof ArenaState>;
export const PlayerState = ARENA_SCHEMA.kinds.players;
export type PlayerState = InstanceType<typeof PlayerState>;
export const ProjectileState = ARENA_SCHEMA.kinds.projectiles;
export type ProjectileState = InstanceType<typeof ProjectileState>;
