import type { PlayerRating } from './rating.ts';

/**
 * Quick play by rating (docs/RESULTS.md "Quick play"). Rooms publish the mean skill (OpenSkill μ)
 * of their rated players; a rated player prefers the public rooms with a free player seat whose
 * mean is within the player's band, and among those the fullest (then the nearest mean, then the
 * code, so the answer is stable). With no room in the band the choice is today's: the fullest room
 * with space, else a new one (Colyseus' joinOrCreate with `sortBy({ clients: -1 })`).
 *
 * The band is one σ of the player's own rating, around the player's μ: σ is how unsure the system
 * still is of the player's skill, so a room whose mean lies inside it is, as far as the ratings can
 * tell, at the player's level. A new player (σ ≈ 8.3) accepts nearly every rated room and fullness
 * decides; the band narrows as the player's rating settles. μ, not the shown ordinal (μ − 3σ), is
 * compared: the ordinal is a deliberately low estimate that would place unsure players below
 * their level.
 */

/** A public room as quick play sees it. */
export interface QuickPlayRoom {
  roomId: string;
  /** Players seated now, and the room's player seats. */
  players: number;
  maxPlayers: number;
  /** Mean μ of the room's rated players; null when none is rated. */
  meanSkill: number | null;
}

/** A player's rating counts for quick play once one match has rated it. */
export function quickPlaySkill(profile: { skill: PlayerRating; matchesPlayed: number } | undefined): PlayerRating | undefined {
  return profile !== undefined && profile.matchesPlayed > 0 ? { ...profile.skill } : undefined;
}

/** Whether a room's mean skill is within the player's band (one σ either side of the player's μ). */
export function withinBand(player: PlayerRating, meanSkill: number | null): boolean {
  return meanSkill !== null && Math.abs(meanSkill - player.mu) <= player.sigma;
}

/**
 * The room a rated player should join, or undefined when rating makes no difference (no rating, or
 * no room with a free seat in the band): the caller then matchmakes as today.
 */
export function chooseQuickPlayRoom(player: PlayerRating | undefined, rooms: readonly QuickPlayRoom[]): string | undefined {
  if (player === undefined) return undefined;
  const near = rooms.filter((r) => r.players < r.maxPlayers && withinBand(player, r.meanSkill));
  near.sort((a, b) => b.players - a.players
    || Math.abs(a.meanSkill! - player.mu) - Math.abs(b.meanSkill! - player.mu)
    || (a.roomId < b.roomId ? -1 : a.roomId > b.roomId ? 1 : 0));
  return near[0]?.roomId;
}

/** Mean of the seated players' μ, rounded for the room listing; null when none is rated. */
export function meanSkillOf(skills: Iterable<number>): number | null {
  let sum = 0;
  let n = 0;
  for (const mu of skills) {
    sum += mu;
    n++;
  }
  return n === 0 ? null : Math.round((sum / n) * 100) / 100;
}
