import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { autocorrelation, multiplicativeSeasonalIndices, naive2, seasonalityTest, seasonalNaiveForecast } from './naive2.js';

// A daily-like multiplicative pattern (period 4) on a constant level 100.
const PATTERN = [0.5, 1.5, 1.2, 0.8];
// Deterministic irregular values (100 + round(20·sin(0.7·t²))), no period: acf_4 ≈ 0.
const IRREGULAR = [
  100, 113, 107, 100, 80, 80, 101, 105, 115, 103, 115, 102, 105, 82, 83, 108, 97, 119, 111, 120,
  92, 115, 91, 92, 118, 85, 118, 120, 117, 81, 120, 108, 110, 118, 81, 103, 113, 98, 86, 106,
];
const periodic = (cycles: number, level = 100): number[] =>
  Array.from({ length: cycles * PATTERN.length }, (_, t) => level * (PATTERN[t % PATTERN.length] as number));

describe('autocorrelation', () => {
  it('matches a hand computation', () => {
    // x = [1, 2, 3, 4], mean 2.5, deviations −1.5, −0.5, 0.5, 1.5, Σd² = 5.
    // lag 1: (0.75 − 0.25 + 0.75)/5 = 0.25; lag 2: (−0.75 − 0.75)/5 = −0.3.
    const acf = autocorrelation([1, 2, 3, 4], 2);
    expect(acf[0]).toBeCloseTo(0.25, 12);
    expect(acf[1]).toBeCloseTo(-0.3, 12);
  });
});

describe('seasonalityTest', () => {
  it('finds seasonality in a periodic series', () => {
    const v = seasonalityTest(periodic(10), 4);
    expect(v.seasonal).toBe(true);
  });

  it.each([
    { name: 'too short (< 3m)', x: periodic(2), m: 4, because: 'history shorter than 3 periods' },
    { name: 'period 1', x: periodic(10), m: 1, because: 'period below 2' },
    { name: 'constant', x: new Array<number>(40).fill(7), m: 4, because: 'constant series' },
    { name: 'irregular', x: IRREGULAR, m: 4, because: 'autocorrelation within limit' },
  ])('$name is not seasonal: $because', ({ x, m, because }) => {
    const v = seasonalityTest(x, m);
    expect(v.seasonal).toBe(false);
    if (!v.seasonal) expect(v.because).toBe(because);
  });
});

describe('multiplicativeSeasonalIndices', () => {
  it('recovers the hand-computed example', () => {
    // trend 2 everywhere it is defined; ratios 0.5 at even, 1.5 at odd positions.
    const s = multiplicativeSeasonalIndices([1, 3, 1, 3, 1, 3], 2);
    expect(s[0]).toBeCloseTo(0.5, 12);
    expect(s[1]).toBeCloseTo(1.5, 12);
  });

  it('handles an odd period with a plain moving average', () => {
    const x = Array.from({ length: 9 }, (_, t) => 10 * [1, 2, 3][t % 3]!);
    // trend 20 at t = 1..7 → ratios 0.5, 1, 1.5 → already mean 1.
    expect(multiplicativeSeasonalIndices(x, 3).map((v) => +v.toFixed(12))).toEqual([0.5, 1, 1.5]);
  });

  it('needs two full periods', () => {
    expect(() => multiplicativeSeasonalIndices([1, 2, 3], 2)).toThrow(RangeError);
  });
});

describe('naive2', () => {
  it('forecasts exact multiplicative seasonality exactly, in phase', () => {
    // 10 cycles + 1 extra point so the forecast starts mid-cycle (phase 1).
    const x = [...periodic(10), 100 * (PATTERN[0] as number)];
    const r = naive2(x, 7, 4);
    expect(r.seasonality.seasonal).toBe(true);
    const expected = Array.from({ length: 7 }, (_, i) => 100 * (PATTERN[(x.length + i) % 4] as number));
    r.forecast.forEach((f, i) => expect(f).toBeCloseTo(expected[i] as number, 9));
  });

  it('falls back to plain naive for a non-seasonal series', () => {
    const r = naive2(IRREGULAR, 5, 4);
    expect(r.seasonality.seasonal).toBe(false);
    expect(r.indices).toBeUndefined();
    expect(r.forecast).toEqual([106, 106, 106, 106, 106]);
  });

  it('still forecasts the last value for a linear trend, although the test calls it seasonal', () => {
    // A known trait of the M4 test: a trend's acf decays slowly, so acf_4 ≈ 0.70 beats the
    // limit ≈ 0.60. The centred MA of a straight line is the line itself, so every ratio
    // and index is 1 and Naive2 reduces to naive: 10 + 39 = 49.
    const x = Array.from({ length: 40 }, (_, t) => 10 + t);
    const r = naive2(x, 3, 4);
    expect(r.seasonality.seasonal).toBe(true);
    r.forecast.forEach((f) => expect(f).toBeCloseTo(49, 9));
  });

  it('falls back to naive and says so when zeros make the indices unusable', () => {
    // 10 at every 4th position, else 0: trend 2.5, indices [0, 4, 0, 0] → not all positive.
    const x = Array.from({ length: 40 }, (_, t) => (t % 4 === 1 ? 10 : 0));
    const r = naive2(x, 3, 4);
    expect(r.seasonality.seasonal).toBe(true);
    expect(r.fallback).toBe('seasonal indices not positive and finite (zeros or negatives in the data)');
    expect(r.forecast).toEqual([0, 0, 0]);
  });

  it('has length h and finite values for positive finite input', () => {
    const series = fc.array(fc.double({ min: 0.01, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 120 });
    fc.assert(
      fc.property(series, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 12 }), (x, h, m) => {
        const f = naive2(x, h, m).forecast;
        return f.length === h && f.every(Number.isFinite);
      }),
    );
  });

  it('rejects an empty history and a bad horizon', () => {
    expect(() => naive2([], 3, 4)).toThrow('cannot forecast from an empty history');
    expect(() => naive2([1], 1.5, 4)).toThrow('horizon must be an integer ≥ 0; got 1.5');
  });
});

describe('seasonalNaiveForecast', () => {
  it.each([
    { x: [1, 2, 3, 4, 5], h: 5, m: 2, expected: [4, 5, 4, 5, 4] },
    { x: [1, 2, 3], h: 2, m: 3, expected: [1, 2] },
    // fewer than m points: plain naive
    { x: [1, 2], h: 3, m: 24, expected: [2, 2, 2] },
  ])('$x, h=$h, m=$m → $expected', ({ x, h, m, expected }) => {
    expect(seasonalNaiveForecast(x, h, m)).toEqual(expected);
  });

  it('has length h and finite values for finite input', () => {
    const series = fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 100 });
    fc.assert(
      fc.property(series, fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 30 }), (x, h, m) => {
        const f = seasonalNaiveForecast(x, h, m);
        return f.length === h && f.every(Number.isFinite);
      }),
    );
  });
});
