import { TICK_HZ } from './limits.ts';

/**
 * The arena shooter's tuning: how players move, shoot, die and come back (units: px, seconds,
 * ticks, in each name). The engine's rates and limits are in shared/limits.ts.
 */

// --- Player movement (units: px, seconds) ---
export const PLAYER_RADIUS_PX = 18;
export const PLAYER_MAX_SPEED_PX_PER_S = 290;
export const PLAYER_ACCEL_PX_PER_S2 = 2400;
export const PLAYER_DECEL_PX_PER_S2 = 1900;
export const PLAYER_MAX_HEALTH = 100;

// --- Weapon ---
export const PROJECTILE_SPEED_PX_PER_S = 880;
export const PROJECTILE_RADIUS_PX = 5;
export const PROJECTILE_TTL_TICKS = 36;
export const PROJECTILE_DAMAGE = 25;
export const FIRE_COOLDOWN_TICKS = 8;
/** Projectiles spawn just outside the shooter's body. */
export const PROJECTILE_SPAWN_OFFSET_PX = PLAYER_RADIUS_PX + PROJECTILE_RADIUS_PX + 2;

// --- Life cycle ---
export const RESPAWN_DELAY_TICKS = 2 * TICK_HZ;
/**
 * Maps with the `gather-when-sparse` spawn rule (battle maps) place a player near the others
 * while fewer than this share of their spawn points is taken by live players...
 */
export const SPAWN_GATHER_BELOW_SHARE = 0.25;
/** ...but never closer than this to a live player (about half a screen: seen, not shot point-blank). */
export const SPAWN_GATHER_MIN_DISTANCE_PX = 400;
