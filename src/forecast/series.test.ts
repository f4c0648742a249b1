// Table tests for the series helpers and fast-check invariants of slicing and aggregation.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { millis } from '../spec/units.js';
import { aggregate, countLeadingTrailingNaN, seriesEnd, sliceUntil, timeAt, type RegularSeries } from './series.js';

const s = (values: number[], start = 0, stepMs = 10): RegularSeries => ({ start: millis(start), stepMs, values });

describe('timeAt and seriesEnd', () => {
  it.each([
    { i: 0, at: 1000 },
    { i: 2, at: 1020 },
    { i: 3, at: 1030 }, // one past the end: where the first forecast lands
  ])('timeAt($i) = $at', ({ i, at }) => {
    expect(timeAt(s([1, 2, 3], 1000), i)).toBe(at);
  });
  it('seriesEnd is one step after the last point, and start when empty', () => {
    expect(seriesEnd(s([1, 2, 3], 1000))).toBe(1030);
    expect(seriesEnd(s([], 1000))).toBe(1000);
  });
});

describe('sliceUntil', () => {
  it.each([
    { until: -1, expected: [] },
    { until: 0, expected: [1] },
    { until: 25, expected: [1, 2, 3] }, // floor(25 / 10) + 1 = 3 points
    { until: 30, expected: [1, 2, 3, 4] }, // inclusive
    { until: 1e9, expected: [1, 2, 3, 4] },
    { until: NaN, expected: [] },
  ])('until $until → $expected', ({ until, expected }) => {
    const input = s([1, 2, 3, 4]);
    const out = sliceUntil(input, until);
    expect(out.values).toEqual(expected);
    expect(out.start).toBe(0);
    expect(input.values).toEqual([1, 2, 3, 4]); // not mutated
  });

  it('keeps exactly the points at or before until', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true }), { maxLength: 50 }), fc.integer({ min: -100, max: 700 }), (values, until) => {
        const input = s(values, 0, 10);
        const out = sliceUntil(input, until);
        expect(out.values).toEqual(values.slice(0, out.values.length));
        if (out.values.length > 0) expect(timeAt(out, out.values.length - 1)).toBeLessThanOrEqual(until);
        if (out.values.length < values.length) expect(timeAt(out, out.values.length)).toBeGreaterThan(until);
      }),
    );
  });
});

describe('aggregate', () => {
  it.each([
    { values: [1, 2, 3, 4, 5, 6], factor: 3, how: 'sum' as const, expected: [6, 15] },
    { values: [1, 2, 3, 4, 5, 6], factor: 3, how: 'mean' as const, expected: [2, 5] },
    { values: [1, NaN, 3], factor: 3, how: 'mean' as const, expected: [2] },
    { values: [1, NaN, 3], factor: 3, how: 'sum' as const, expected: [6] }, // mean 2 scaled by 3
    { values: [NaN, NaN, 7, 8], factor: 2, how: 'sum' as const, expected: [NaN, 15] },
    { values: [1, 2, 3, 4, 5], factor: 2, how: 'sum' as const, expected: [3, 7] }, // partial bucket dropped
    { values: [1, 2], factor: 3, how: 'mean' as const, expected: [] },
    { values: [4, NaN], factor: 1, how: 'sum' as const, expected: [4, NaN] },
  ])('$how of $values by $factor → $expected', ({ values, factor, how, expected }) => {
    const out = aggregate(s(values, 100, 60_000), factor, how);
    expect(out.values).toEqual(expected);
    expect(out.stepMs).toBe(60_000 * factor);
    expect(out.start).toBe(100);
  });

  it.each([0, -1, 1.5, NaN])('rejects factor %s', (factor) => {
    expect(() => aggregate(s([1, 2]), factor, 'sum')).toThrow(RangeError);
  });

  it('without NaN, sum preserves the total of the full buckets and mean their average', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 60 }), fc.integer({ min: 1, max: 7 }), (values, factor) => {
        const full = values.slice(0, Math.floor(values.length / factor) * factor);
        const total = full.reduce((a, b) => a + b, 0);
        const sum = aggregate(s(values), factor, 'sum').values;
        const mean = aggregate(s(values), factor, 'mean').values;
        expect(sum).toHaveLength(full.length / factor);
        expect(sum.reduce((a, b) => a + b, 0)).toBeCloseTo(total, 6);
        mean.forEach((m, b) => expect(m * factor).toBeCloseTo(sum[b] ?? NaN, 6));
      }),
    );
  });
});

describe('countLeadingTrailingNaN', () => {
  it.each([
    { values: [], leading: 0, trailing: 0 },
    { values: [1, 2], leading: 0, trailing: 0 },
    { values: [NaN, 1, NaN, 2, NaN, NaN], leading: 1, trailing: 2 },
    { values: [NaN, NaN, NaN], leading: 3, trailing: 0 }, // never counted twice
  ])('$values → $leading / $trailing', ({ values, leading, trailing }) => {
    expect(countLeadingTrailingNaN(s(values))).toEqual({ leading, trailing });
  });

  it('leading + trailing ≤ length, and the values just inside are not NaN', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant(NaN), fc.integer())), (values) => {
        const { leading, trailing } = countLeadingTrailingNaN(s(values));
        expect(leading + trailing).toBeLessThanOrEqual(values.length);
        if (leading < values.length) {
          expect(values[leading]).not.toBeNaN();
          expect(values[values.length - 1 - trailing]).not.toBeNaN();
        }
      }),
    );
  });
});
