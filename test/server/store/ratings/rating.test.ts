import { ordinal, rate, rating } from 'openskill';
import { describe, expect, it } from 'vitest';
import { displayRating, INITIAL_RATING, rateTeams } from '../../../../server/store/ratings/rating.ts';

/**
 * The ratings module restates two of OpenSkill's defaults so that the server need not load the
 * library until it rates a match (server/store/ratings/rating.ts): this is the contract that fails
 * if the pinned library's defaults ever differ from them, and the rating itself is the library's.
 */
describe('ratings (OpenSkill, loaded on first use)', () => {
  it('starts every player where OpenSkill does, and shows its ordinal', () => {
    const fresh = rating();
    expect(INITIAL_RATING).toEqual({ mu: fresh.mu, sigma: fresh.sigma });
    for (const r of [INITIAL_RATING, { mu: 31.2, sigma: 2.5 }, { mu: 12, sigma: 7.75 }]) expect(displayRating(r)).toBeCloseTo(ordinal(r), 12);
  });

  it('rates teams as OpenSkill does: players alone, teams, draws', async () => {
    const a = { mu: 27, sigma: 6 };
    const b = { mu: 24, sigma: 7 };
    const c = { mu: 25, sigma: 25 / 3 };
    const d = { mu: 30, sigma: 3 };
    const cases: Array<[Array<Array<{ mu: number; sigma: number }>>, number[]]> = [
      [[[a], [b], [c]], [1, 2, 3]],
      [[[a, b], [c, d]], [2, 1]],
      [[[a], [b]], [1, 1]],
    ];
    for (const [teams, placings] of cases) {
      const ours = await rateTeams(teams, placings);
      const theirs = rate(teams.map((t) => t.map((p) => ({ ...p }))), { rank: placings });
      expect(ours).toEqual(theirs.map((t) => t.map((p) => ({ mu: p.mu, sigma: p.sigma }))));
    }
    // One side: nobody was beaten, nothing changes.
    expect(await rateTeams([[a, b]], [1])).toEqual([[a, b]]);
  });
});
