import { describe, expect, it } from 'vitest';
import { ARENA_GAME } from '../../../../shared/games/arena/definition.ts';
import { emptyInput, type PlayerInput } from '../../../../shared/input.ts';
import { getMap } from '../../../../shared/maps.ts';
import { nextRandom } from '../../../../shared/rng.ts';
import { hashWorld } from '../../../../shared/sim/hash.ts';
import { stepWorld } from '../../../../shared/sim/step.ts';
import { addPlayer, createWorld } from '../../../../shared/sim/world.ts';

/** The arena as a game definition is its simulation, nothing added or left out. */
describe('the arena game definition', () => {
  it('gives, step by step, the world the shared simulation gives (players moving, aiming, firing)', () => {
    const viaDefinition = ARENA_GAME.createWorld(getMap('arena'), 99);
    const direct = createWorld(getMap('arena'), 99);
    for (const id of ['p1', 'p2', 'p3']) {
      ARENA_GAME.addPlayer(viaDefinition, id, id);
      addPlayer(direct, id, id);
    }
    let rng = 7;
    const roll = () => { const r = nextRandom(rng); rng = r.state; return r.value; };
    for (let tick = 1; tick <= 300; tick++) {
      const inputs = new Map<string, PlayerInput>();
      for (const id of ['p1', 'p2', 'p3']) {
        const input = emptyInput(tick);
        input.moveX = Math.floor(roll() * 3) - 1;
        input.moveY = Math.floor(roll() * 3) - 1;
        input.aim = Math.floor(roll() * 65536);
        input.fire = roll() < 0.3;
        inputs.set(id, input);
      }
      ARENA_GAME.step(viaDefinition, inputs, 1 / 30);
      stepWorld(direct, inputs, 1 / 30);
      expect(ARENA_GAME.hash(viaDefinition)).toBe(hashWorld(direct));
    }
    expect(ARENA_GAME.tick(viaDefinition)).toBe(300);
    expect([...direct.players.values()].some((p) => p.kills > 0 || p.deaths > 0 || p.x !== direct.players.get('p1')!.x)).toBe(true);
  });
});
