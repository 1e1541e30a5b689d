import { describe, expect, it } from 'vitest';
import { chooseQuickPlayRoom, meanSkillOf, quickPlaySkill, withinBand, type QuickPlayRoom } from '../../../../server/store/ratings/quickPlay.ts';

const room = (roomId: string, players: number, meanSkill: number | null, maxPlayers = 8): QuickPlayRoom => ({ roomId, players, maxPlayers, meanSkill });

describe('quick play by rating: the choice', () => {
  it('prefers a room within one sigma of the player even when another room is fuller', () => {
    const rooms = [room('LOW', 5, 15), room('HIGH', 2, 34)];
    expect(chooseQuickPlayRoom({ mu: 35, sigma: 2 }, rooms)).toBe('HIGH');
    expect(chooseQuickPlayRoom({ mu: 14, sigma: 2 }, rooms)).toBe('LOW');
  });

  it('among rooms in the band the fullest wins, then the nearest mean, then the code', () => {
    expect(chooseQuickPlayRoom({ mu: 25, sigma: 8 }, [room('NEAR', 1, 25), room('FULL', 3, 31)])).toBe('FULL');
    expect(chooseQuickPlayRoom({ mu: 25, sigma: 8 }, [room('FAR', 2, 31), room('NEAR', 2, 24)])).toBe('NEAR');
    expect(chooseQuickPlayRoom({ mu: 25, sigma: 8 }, [room('B', 2, 26), room('A', 2, 24)])).toBe('A');
  });

  it('names no room when rating makes no difference: unrated player, no room in the band, rooms without a rated player or a free seat', () => {
    expect(chooseQuickPlayRoom(undefined, [room('A', 1, 25)])).toBeUndefined();
    expect(chooseQuickPlayRoom({ mu: 40, sigma: 1 }, [room('A', 1, 25)])).toBeUndefined();
    expect(chooseQuickPlayRoom({ mu: 25, sigma: 8 }, [room('A', 1, null)])).toBeUndefined();
    expect(chooseQuickPlayRoom({ mu: 25, sigma: 8 }, [room('A', 8, 25)])).toBeUndefined();
  });

  it('the band is inclusive at one sigma and excludes just past it', () => {
    expect(withinBand({ mu: 20, sigma: 2 }, 22)).toBe(true);
    expect(withinBand({ mu: 20, sigma: 2 }, 22.01)).toBe(false);
    expect(withinBand({ mu: 20, sigma: 2 }, null)).toBe(false);
  });

  it('a rating counts once a match has rated it; the room mean is rounded and null for no rated player', () => {
    expect(quickPlaySkill(undefined)).toBeUndefined();
    expect(quickPlaySkill({ skill: { mu: 25, sigma: 8.3 }, matchesPlayed: 0 })).toBeUndefined();
    expect(quickPlaySkill({ skill: { mu: 27, sigma: 7 }, matchesPlayed: 1 })).toEqual({ mu: 27, sigma: 7 });
    expect(meanSkillOf([])).toBeNull();
    expect(meanSkillOf([10, 20, 20.005])).toBe(16.67);
  });
});
