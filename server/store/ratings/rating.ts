/**
 * Skill ratings by OpenSkill (Weng-Lin, Plackett-Luce model), one per player per game: teams ranked
 * by their placing in the match (equal placings are a draw between them); a player of a game
 * without teams is a team of one. The number shown and sorted by is the ordinal, mu − 3σ: it rises
 * as the system grows sure of a player, so one lucky match does not top the board.
 *
 * The library is loaded on the first match rated, not at start: through ramda it is about 370
 * modules, a tenth of the server's start-up time and 7–15 MB of its idle resident memory, which a
 * server that rates nothing yet (STORE=off, or no match ended) need not pay. Its defaults (the initial rating, the
 * ordinal) are restated here for the code that needs them without rating, and
 * test/server/store/ratings/rating.test.ts fails if the pinned library's ever differ.
 */
export interface PlayerRating {
  mu: number;
  sigma: number;
}

/** OpenSkill's `rating()`: where every player starts. */
export const INITIAL_RATING: PlayerRating = { mu: 25, sigma: 25 / 3 };

/** How many standard deviations below μ the shown rating is (OpenSkill's `ordinal`, z = 3). */
const ORDINAL_Z = 3;

export function displayRating(r: PlayerRating): number {
  return r.mu - ORDINAL_Z * r.sigma;
}

let openskill: Promise<typeof import('openskill')> | undefined;

/** New ratings for teams (players in each) that finished at `placings` (1 = best), in the same order. */
export async function rateTeams(teams: ReadonlyArray<readonly PlayerRating[]>, placings: readonly number[]): Promise<PlayerRating[][]> {
  if (teams.length < 2) return teams.map((team) => team.map((p) => ({ ...p })));
  const { rate } = await (openskill ??= import('openskill'));
  const result = rate(teams.map((team) => team.map((p) => ({ mu: p.mu, sigma: p.sigma }))), { rank: [...placings] });
  return result.map((team) => team.map((p) => ({ mu: p.mu, sigma: p.sigma })));
}
