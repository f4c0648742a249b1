// The seasonal median profile on hand-worked examples: the median of the same phase over the
// last cycles, robust to one odd cycle, optionally shifted by the current departure from the
// profile with a fading (half-life) shift.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seasonalMedian } from './seasonal-median.js';

describe('seasonalMedian', () => {
  it.each([
    // Phases of [1,2,3 | 4,5,6]: median(4,1) = 2.5, median(5,2) = 3.5, median(6,3) = 4.5, then again.
    { what: 'period 3, cycles 2', y: [1, 2, 3, 4, 5, 6], horizon: 4, period: 3, cycles: 2, expected: [2.5, 3.5, 4.5, 2.5] },
    // 7 points: the next point (index 7) is phase 1, same as indices 4 and 1.
    { what: 'mid-cycle origin keeps the phase', y: [1, 2, 3, 4, 5, 6, 7], horizon: 4, period: 3, cycles: 2, expected: [3.5, 4.5, 5.5, 3.5] },
    { what: 'cycles 1 is seasonal naive', y: [9, 9, 9, 1, 2, 3], horizon: 5, period: 3, cycles: 1, expected: [1, 2, 3, 1, 2] },
    { what: 'more cycles than the history holds: all of them', y: [1, 2, 10, 20], horizon: 2, period: 2, cycles: 7, expected: [5.5, 11] },
    { what: 'exactly one cycle', y: [4, 5, 6], horizon: 3, period: 3, cycles: 4, expected: [4, 5, 6] },
    { what: 'horizon 0', y: [1, 2, 3], horizon: 0, period: 3, cycles: 1, expected: [] },
  ])('$what', ({ y, horizon, period, cycles, expected }) => {
    const input = y.slice();
    expect(seasonalMedian(input, horizon, { period, cycles })).toEqual(expected);
    expect(input).toEqual(y); // not mutated
  });

  it('ignores one odd cycle where seasonal naive would copy it', () => {
    const normal = [10, 20, 30];
    const y = [...normal, ...normal, ...normal, 100, 200, 300]; // the last cycle is a flash crowd
    expect(seasonalMedian(y, 3, { period: 3, cycles: 4 })).toEqual([10, 20, 30]);
    expect(seasonalMedian(y, 3, { period: 3, cycles: 1 })).toEqual([100, 200, 300]);
  });

  it.each([
    { what: 'less than one cycle', y: [1, 2], period: 3 },
    { what: 'empty', y: [], period: 1 },
    { what: 'period 0', y: [1, 2, 3], period: 0 },
  ])('is undefined with $what', ({ y, period }) => {
    expect(seasonalMedian(y, 3, { period, cycles: 2 })).toBeUndefined();
  });

  describe('with a level shift', () => {
    // Period 3, two normal cycles [10, 20, 30] then a cycle running 5 hot. Profile for the
    // next cycle: median(15, 10) = 12.5, 22.5, 32.5. Departures of the last 3 points from
    // the profile before them (median of 10 and 10, …): 5, 5, 5 → shift 5.
    const y = [10, 20, 30, 10, 20, 30, 15, 25, 35];

    it.each([
      // halfLife 1: shift · 2^−(h+1) → 2.5, 1.25, 0.625
      { halfLife: 1, expected: [15, 23.75, 33.125] },
      // halfLife 2: shift · 2^−(h+1)/2 → 5/√2, 2.5, 2.5/√2
      { halfLife: 2, expected: [12.5 + 5 / Math.SQRT2, 25, 32.5 + 2.5 / Math.SQRT2] },
    ])('applies the shift and halves it every $halfLife steps', ({ halfLife, expected }) => {
      const f = seasonalMedian(y, 3, { period: 3, cycles: 2, level: { window: 3, halfLife } }) ?? [];
      expect(f).toHaveLength(3);
      f.forEach((v, h) => expect(v).toBeCloseTo(expected[h] as number, 12));
    });

    it('fades towards the profile far ahead', () => {
      const f = seasonalMedian(y, 60, { period: 3, cycles: 2, level: { window: 3, halfLife: 1 } }) ?? [];
      expect(f.slice(-3).map((v) => +v.toFixed(9))).toEqual([12.5, 22.5, 32.5]);
    });

    it('uses the median departure, so one hot point does not move the level', () => {
      // Departures of the last 3 points: 0, 0, 60 → median 0. (Three cycles, so the profile's
      // own median also outvotes the hot point: median(90, 30, 30) = 30.)
      const oneHot = [10, 20, 30, 10, 20, 30, 10, 20, 30, 10, 20, 90];
      expect(seasonalMedian(oneHot, 3, { period: 3, cycles: 3, level: { window: 3, halfLife: 1 } })).toEqual([10, 20, 30]);
    });

    it('measures the departure over at most the points after the first cycle', () => {
      // window 10 > n − period = 6: the last 6 points, departures 0, 0, 0, 5, 5, 5 → shift 2.5,
      // halved after one step: 12.5 + 1.25.
      expect(seasonalMedian(y, 1, { period: 3, cycles: 2, level: { window: 10, halfLife: 1 } })).toEqual([13.75]);
      // Exactly one cycle: nothing to measure a departure against, so the plain profile.
      expect(seasonalMedian([4, 5, 6], 2, { period: 3, cycles: 2, level: { window: 3, halfLife: 1 } })).toEqual([4, 5]);
    });
  });

  it('forecasts a periodic series exactly, and stays within the history range', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 30 }),
        (cycle, cycles, k, horizon) => {
          const p = cycle.length;
          const y = Array.from({ length: p * cycles }, (_, i) => cycle[i % p] as number);
          expect(seasonalMedian(y, horizon, { period: p, cycles: k })).toEqual(Array.from({ length: horizon }, (_, h) => cycle[h % p]));
        },
      ),
    );
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 10 }), (y, period) => {
        fc.pre(y.length >= period);
        const f = seasonalMedian(y, 20, { period, cycles: 3 }) ?? [];
        expect(f).toHaveLength(20);
        for (const v of f) expect(v >= Math.min(...y) && v <= Math.max(...y)).toBe(true);
      }),
    );
  });
});
