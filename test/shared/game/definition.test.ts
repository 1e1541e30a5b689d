import { describe, expect, it } from 'vitest';
import { getMap } from '../../../shared/maps.ts';
import { GAMES } from '../../../shared/games/catalog.ts';
import { PITCH } from '../../../shared/games/ball/rules.ts';
import type { GameDefinition } from '../../../shared/game/definition.ts';

/** What every game definition must hold to run on the engine (shared/game/definition.ts). */
/** Every served game (the ball game among them). */
const ALL = GAMES;

describe.each(ALL.map((g) => [g.id, g] as const))('game definition %s', (_id, game: GameDefinition<any, any>) => {
  it('declares its rooms and an input with a sequence field', () => {
    expect(game.rooms.length).toBeGreaterThan(0);
    expect(new Set(game.rooms.map((r) => r.name)).size).toBe(game.rooms.length);
    expect(game.input.seq).toEqual({ type: 'uint32' });
  });

  it('steps deterministically: the same seed, players and inputs give the same hashes, tick by tick', () => {
    const run = () => {
      const world = game.createWorld(game.id === 'ball' ? PITCH : getMap('arena'), 1234);
      game.addPlayer(world, 'a', 'A');
      game.addPlayer(world, 'b', 'B');
      const hashes: string[] = [];
      for (let i = 1; i <= 120; i++) {
        game.step(world, new Map([['a', game.emptyInput(i)], ['b', game.emptyInput(i)]]), 1 / 30);
        if (i === 60) game.removePlayer(world, 'b');
        hashes.push(game.hash(world));
      }
      return { hashes, tick: game.tick(world) };
    };
    const first = run();
    expect(first.tick).toBe(120);
    expect(run()).toEqual(first);
  });
});
