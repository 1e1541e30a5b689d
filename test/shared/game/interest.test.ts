import { describe, expect, it } from 'vitest';
import { defineGame, type GameDefinition } from '../../../shared/game/definition.ts';
import { spatialKindsOf } from '../../../shared/game/interest.ts';
import { defineReplicated, type ReplicatedLayout } from '../../../shared/game/state.ts';
import { BALL_GAME } from '../../../shared/games/ball/definition.ts';
import { ARENA_REPLICATED } from '../../../shared/sim/replicated.ts';
import { GATHER_GAME } from '../../../tools/harness/gatherGame.ts';

/** A game's spatial interest, checked where the game is declared (shared/game/interest.ts). */
const AREA = { halfWidthPx: 900, halfHeightPx: 600, hysteresisPx: 150 };

function gameWith(replicated: ReplicatedLayout | undefined, interest = AREA): GameDefinition<any, any> {
  return defineGame({ ...BALL_GAME, id: 'probe', replicated, interest } as GameDefinition<any, any>);
}

describe('spatial interest of a game definition', () => {
  it('filters the kinds sent per client and those with view fields, nothing else', () => {
    expect(spatialKindsOf(ARENA_REPLICATED)).toEqual(['players', 'projectiles']);
    expect(spatialKindsOf(GATHER_GAME.replicated!)).toEqual(['players', 'gems']);
    expect(spatialKindsOf(BALL_GAME.replicated!)).toEqual([]);
  });

  it('refuses a game whose interest has nothing to filter or cannot place what it filters', () => {
    expect(() => gameWith(undefined)).toThrow(/interest: needs a replicated layout/);
    expect(() => gameWith(BALL_GAME.replicated)).toThrow(/nothing to filter/);
    const unplaced = defineReplicated({ match: {}, entities: { coins: { x: 'float32', label: 'string' } }, perClient: ['coins'] });
    expect(() => gameWith(unplaced)).toThrow(/kind coins needs a numeric y field/);
    const stringY = defineReplicated({ match: {}, entities: { coins: { x: 'float32', y: 'string' } }, perClient: ['coins'] });
    expect(() => gameWith(stringY)).toThrow(/kind coins needs a numeric y field/);
    expect(() => gameWith(GATHER_GAME.replicated, { ...AREA, halfWidthPx: 0 })).toThrow(/area must not be empty/);
    expect(() => gameWith(GATHER_GAME.replicated, { ...AREA, hysteresisPx: Number.NaN })).toThrow(/hysteresisPx must be a non-negative number/);
    expect(gameWith(GATHER_GAME.replicated).interest).toEqual(AREA);
  });
});
