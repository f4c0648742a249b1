// Gap filling on worked examples — one period earlier, one period later, a straight line,
// flat ends — and its invariants: nothing left missing, observations untouched, the count.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillGaps } from './impute.js';

describe('fillGaps', () => {
  it.each([
    { what: 'from one period earlier', values: [1, 2, 3, 4, NaN, 6], period: 3, expected: [1, 2, 3, 4, 2, 6], imputed: 1 },
    { what: 'from one period later when there is no cycle before', values: [1, NaN, 3, 4, 5, 6], period: 3, expected: [1, 5, 3, 4, 5, 6], imputed: 1 },
    { what: 'earlier before later', values: [1, 2, 3, NaN, 5, 6, 70, 8, 9], period: 3, expected: [1, 2, 3, 1, 5, 6, 70, 8, 9], imputed: 1 },
    // Pass 1 reads the original values: index 4 looks at index 2 (a gap), so it takes index 6.
    { what: 'a long gap from observations, never from guesses', values: [1, 2, NaN, NaN, NaN, NaN, 7, 8], period: 2, expected: [1, 2, 1, 2, 7, 8, 7, 8], imputed: 4 },
    { what: 'a straight line without a period', values: [1, NaN, NaN, 4], period: undefined, expected: [1, 2, 3, 4], imputed: 2 },
    { what: 'a straight line when the cycle is longer than the series', values: [0, NaN, 10], period: 10, expected: [0, 5, 10], imputed: 1 },
    // Index 2 comes from index 0; 1 and 3 have no observed same-phase neighbour, so they are
    // interpolated between the (already filled) neighbours: 1 between 1 and 1, 3 between 1 and 5.
    { what: 'the line runs through values filled from a cycle', values: [1, NaN, NaN, NaN, 5], period: 2, expected: [1, 1, 1, 3, 5], imputed: 3 },
    { what: 'flat at the end', values: [1, 2, NaN, NaN], period: undefined, expected: [1, 2, 2, 2], imputed: 2 },
    { what: 'flat at the start', values: [NaN, 3, 4], period: undefined, expected: [3, 3, 4], imputed: 1 },
    { what: 'nothing missing', values: [1, 2, 3], period: 2, expected: [1, 2, 3], imputed: 0 },
  ])('$what', ({ values, period, expected, imputed }) => {
    const input = values.slice();
    const out = fillGaps(input, period);
    expect(out).toEqual({ values: expected, imputed });
    expect(input).toEqual(values); // not mutated
    expect(out.values).not.toBe(input); // a copy even when nothing was missing
  });

  it('fills every gap with a value within the observed range, and counts them', () => {
    const withGaps = fc.array(fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(NaN)), { minLength: 1, maxLength: 80 });
    const period = fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined });
    fc.assert(
      fc.property(withGaps, period, (values, p) => {
        const observed = values.filter((v) => !Number.isNaN(v));
        fc.pre(observed.length > 0);
        const before = values.slice();
        const out = fillGaps(values, p);
        expect(values).toEqual(before);
        expect(out.values).toHaveLength(values.length);
        expect(out.imputed).toBe(values.length - observed.length);
        const slack = 1e-9 * Math.max(1, ...observed.map(Math.abs)); // rounding in a + (b − a)·t
        const lo = Math.min(...observed) - slack;
        const hi = Math.max(...observed) + slack;
        out.values.forEach((v, i) => {
          const original = values[i] as number;
          if (Number.isNaN(original)) expect(v >= lo && v <= hi).toBe(true);
          else expect(v).toBe(original);
        });
      }),
    );
  });
});
