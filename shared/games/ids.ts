/**
 * Each game's id (its definition's `id`), apart from the game's code: the lobby's first chunk names
 * games (its leaderboards) without loading their simulations, and the store's older rows name them.
 */
export const ARENA_GAME_ID = 'arena';
export const BALL_GAME_ID = 'ball';

/**
 * The game meant where none is named: the leaderboard's default and the profile's own `rating`.
 * The arena, the only rated game before ratings were kept per game, so older clients keep their meaning.
 */
export const DEFAULT_GAME_ID = ARENA_GAME_ID;
