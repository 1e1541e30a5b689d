import { describe, expect, it } from 'vitest';
import { eightWay, STICK_DEAD_ZONE_PX, TwinStick } from '../../../game-client/input/twinStick.ts';

describe('touch twin sticks', () => {
  it('turn a drag into one of eight directions, with a dead zone', () => {
    expect(eightWay(STICK_DEAD_ZONE_PX - 1, 0)).toEqual({ moveX: 0, moveY: 0 });
    expect(eightWay(40, 0)).toEqual({ moveX: 1, moveY: 0 });
    expect(eightWay(0, -40)).toEqual({ moveX: 0, moveY: -1 });
    expect(eightWay(-30, 30)).toEqual({ moveX: -1, moveY: 1 });
    expect(eightWay(40, 10)).toEqual({ moveX: 1, moveY: 0 });
  });

  it('move with the left thumb and aim with the right: at a point of the arena, or along a stick beside it', () => {
    const sticks = new TwinStick();
    sticks.down(1, 100, 600, 390, true);
    sticks.move(1, 150, 600);
    expect(sticks.movement()).toEqual({ moveX: 1, moveY: 0 });
    expect(sticks.firing).toBe(false);
    // On the arena: aim at the point and fire while held.
    sticks.down(2, 300, 200, 390, true);
    expect(sticks.aim()).toEqual({ point: { x: 300, y: 200 } });
    expect(sticks.firing).toBe(true);
    sticks.up(2);
    expect(sticks.firing).toBe(false);
    // Below the arena: a stick, firing once it points somewhere.
    sticks.down(3, 300, 700, 390, false);
    expect(sticks.firing).toBe(false);
    sticks.move(3, 300, 640);
    expect(sticks.aim()).toEqual({ angle: -Math.PI / 2 });
    expect(sticks.firing).toBe(true);
    // The left thumb lifts: no movement, the aim stays.
    sticks.up(1);
    expect(sticks.movement()).toEqual({ moveX: 0, moveY: 0 });
    expect(sticks.firing).toBe(true);
  });
});
