import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mase, MetricInputError, owa, seasonalScale, smape } from './accuracy.js';

// toBeCloseTo never matches NaN, and NaN is a documented result here.
function expectClose(value: number, expected: number): void {
  if (Number.isNaN(expected)) expect(value).toBeNaN();
  else expect(value).toBeCloseTo(expected, 12);
}

describe('smape', () => {
  it.each([
    // 200·10/210 = 9.5238…, 0 → mean 4.7619…
    { actual: [100, 50], forecast: [110, 50], expected: (200 * 10) / 210 / 2 },
    // Symmetric in y and f: 200·10/210 either way.
    { actual: [110], forecast: [100], expected: (200 * 10) / 210 },
    // Opposite signs hit the ceiling: 200·2/2 = 200.
    { actual: [1], forecast: [-1], expected: 200 },
    // Forecast 0 of a positive value is the worst case too: 200·5/5 = 200.
    { actual: [5], forecast: [0], expected: 200 },
    // 0/0 (y = f = 0) counts as an exact forecast: (0 + 200·1/3)/2 = 33.33…
    { actual: [0, 1], forecast: [0, 2], expected: 200 / 3 / 2 },
    { actual: [3, 3, 3], forecast: [3, 3, 3], expected: 0 },
  ])('$actual vs $forecast → $expected', ({ actual, forecast, expected }) => {
    expect(smape(actual, forecast)).toBeCloseTo(expected, 12);
  });

  it('is NaN for an empty horizon', () => {
    expect(smape([], [])).toBeNaN();
  });

  it('rejects mismatched lengths with the lengths in the error', () => {
    expect(() => smape([1, 2], [1])).toThrow(MetricInputError);
    expect(() => smape([1, 2], [1])).toThrow('actual has 2 points and forecast has 1; they must match');
  });

  it('stays within [0, 200] for any finite input', () => {
    const pairs = fc.array(fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: -1e6, max: 1e6, noNaN: true })), { minLength: 1 });
    fc.assert(
      fc.property(pairs, (ps) => {
        const s = smape(ps.map((p) => p[0]), ps.map((p) => p[1]));
        return s >= 0 && s <= 200 + 1e-9;
      }),
    );
  });
});

describe('seasonalScale and mase', () => {
  it.each([
    // |4−1| = 3, |3−2| = 1 → 2
    { insample: [1, 2, 4, 3], m: 2, expected: 2 },
    // m = 1 is the plain naive scale: |2−1|, |4−2|, |3−4| → 4/3
    { insample: [1, 2, 4, 3], m: 1, expected: 4 / 3 },
    // NaN pairs are skipped (R na.rm): only |5−1| = 4 remains
    { insample: [1, Number.NaN, 5, 7], m: 2, expected: 4 },
    // history not longer than m: no difference → NaN
    { insample: [1, 2], m: 2, expected: Number.NaN },
    { insample: [1, 2, 3], m: 0, expected: Number.NaN },
  ])('seasonalScale($insample, $m) = $expected', ({ insample, m, expected }) => {
    expectClose(seasonalScale(insample, m), expected);
  });

  it.each([
    // scale 2; MAE (1 + 0)/2 = 0.5 → 0.25
    { insample: [1, 2, 4, 3], actual: [5, 6], forecast: [4, 6], m: 2, expected: 0.25 },
    // scale 2; MAE (2 + 4)/2 = 3 → 1.5
    { insample: [1, 2, 4, 3], actual: [5, 6], forecast: [3, 10], m: 2, expected: 1.5 },
    // exactly periodic history: scale 0 → NaN, not Infinity, even for a perfect forecast
    { insample: [1, 2, 1, 2], actual: [1], forecast: [2], m: 2, expected: Number.NaN },
    { insample: [1, 2, 1, 2], actual: [1], forecast: [1], m: 2, expected: Number.NaN },
    // history shorter than m → NaN
    { insample: [1, 2, 3], actual: [1], forecast: [1], m: 24, expected: Number.NaN },
  ])('mase → $expected', ({ insample, actual, forecast, m, expected }) => {
    expectClose(mase(insample, actual, forecast, m), expected);
  });

  it('rejects mismatched lengths', () => {
    expect(() => mase([1, 2, 3], [1], [1, 2], 1)).toThrow(MetricInputError);
  });
});

describe('owa', () => {
  it.each([
    // Naive2 against itself is 1 by definition.
    { s: 18.383, m: 2.395, expected: 1 },
    // Published hourly sNaive: (13.912/18.383 + 1.193/2.395)/2 = 0.62745 (table: 0.6275).
    { s: 13.912, m: 1.193, expected: 0.62745 },
    // Published hourly winner Doornik: (8.913/18.383 + 0.801/2.395)/2 = 0.40965 (table: 0.4096).
    { s: 8.913, m: 0.801, expected: 0.40965 },
  ])('owa($s, $m) ≈ $expected', ({ s, m, expected }) => {
    expect(owa(s, m, 18.383, 2.395)).toBeCloseTo(expected, 4);
  });

  it('is not finite when Naive2 scored 0', () => {
    expect(Number.isFinite(owa(1, 1, 0, 1))).toBe(false);
  });
});
