import { defineGame } from '../../game/definition.ts';
import { ARENA_ROOM, BATTLE_MAX_PLAYERS, BATTLE_ROOM } from '../../limits.ts';
import { hashWorld } from '../../sim/hash.ts';
import { stepWorld } from '../../sim/step.ts';
import { addPlayer, createWorld, removePlayer, type World } from '../../sim/world.ts';
import { ARENA_INPUT, emptyInput, type PlayerInput } from '../../input.ts';
import { ARENA_GAME_ID } from '../ids.ts';

/**
 * The arena shooter as a game definition (shared/game/definition.ts): its simulation is
 * shared/sim/ (movement, combat, spawning, scoring by kills), its tuning shared/tuning.ts, its
 * input ARENA_INPUT. Matches end on the server's clock (MATCH_DURATION_S), not by score.
 */
export const ARENA_GAME = defineGame<World, PlayerInput, typeof ARENA_INPUT>({
  id: ARENA_GAME_ID,
  description: 'Top-down arena shooter: move, aim and fire; four hits eliminate, respawn after two seconds.',
  rooms: [
    { name: ARENA_ROOM, playersPerRoom: 'configured', description: 'Top-down arena shooter: move, aim and fire; four hits eliminate, respawn after two seconds.' },
    { name: BATTLE_ROOM, playersPerRoom: BATTLE_MAX_PLAYERS, description: 'The arena shooter on a map sized for the room; each player receives only what is around them.' },
  ],
  input: ARENA_INPUT,
  emptyInput,
  // The step reads `rewind` (the server's lag-compensation clamp of `viewTick`), not `viewTick`.
  replayFields: ['seq', 'moveX', 'moveY', 'aim', 'fire', 'rewind'],
  createWorld,
  addPlayer: (world, id, name) => { addPlayer(world, id, name); },
  removePlayer,
  step: (world, inputs, dtS) => { stepWorld(world, inputs, dtS); },
  tick: (world) => world.tick,
  hash: hashWorld,
});
