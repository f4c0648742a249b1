import { describe, expect, it } from 'vitest';
import { bestByMase, compareMase, coverageHits, owaAgainst, PUBLISHED_NAIVE2, ratio, scoreOrFallback, scoreUnit, summarize, wins, type UnitScore } from './score.js';

const unit = (mase: number, extra: Partial<UnitScore> = {}): UnitScore => ({ smape: 10, mase, coverPoints: 0, ms: 1, fallback: false, ...extra });

describe('scoreUnit', () => {
  // accuracy.ts worked examples: insample [1, 2, 4, 3], m = 2 → scale 2.
  it('M4 sMAPE and MASE of one forecast, and its 0.9 coverage', () => {
    const s = scoreUnit({ fit: [1, 2, 4, 3], actual: [5, 6], mean: [4, 6], upper: [5, 5.5], scalePeriod: 2, ms: 3 });
    expect(s.mase).toBeCloseTo(0.25, 12);
    expect(s.smape).toBeCloseTo((200 * 1) / 9 / 2, 12);
    expect(s.covered).toBe(1);
    expect(s.coverPoints).toBe(2);
    expect(s.ms).toBe(3);
    expect(s.fallback).toBe(false);
  });
  it('no interval: coverage not counted', () => {
    const s = scoreUnit({ fit: [1, 2, 4, 3], actual: [5, 6], mean: [4, 6], scalePeriod: 2, ms: 0 });
    expect(s.covered).toBeUndefined();
    expect(s.coverPoints).toBe(0);
  });
  it('throws when the upper bound has the wrong length', () => {
    expect(() => scoreUnit({ fit: [1, 2, 4, 3], actual: [5, 6], mean: [4, 6], upper: [1], scalePeriod: 2, ms: 0 })).toThrow(RangeError);
  });
});

describe('scoreOrFallback', () => {
  const base = { fit: [1, 2, 4, 3], actual: [5, 6], scalePeriod: 2, fallbackMean: [4, 3], ms: 7 };
  it('scores the forecast when there is one', () => {
    const s = scoreOrFallback({ ...base, forecast: { mean: [5, 6], upper: [6, 6] } });
    expect(s.mase).toBe(0);
    expect(s.fallback).toBe(false);
    expect(s.covered).toBe(2);
  });
  it('scores the fallback, flagged, when there is none, keeping the time spent', () => {
    const s = scoreOrFallback({ ...base, forecast: undefined });
    expect(s.mase).toBeCloseTo((1 + 3) / 2 / 2, 12);
    expect(s.fallback).toBe(true);
    expect(s.ms).toBe(7);
    expect(s.coverPoints).toBe(0);
  });
});

describe('coverageHits', () => {
  it.each([
    { actual: [1, 2, 3], upper: [1, 1, 5], hits: 2 },
    { actual: [1, Number.NaN], upper: [2, 2], hits: 1 },
    { actual: [], upper: [], hits: 0 },
  ])('$actual ≤ $upper: $hits', ({ actual, upper, hits }) => {
    expect(coverageHits(actual, upper)).toBe(hits);
  });
});

describe('summarize', () => {
  it('means over units, pooled coverage, total and mean time, fallbacks; skips undefined', () => {
    const s = summarize([
      unit(1, { smape: 10, covered: 9, coverPoints: 10, ms: 2 }),
      undefined,
      unit(3, { smape: 20, covered: 5, coverPoints: 10, ms: 4, fallback: true }),
    ]);
    expect(s).toEqual({ units: 2, smape: 15, mase: 2, unscalable: 0, coverage: 0.7, coverPoints: 20, totalMs: 6, meanMs: 3, fallbacks: 1 });
  });
  it('leaves an unscalable MASE (NaN) out of the MASE mean and counts it', () => {
    const s = summarize([unit(1), unit(Number.NaN)]);
    expect(s.mase).toBe(1);
    expect(s.unscalable).toBe(1);
    expect(s.smape).toBe(10);
  });
  it('no units or no intervals → NaN', () => {
    expect(summarize([]).smape).toBeNaN();
    expect(summarize([unit(1)]).coverage).toBeNaN();
  });
});

describe('owaAgainst', () => {
  it('the published sNaive row against the published Naive2 is its published OWA 0.6275', () => {
    expect(owaAgainst({ smape: 13.912, mase: 1.193 }, PUBLISHED_NAIVE2)).toBeCloseTo(0.6275, 4);
  });
  it('Naive2 against itself is 1', () => {
    expect(owaAgainst({ smape: 6, mase: 0.9 }, { smape: 6, mase: 0.9 })).toBe(1);
  });
});

describe('compareMase', () => {
  it('compares on the units both have', () => {
    // b is missing at unit 0 (e.g. weekly sNaive with < 1 week of history there).
    expect(compareMase([unit(5), unit(1), unit(3)], [undefined, unit(2), unit(2)])).toEqual({ a: 2, b: 2, n: 2 });
  });
  it('skips units where either MASE is not finite; none in common → NaN', () => {
    expect(compareMase([unit(Number.NaN), unit(1)], [unit(1), unit(2)])).toEqual({ a: 1, b: 2, n: 1 });
    const none = compareMase([unit(1)], [undefined]);
    expect(none.n).toBe(0);
    expect(none.a).toBeNaN();
  });
});

describe('bestByMase, wins, ratio', () => {
  const s = (mase: number) => summarize([unit(mase)]);
  it('best R method: the lowest MASE among the candidates present', () => {
    const summaries = { ours: s(0.5), 'r-stlf': s(0.9), 'r-tbats': s(0.8), 'r-mstl': s(Number.NaN) };
    expect(bestByMase(summaries, ['r-stlf', 'r-mstl', 'r-tbats'])).toEqual({ method: 'r-tbats', mase: 0.8 });
    expect(bestByMase(summaries, ['r-absent'])).toBeUndefined();
  });
  it.each([
    { pairs: [{ ours: 1, other: 2 }, { ours: 3, other: 2 }, { ours: 2, other: 2 }], want: { wins: 1, of: 3 } },
    { pairs: [{ ours: Number.NaN, other: 2 }, { ours: 1, other: 2 }], want: { wins: 1, of: 1 } },
    { pairs: [], want: { wins: 0, of: 0 } },
  ])('wins($pairs) = $want (ties are not wins)', ({ pairs, want }) => {
    expect(wins(pairs)).toEqual(want);
  });
  it.each([
    { a: 1, b: 4, want: 0.25 },
    { a: 1, b: 0, want: Number.NaN },
    { a: Number.NaN, b: 1, want: Number.NaN },
  ])('ratio($a, $b) = $want', ({ a, b, want }) => {
    expect(ratio(a, b)).toEqual(want);
  });
});
