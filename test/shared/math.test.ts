import { describe, expect, it } from 'vitest';
import { AIM_STEPS_PER_TURN, POSITION_QUANTUM_PX } from '../../shared/limits.ts';
import { aimToDirection, aimToRadians, quantize, radiansToAim } from '../../shared/math.ts';
import { nextRandom, seedFromString } from '../../shared/rng.ts';

describe('deterministic math', () => {
  it('aimToDirection matches Math.cos/sin closely and is a unit vector', () => {
    for (let aim = 0; aim < AIM_STEPS_PER_TURN; aim += 97) {
      const d = aimToDirection(aim);
      const a = aimToRadians(aim);
      expect(Math.abs(d.x - Math.cos(a))).toBeLessThan(1e-12);
      expect(Math.abs(d.y - Math.sin(a))).toBeLessThan(1e-12);
      expect(Math.abs(Math.hypot(d.x, d.y) - 1)).toBeLessThan(1e-12);
    }
  });

  it('radiansToAim inverts aimToRadians and wraps', () => {
    for (const aim of [0, 1, 16384, 32768, 49152, 65535]) expect(radiansToAim(aimToRadians(aim))).toBe(aim);
    expect(radiansToAim(-Math.PI / 2)).toBe(49152);
    expect(radiansToAim(Math.PI * 4)).toBe(0);
  });

  it('quantize snaps to the POSITION_QUANTUM_PX grid (1/8) and never yields -0', () => {
    expect(POSITION_QUANTUM_PX).toBe(1 / 8);
    expect(quantize(1.125 + 1e-9)).toBe(1.125);
    expect(quantize(1.1)).toBe(1.125);
    expect(quantize(1.06)).toBe(1);
    expect(Object.is(quantize(-0.001), 0)).toBe(true);
  });

  it('the seeded generator repeats per seed and differs between seeds', () => {
    const seq = (seed: number) => {
      let s = seed;
      return Array.from({ length: 5 }, () => { const r = nextRandom(s); s = r.state; return r.value; });
    };
    expect(seq(7)).toEqual(seq(7));
    expect(seq(7)).not.toEqual(seq(8));
    expect(seedFromString('ABCDE')).toBe(seedFromString('ABCDE'));
    for (const v of seq(123)) expect(v >= 0 && v < 1).toBe(true);
  });
});
