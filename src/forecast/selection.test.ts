// Choosing among backtested candidates on fabricated results with known answers: the best
// single model, a combination when errors cancel, the simpler choice on a tie; and the
// leave-one-origin-out forecasts the quantiles are calibrated on.
import { describe, expect, it } from 'vitest';
import type { OriginResult } from './backtest.js';
import { combineMean, leaveOneOutForecasts, selectModel } from './selection.js';

const result = (origin: number, actual: number[], forecasts: Record<string, number[]>, scale = 1): OriginResult => ({
  origin,
  actual,
  scale,
  forecasts: new Map(Object.entries(forecasts)),
});

describe('combineMean', () => {
  it.each([
    { forecasts: [[1, 2]], expected: [1, 2] },
    { forecasts: [[1, 2], [3, 4]], expected: [2, 3] },
    { forecasts: [[0, 3], [3, 0], [6, 6]], expected: [3, 3] },
    { forecasts: [], expected: [] },
  ])('$forecasts → $expected', ({ forecasts, expected }) => {
    expect(combineMean(forecasts)).toEqual(expected);
  });
});

describe('selectModel', () => {
  it('picks the known-best single candidate and scores every option, best first', () => {
    // Errors 1, 2, 3 on the same side: averaging only dilutes the best.
    const results = [result(10, [10, 10], { a: [11, 11], b: [12, 12], c: [13, 13] }), result(12, [20, 20], { a: [21, 21], b: [22, 22], c: [23, 23] })];
    const s = selectModel(results, ['c', 'b', 'a']);
    expect(s.model).toBe('a');
    expect(s.components).toEqual(['a']);
    expect(s.ranking).toEqual(['a', 'b', 'c']);
    // mean(a, b) errs 1.5, mean(a, b, c) 2 — tied with b, which as a single model goes first.
    expect(s.scores.map((x) => [x.model, x.mase])).toEqual([
      ['a', 1],
      ['mean(a, b)', 1.5],
      ['b', 2],
      ['mean(a, b, c)', 2],
      ['c', 3],
    ]);
  });

  it('chooses a combination when its members err on opposite sides', () => {
    const results = [result(0, [10, 10], { a: [11, 11], b: [8, 8], c: [14, 14] })];
    const s = selectModel(results, ['a', 'b', 'c']);
    expect(s.model).toBe('mean(a, b)'); // 9.5 → error 0.5
    expect(s.components).toEqual(['a', 'b']);
    expect(s.ranking).toEqual(['a', 'b', 'c']);
  });

  it('prefers a single model to a combination with the same score, and the first name among equals', () => {
    const results = [result(0, [10], { x: [11], y: [11] })];
    const s = selectModel(results, ['y', 'x']);
    expect(s.model).toBe('y');
    expect(s.scores.map((o) => o.model)).toEqual(['y', 'x', 'mean(y, x)']);
  });

  it('scales each origin by its own MASE scale and reports sMAPE', () => {
    // Origin 1: error 2, scale 2 → 1; origin 2: error 3, scale 1 → 3; mean 2.
    const results = [result(0, [10], { a: [12] }, 2), result(1, [10], { a: [7] }, 1)];
    const [score] = selectModel(results, ['a']).scores;
    expect(score?.mase).toBe(2);
    // sMAPE: 200·2/22 and 200·3/17, averaged.
    expect(score?.smape).toBeCloseTo((200 * (2 / 22) + 200 * (3 / 17)) / 2, 12);
  });

  it('leaves out a candidate that failed at any origin', () => {
    const results = [result(0, [10], { a: [11], b: [10] }), result(1, [10], { a: [11] })];
    const s = selectModel(results, ['a', 'b']);
    expect(s.model).toBe('a');
    expect(s.ranking).toEqual(['a']);
  });

  it.each([
    { what: 'no origin at all', results: [] as OriginResult[] },
    { what: 'nothing forecast at every origin', results: [result(0, [1], { a: [1] }), result(1, [1], { b: [1] })] },
  ])('takes the first name, unscored, with $what', ({ results }) => {
    expect(selectModel(results, ['a', 'b'])).toEqual({ model: 'a', components: ['a'], scores: [], ranking: ['a', 'b'] });
  });

  it('skips gaps in the actuals', () => {
    const results = [result(0, [10, NaN], { a: [11, 1000], b: [12, 12] })];
    expect(selectModel(results, ['b', 'a']).model).toBe('a');
  });
});

describe('leaveOneOutForecasts', () => {
  // a is perfect at origins 0 and 1 and far off at 2; b is off by 5, then perfect.
  const results = [result(0, [10], { a: [10], b: [15] }), result(1, [10], { a: [10], b: [15] }), result(2, [10], { a: [110], b: [10] })];

  it('forecasts each origin with the model chosen on the other origins', () => {
    // Without origin 0 (or 1): a errs 50 on average, b 2.5, mean(a, b) 26.25 → b.
    // Without origin 2: a errs 0 → a.
    expect(leaveOneOutForecasts(results, ['a', 'b'])).toEqual([[15], [15], [110]]);
    // On all three, the selection itself would say b: its own errors look better than they are.
    expect(selectModel(results, ['a', 'b']).model).toBe('b');
  });

  it('considers only the candidates that forecast at the origin left out', () => {
    const partial = [...results.slice(0, 2), result(2, [10], { b: [10] })];
    expect(leaveOneOutForecasts(partial, ['a', 'b'])[2]).toEqual([10]);
  });

  it.each([
    { what: 'one origin: the selection on it', results: [result(0, [10], { a: [12], b: [11] })], expected: [[11]] },
    { what: 'no origin', results: [] as OriginResult[], expected: [] },
  ])('falls back with $what', ({ results: rs, expected }) => {
    expect(leaveOneOutForecasts(rs, ['a', 'b'])).toEqual(expected);
  });
});
