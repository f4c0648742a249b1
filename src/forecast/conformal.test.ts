// Conformal quantiles on worked examples: the ⌈(m+1)q⌉-th error, buckets by horizon, errors
// normalised by the forecast's level, and the band built back from them.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calibrate, conformalQuantile, quantileBand, TAIL_SCALE, widenedLevel, type Calibration } from './conformal.js';

const ONE_TO = (m: number): number[] => Array.from({ length: m }, (_, i) => i + 1);

describe('conformalQuantile', () => {
  it.each([
    { m: 9, q: 0.9, expected: 9 }, // ⌈10 · 0.9⌉ = 9th: the largest
    { m: 19, q: 0.9, expected: 18 }, // ⌈20 · 0.9⌉ = 18
    { m: 19, q: 0.95, expected: 19 },
    { m: 99, q: 0.9, expected: 90 },
    { m: 9, q: 0.5, expected: 5 },
    { m: 9, q: 0.1, expected: 1 },
    { m: 4, q: 0.9, expected: 4 }, // ⌈4.5⌉ = 5 > m: clipped to the largest
    { m: 4, q: 0.01, expected: 1 }, // ⌈0.05⌉ = 1
  ])('m = $m, q = $q → the $expected-th smallest', ({ m, q, expected }) => {
    expect(conformalQuantile(ONE_TO(m), q)).toBe(expected);
  });

  it('is 0 without errors (no band)', () => {
    expect(conformalQuantile([], 0.9)).toBe(0);
  });
});

describe('widenedLevel', () => {
  it.each([
    { q: 0.9, expected: 0.92 },
    { q: 0.1, expected: 0.08 },
    { q: 0.5, expected: 0.5 },
    { q: 0.99, expected: 0.992 },
    { q: 0.75, expected: 0.8 },
  ])('$q → $expected', ({ q, expected }) => {
    expect(widenedLevel(q)).toBeCloseTo(expected, 12);
  });

  it('moves each tail by TAIL_SCALE and stays in (0, 1), increasing', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.001, max: 0.999, noNaN: true }), fc.double({ min: 0.001, max: 0.999, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(widenedLevel(lo)).toBeLessThanOrEqual(widenedLevel(hi));
        expect(widenedLevel(hi) > 0 && widenedLevel(hi) < 1).toBe(true);
        if (hi > 0.5) expect(1 - widenedLevel(hi)).toBeCloseTo((1 - hi) * TAIL_SCALE, 12);
      }),
    );
  });
});

describe('calibrate', () => {
  it.each([
    // buckets = clamp(⌊origins · horizon / 100⌋, 1, 8); steps per bucket = ⌈horizon / buckets⌉.
    { origins: 1, horizon: 50, buckets: 1, bucketSteps: 50 },
    { origins: 3, horizon: 10, buckets: 1, bucketSteps: 10 },
    { origins: 2, horizon: 100, buckets: 2, bucketSteps: 50 },
    { origins: 7, horizon: 48, buckets: 3, bucketSteps: 16 }, // ⌊336 / 100⌋ = 3
    { origins: 3, horizon: 101, buckets: 3, bucketSteps: 34 }, // last bucket shorter: 34, 34, 33
    { origins: 3, horizon: 288, buckets: 8, bucketSteps: 36 }, // ⌊8.64⌋ = 8
    { origins: 7, horizon: 288, buckets: 8, bucketSteps: 36 }, // capped at 8
  ])('$origins origins × $horizon steps → $buckets buckets of $bucketSteps', ({ origins, horizon, buckets, bucketSteps }) => {
    const forecasts = Array.from({ length: origins }, () => new Array<number>(horizon).fill(10));
    const actuals = forecasts.map((f) => f.map((v) => v + 1));
    const c = calibrate(forecasts, actuals, 0);
    expect(c.bucketSteps).toBe(bucketSteps);
    expect(c.buckets).toHaveLength(buckets);
    // every error lands in exactly one bucket
    expect(c.buckets.reduce((s, b) => s + b.length, 0)).toBe(origins * horizon);
    expect(c.buckets[0]).toHaveLength(origins * bucketSteps);
  });

  it('normalises errors by |forecast| + floor, skips gaps and sorts each bucket', () => {
    // (12 − 10)/(10 + 5), (5 − 10)/15, (−1 − (−5))/(5 + 5); the NaN is skipped.
    const c = calibrate([[10, 10], [-5, 10]], [[12, NaN], [-1, 5]], 5);
    expect(c.bucketSteps).toBe(2);
    expect(c.floor).toBe(5);
    expect(c.buckets).toHaveLength(1);
    const bucket = c.buckets[0] ?? [];
    expect(bucket).toHaveLength(3);
    [-5 / 15, 2 / 15, 4 / 10].forEach((e, i) => expect(bucket[i]).toBeCloseTo(e, 12));
  });

  it('has one empty bucket without forecasts', () => {
    expect(calibrate([], [], 1)).toEqual({ bucketSteps: 1, buckets: [[]], floor: 1 });
  });
});

describe('quantileBand', () => {
  const calibration: Calibration = {
    bucketSteps: 2,
    buckets: [
      [-0.1, 0, 0.1, 0.2], // steps 0–1
      [-0.5, -0.2, 0.4, 1], // steps 2–3, and every step after
    ],
    floor: 10,
  };

  it.each([
    // q 0.9 → level 0.92 → ⌈5 · 0.92⌉ = 5 → clipped to the 4th: 0.2, then 1.
    { q: 0.9, expected: [100 + 110 * 0.2, 10 * 0.2, 100 + 110 * 1, 10 * 1, 50 + 60 * 1] },
    // q 0.5 → ⌈2.5⌉ = 3rd: 0.1, then 0.4.
    { q: 0.5, expected: [100 + 110 * 0.1, 10 * 0.1, 100 + 110 * 0.4, 10 * 0.4, 50 + 60 * 0.4] },
    // q 0.1 → level 0.08 → ⌈0.4⌉ = 1st: −0.1, then −0.5.
    { q: 0.1, expected: [100 - 110 * 0.1, -10 * 0.1, 100 - 110 * 0.5, -10 * 0.5, 50 - 60 * 0.5] },
  ])('q = $q: f + (|f| + floor) · the error quantile of its bucket', ({ q, expected }) => {
    const band = quantileBand(calibration, [100, 0, 100, 0, 50], q);
    band.forEach((v, i) => expect(v).toBeCloseTo(expected[i] as number, 9));
  });

  it('is the forecast itself with no errors seen', () => {
    expect(quantileBand(calibrate([], [], 0), [1, 2, 3], 0.99)).toEqual([1, 2, 3]);
  });

  it('is monotone in q at every step', () => {
    const errors = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 1, maxLength: 30 });
    fc.assert(
      fc.property(
        fc.array(errors, { minLength: 1, maxLength: 4 }),
        fc.array(fc.double({ min: -1e4, max: 1e4, noNaN: true }), { minLength: 1, maxLength: 20 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (buckets, mean, floor, a, b) => {
          const c: Calibration = { bucketSteps: 3, buckets: buckets.map((x) => [...x].sort((u, v) => u - v)), floor };
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const low = quantileBand(c, mean, lo);
          const high = quantileBand(c, mean, hi);
          low.forEach((v, i) => expect(v).toBeLessThanOrEqual(high[i] as number));
        },
      ),
    );
  });
});
