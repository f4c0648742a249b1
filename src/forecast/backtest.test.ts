// The rolling-origin backtest: windows cut from the tail, forecasts expanded to the output
// step, the MASE scale from the raw history, and the error measures skipping gaps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expand, meanAbsoluteError, runBacktest, smapeSkippingGaps, type BacktestSetup } from './backtest.js';
import type { Candidate } from './candidates.js';

describe('expand', () => {
  it.each([
    { values: [1, 2], factor: 3, expected: [1, 1, 1, 2, 2, 2] },
    { values: [1, 2], factor: 1, expected: [1, 2] },
    { values: [], factor: 5, expected: [] },
  ])('$values × $factor → $expected', ({ values, factor, expected }) => {
    const out = expand(values, factor);
    expect(out).toEqual(expected);
    expect(out).not.toBe(values);
  });
});

const lastValue: Candidate = { name: 'last', forecast: (y, h) => new Array<number>(h).fill(y[y.length - 1] as number) };
const seen: Candidate = { name: 'length', forecast: (y, h) => new Array<number>(h).fill(y.length) };
const never: Candidate = { name: 'never', forecast: () => undefined };
const identity = (history: readonly number[]): number[] => history.slice();

describe('runBacktest', () => {
  it('fits before each origin and scores the window after it (factor 1)', () => {
    const fit = [1, 2, 3, 4, 5, 6, 7, 8];
    const setup: BacktestSetup = { fit, raw: fit, factor: 1, prepare: identity, origins: [4, 6], horizon: 2, scaleLag: 1 };
    const results = runBacktest(setup, [lastValue, seen, never]);
    expect(results.map((r) => ({ origin: r.origin, actual: r.actual, scale: r.scale, forecasts: Object.fromEntries(r.forecasts) }))).toEqual([
      { origin: 4, actual: [5, 6], scale: 1, forecasts: { last: [4, 4], length: [4, 4] } },
      { origin: 6, actual: [7, 8], scale: 1, forecasts: { last: [6, 6], length: [6, 6] } },
    ]);
  });

  it('expands forecasts to the output step and scores them against the raw values (factor 2)', () => {
    // fit[i] is the mean of raw[2i], raw[2i + 1].
    const raw = [1, 3, 5, 7, 9, NaN, 13, 15];
    const fit = [2, 6, 9, 14];
    const setup: BacktestSetup = { fit, raw, factor: 2, prepare: identity, origins: [2, 3], horizon: 1, scaleLag: 2 };
    const [a, b] = runBacktest(setup, [lastValue]);
    expect(a?.actual).toEqual([9, NaN]);
    expect(a?.forecasts.get('last')).toEqual([6, 6]);
    // Scale: raw history [1, 3, 5, 7] at lag 2 → |5 − 1|, |7 − 3| → 4.
    expect(a?.scale).toBe(4);
    expect(b?.actual).toEqual([13, 15]);
    // Raw history [1, 3, 5, 7, 9, NaN] at lag 2: 4, 4, 4 (the NaN pair skipped) → 4.
    expect(b?.scale).toBe(4);
  });

  it('prepares every history the way the final fit is prepared', () => {
    const fit = [1, 2, 100, 4, 5, 6];
    const capped = (h: readonly number[]): number[] => h.map((v) => Math.min(v, 10));
    const max: Candidate = { name: 'max', forecast: (y, h) => new Array<number>(h).fill(Math.max(...y)) };
    const [r] = runBacktest({ fit, raw: fit, factor: 1, prepare: capped, origins: [4], horizon: 2, scaleLag: 1 }, [max]);
    expect(r?.forecasts.get('max')).toEqual([10, 10]);
  });

  it.each([
    // History [0, 10, 5, 10] at lag 2: |5 − 0|, |10 − 10| → 2.5.
    { what: 'the seasonal naive error', raw: [0, 10, 5, 10, 0, 0], scaleLag: 2, scale: 2.5 },
    // [1, 2, 1, 2]: the seasonal naive is perfect, so the naive (lag 1) error, 1.
    { what: 'the naive error when the seasonal one is zero', raw: [1, 2, 1, 2, 1, 2], scaleLag: 2, scale: 1 },
    { what: 'the naive error when the history is shorter than the lag', raw: [1, 3, 5, 7, 0, 0], scaleLag: 24, scale: 2 },
    { what: '1 (unscaled) for a constant history', raw: [3, 3, 3, 3, 3, 3], scaleLag: 2, scale: 1 },
  ])('scales by $what', ({ raw, scaleLag, scale }) => {
    const [r] = runBacktest({ fit: raw, raw, factor: 1, prepare: identity, origins: [4], horizon: 2, scaleLag }, [lastValue]);
    expect(r?.scale).toBe(scale);
  });
});

describe('meanAbsoluteError and smapeSkippingGaps', () => {
  it.each([
    { actual: [1, 2, 3], forecast: [2, 2, 2], mae: 2 / 3, smape: (200 * (1 / 3 + 0 + 1 / 5)) / 3 },
    { actual: [1, NaN, 3], forecast: [2, 100, 2], mae: 1, smape: (200 * (1 / 3 + 1 / 5)) / 2 },
    { actual: [0, 0], forecast: [0, 0], mae: 0, smape: 0 }, // 0/0 counts as 0
    { actual: [NaN, NaN], forecast: [1, 2], mae: 0, smape: 0 }, // nothing to score
    { actual: [], forecast: [], mae: 0, smape: 0 },
  ])('$actual vs $forecast', ({ actual, forecast, mae, smape }) => {
    expect(meanAbsoluteError(actual, forecast)).toBeCloseTo(mae, 12);
    expect(smapeSkippingGaps(actual, forecast)).toBeCloseTo(smape, 12);
  });

  it('equals the error over the observed points only', () => {
    const point = fc.tuple(fc.oneof(fc.double({ min: 0, max: 1e4, noNaN: true }), fc.constant(NaN)), fc.double({ min: 0, max: 1e4, noNaN: true }));
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 40 }), (pairs) => {
        const observed = pairs.filter(([a]) => !Number.isNaN(a));
        const actual = pairs.map(([a]) => a);
        const forecast = pairs.map(([, f]) => f);
        expect(meanAbsoluteError(actual, forecast)).toBeCloseTo(meanAbsoluteError(observed.map(([a]) => a), observed.map(([, f]) => f)), 9);
        const s = smapeSkippingGaps(actual, forecast);
        expect(s >= 0 && s <= 200 + 1e-9).toBe(true); // 200·x/x may round above 200
      }),
    );
  });
});
