import { describe, expect, it } from 'vitest';
import { defineInputLayout, inputRanges } from '../../../shared/game/input.ts';
import { ARENA_INPUT } from '../../../shared/input.ts';
import { INPUT_RANGES } from '../../../shared/input.ts';
import { schemaFields } from '../../../server/adapters/schemaMetadata.ts';
import { InputMessage } from '../../../server/rooms/inputSchema.ts';
import { inputFieldSizes } from '../../../server/security/frames.ts';

/** A game's input is declared once (shared/game/input.ts); the server's schema, clamps and frame sizes follow it. */
describe('input layouts', () => {
  it('give the ranges of the fields that have one', () => {
    expect(inputRanges(ARENA_INPUT)).toEqual({ moveX: [-1, 1], moveY: [-1, 1], aim: [0, 65535], viewTick: [0, 255] });
    expect(INPUT_RANGES).toEqual(inputRanges(ARENA_INPUT));
  });

  it('refuse a range that is not two integers, low to high', () => {
    expect(() => defineInputLayout({ seq: { type: 'uint32' }, x: { type: 'int8', range: [1, -1] } })).toThrow(/x: range/);
    expect(() => defineInputLayout({ seq: { type: 'uint32' }, x: { type: 'int8', range: [0, 0.5] } })).toThrow(/x: range/);
  });

  it('are what the server\'s input schema and its strict frame sizes are made of, in declaration order', () => {
    expect(schemaFields(InputMessage)!.map((f) => [f.name, f.type])).toEqual(Object.entries(ARENA_INPUT).map(([name, d]) => [name, d.type]));
    expect(inputFieldSizes(InputMessage)).toEqual([4, 1, 1, 2, 1, 1]);
  });
});
