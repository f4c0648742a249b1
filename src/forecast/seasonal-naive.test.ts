// The baselines on small series with known answers, and their invariants: output length,
// non-negativity, a constant series forecasts itself, a periodic series continues exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { millis } from '../spec/units.js';
import { naive, seasonalNaive } from './seasonal-naive.js';
import type { RegularSeries } from './series.js';

const s = (values: number[]): RegularSeries => ({ start: millis(0), stepMs: 300_000, values });
const valuesOf = (r: ReturnType<typeof naive>): number[] => (r.kind === 'forecast' ? r.values : []);

describe('seasonalNaive', () => {
  it.each([
    { what: 'repeats the last cycle', values: [9, 9, 9, 4, 5, 6], period: 3, horizon: 5, expected: [4, 5, 6, 4, 5], prev: 0, nearest: 0 },
    { what: 'horizon 0', values: [1, 2], period: 2, horizon: 0, expected: [], prev: 0, nearest: 0 },
    { what: 'period 1 is naive', values: [1, 2, 3], period: 1, horizon: 2, expected: [3, 3], prev: 0, nearest: 0 },
    { what: 'NaN from the cycle before', values: [1, 2, 3, 4, NaN, 6], period: 3, horizon: 3, expected: [4, 2, 6], prev: 1, nearest: 0 },
    { what: 'trailing NaN from the cycle before', values: [1, 2, 3, 4, NaN, NaN], period: 3, horizon: 3, expected: [4, 2, 3], prev: 2, nearest: 0 },
    { what: 'then the nearest value, earlier on a tie', values: [1, NaN, 3, 4, NaN, 6], period: 3, horizon: 3, expected: [4, 4, 6], prev: 0, nearest: 1 },
    { what: 'nearest when there is no cycle before', values: [NaN, NaN, 7], period: 3, horizon: 3, expected: [7, 7, 7], prev: 0, nearest: 2 },
  ])('$what', ({ values, period, horizon, expected, prev, nearest }) => {
    const input = s(values);
    expect(seasonalNaive(input, period, horizon)).toEqual({ kind: 'forecast', values: expected, filledFromPreviousCycle: prev, filledFromNearest: nearest });
    expect(input.values).toEqual(values); // not mutated
  });

  it.each([
    { values: [1, 2], period: 3, reason: 'history of 2 steps: seasonal naive with a period of 3 steps needs 3' },
    { values: [NaN, NaN, NaN], period: 3, reason: 'all 3 values are missing (NaN)' },
  ])('insufficient: $reason', ({ values, period, reason }) => {
    expect(seasonalNaive(s(values), period, 4)).toEqual({ kind: 'insufficient', reason });
  });

  it.each([
    { period: 0, horizon: 1 },
    { period: 1.5, horizon: 1 },
    { period: 2, horizon: -1 },
    { period: 2, horizon: 0.5 },
  ])('throws RangeError for period $period, horizon $horizon', ({ period, horizon }) => {
    expect(() => seasonalNaive(s([1, 2, 3]), period, horizon)).toThrow(RangeError);
  });

  const withGaps = fc.array(fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(NaN)), { minLength: 1, maxLength: 60 });

  it('gives horizon values, all finite and non-negative for non-negative input with one value', () => {
    fc.assert(
      fc.property(withGaps, fc.integer({ min: 1, max: 20 }), fc.integer({ min: 0, max: 100 }), (values, period, horizon) => {
        fc.pre(values.length >= period && values.some((v) => !Number.isNaN(v)));
        const out = valuesOf(seasonalNaive(s(values), period, horizon));
        expect(out).toHaveLength(horizon);
        for (const v of out) expect(v >= 0 && Number.isFinite(v)).toBe(true);
      }),
    );
  });

  it('a constant series forecasts itself; a periodic one continues its cycle', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 40 }), (cycle, cycles, horizon) => {
        const p = cycle.length;
        const series = Array.from({ length: p * cycles }, (_, i) => cycle[i % p] ?? NaN);
        expect(valuesOf(seasonalNaive(s(series), p, horizon))).toEqual(Array.from({ length: horizon }, (_, h) => cycle[h % p]));
        const c = cycle[0] ?? 0;
        expect(valuesOf(seasonalNaive(s(series.map(() => c)), p, horizon))).toEqual(new Array<number>(horizon).fill(c));
      }),
    );
  });
});

describe('naive', () => {
  it.each([
    { values: [1, 2, 3], expected: [3, 3] },
    { values: [1, 2, NaN, NaN], expected: [2, 2] },
  ])('$values → $expected', ({ values, expected }) => {
    expect(valuesOf(naive(s(values), 2))).toEqual(expected);
  });
  it.each([
    { values: [], reason: 'the series is empty' },
    { values: [NaN], reason: 'all 1 values are missing (NaN)' },
  ])('insufficient: $reason', ({ values, reason }) => {
    expect(naive(s(values), 2)).toEqual({ kind: 'insufficient', reason });
  });
  it('repeats the last observed value', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer(), fc.constant(NaN)), { minLength: 1 }), fc.integer({ min: 0, max: 30 }), (values, horizon) => {
        const last = values.filter((v) => !Number.isNaN(v)).at(-1);
        fc.pre(last !== undefined);
        expect(valuesOf(naive(s(values), horizon))).toEqual(new Array<number>(horizon).fill(last ?? NaN));
      }),
    );
  });
});
