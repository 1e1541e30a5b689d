import { ordinal, rate, rating as newRating, type Rating } from 'openskill';

/**
 * Skill ratings by OpenSkill (Weng-Lin, Plackett-Luce model), one per player per game: teams ranked
 * by their placing in the match (equal placings are a draw between them); a player of a game
 * without teams is a team of one. The number shown and sorted by is the ordinal, mu − 3σ: it rises
 * as the system grows sure of a player, so one lucky match does not top the board.
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

/** New ratings for teams (players in each) that finished at `placings` (1 = best), in the same order. */
export function rateTeams(teams: ReadonlyArray<readonly PlayerRating[]>, placings: readonly number[]): PlayerRating[][] {
  if (teams.length < 2) return teams.map((team) => team.map((p) => ({ ...p })));
  const result = rate(teams.map((team) => team.map((p) => ({ mu: p.mu, sigma: p.sigma }))), { rank: [...placings] });
  return result.map((team) => team.map((p) => ({ mu: p.mu, sigma: p.sigma })));
}
