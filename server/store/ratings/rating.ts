import { ordinal, rate, rating as newRating, type Rating } from 'openskill';

/**
 * Skill ratings by OpenSkill (Weng-Lin, Plackett-Luce model): each player is a team of one, ranked
 * by their placing in the match (equal placings are a draw between them). The number shown and
 * sorted by is the ordinal, mu − 3σ: it rises as the system grows sure of a player, so one lucky
 * match does not top the board.
 */
export interface PlayerRating {
  mu: number;
  sigma: number;
}

export const INITIAL_RATING: PlayerRating = (() => {
  const r = newRating();
  return { mu: r.mu, sigma: r.sigma };
})();

export function displayRating(r: PlayerRating): number {
  return ordinal(r as Rating);
}

/** New ratings for players who finished at `placings` (1 = best), in the same order. */
export function rateMatch(players: readonly PlayerRating[], placings: readonly number[]): PlayerRating[] {
  if (players.length < 2) return players.map((p) => ({ ...p }));
  const result = rate(players.map((p) => [{ mu: p.mu, sigma: p.sigma }]), { rank: [...placings] });
  return result.map((team) => ({ mu: team[0]!.mu, sigma: team[0]!.sigma }));
}
