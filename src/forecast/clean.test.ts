// Outlier cleaning on synthetic series with known answers: a spike and a burst in a periodic
// series are replaced by about what should have been there; a level shift, a run at the very
// end and a weekly pattern (with the week among the periods) are kept; flat series are left
// alone. Plus the rolling median on a worked example.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gaussian } from '../spec/random.js';
import { cleanOutliers, rollingMedian } from './clean.js';


// 30-minute steps: a day is 48 steps; 14 days of a daily sine with noise σ = 3.
const DAY = 48;
const truth = (t: number): number => 100 + 50 * Math.sin((2 * Math.PI * t) / DAY);
const noise = gaussian(4);
const BASE: readonly number[] = Array.from({ length: 14 * DAY }, (_, t) => truth(t) + 3 * noise());
const OPTIONS = { periods: [DAY], levelWindow: DAY / 2 };
const changed = (before: readonly number[], after: readonly number[]): number[] =>
  after.flatMap((v, i) => (v !== before[i] ? [i] : []));

describe('cleanOutliers', () => {
  it('replaces a single-point spike by about the expected value', () => {
    const y = BASE.slice();
    y[300] = (y[300] as number) + 200;
    const out = cleanOutliers(y, OPTIONS);
    expect(out.cleaned).toBe(1);
    expect(changed(y, out.values)).toEqual([300]);
    expect(Math.abs((out.values[300] as number) - truth(300))).toBeLessThan(6); // within 2σ
    expect(y[300]).toBe((BASE[300] as number) + 200); // not mutated
  });

  it('replaces a two-hour burst (4 steps at 4×) by about the expected values', () => {
    const y = BASE.map((v, t) => (t >= 400 && t < 404 ? 4 * v : v));
    const out = cleanOutliers(y, OPTIONS);
    expect(out.cleaned).toBe(4);
    expect(changed(y, out.values)).toEqual([400, 401, 402, 403]);
    for (let t = 400; t < 404; t++) expect(Math.abs((out.values[t] as number) - truth(t))).toBeLessThan(9); // within 3σ
  });

  it.each([
    { what: 'half way through', from: 7 * DAY },
    { what: 'two days before the end', from: 12 * DAY },
  ])('keeps a level shift that continues to the end ($what)', ({ from }) => {
    const y = BASE.map((v, t) => (t >= from ? v + 80 : v));
    expect(cleanOutliers(y, OPTIONS)).toEqual({ values: y, cleaned: 0 });
  });

  it('keeps a run of outliers at the very end (it may be a new level starting)', () => {
    const n = BASE.length;
    const y = BASE.map((v, t) => (t >= n - 3 ? v + 300 : v));
    expect(cleanOutliers(y, OPTIONS)).toEqual({ values: y, cleaned: 0 });
    // The same run one step earlier is cleaned: it is the end that protects it.
    const earlier = BASE.map((v, t) => (t >= n - 4 && t < n - 1 ? v + 300 : v));
    expect(cleanOutliers(earlier, OPTIONS).cleaned).toBe(3);
  });

  it('keeps weekends when the week is among the periods, and flags them when it is not', () => {
    // Hourly, 21 days, weekends at half the load.
    const wn = gaussian(5);
    const y = Array.from({ length: 21 * 24 }, (_, t) => (Math.floor(t / 24) % 7 >= 5 ? 0.5 : 1) * (100 + 50 * Math.sin((2 * Math.PI * t) / 24)) + 2 * wn());
    expect(cleanOutliers(y, { periods: [24, 168], levelWindow: 12 })).toEqual({ values: y, cleaned: 0 });
    expect(cleanOutliers(y, { periods: [24], levelWindow: 12 }).cleaned).toBeGreaterThan(0);
  });

  it.each([
    { what: 'all zeros', value: 0 },
    { what: 'constant', value: 42 },
  ])('leaves a flat series alone ($what)', ({ value }) => {
    const y = new Array<number>(10 * DAY).fill(value);
    expect(cleanOutliers(y, OPTIONS)).toEqual({ values: y, cleaned: 0 });
  });

  it.each([
    { where: 'the middle cycle', at: 50 },
    { where: 'the first cycle', at: 2 },
    { where: 'the last cycle', at: 98 },
  ])('with three cycles, replaces a spike in $where and leaves the same phase of the other two alone', ({ at }) => {
    // Each point has two others here; the spike must not make its two partners look odd
    // (the mean of a normal value and a spike is far from both) and be replaced by half of it.
    const y = BASE.slice(0, 3 * DAY);
    y[at] = 1000;
    const out = cleanOutliers(y, OPTIONS);
    expect(changed(y, out.values)).toEqual([at]);
    expect(Math.abs((out.values[at] as number) - truth(at))).toBeLessThan(12);
  });

  it('cleans nothing when a period has fewer than two cycles, or there is no period', () => {
    const y = BASE.slice(0, 3 * DAY);
    y[50] = 1e6;
    expect(cleanOutliers(y, { periods: [DAY, 7 * DAY], levelWindow: DAY / 2 }).cleaned).toBe(0);
    expect(cleanOutliers(y, { periods: [], levelWindow: DAY / 2 }).cleaned).toBe(0);
    expect(cleanOutliers(y, OPTIONS).cleaned).toBe(1); // the day alone has three cycles
  });

  it('returns a copy of the same length and counts exactly the points it changed', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 120 }), fc.integer({ min: 2, max: 24 }), (y, period) => {
        const before = y.slice();
        const out = cleanOutliers(y, { periods: [period], levelWindow: Math.max(3, period / 2) });
        expect(y).toEqual(before);
        expect(out.values).toHaveLength(y.length);
        expect(changed(y, out.values).length).toBeLessThanOrEqual(out.cleaned);
        expect(out.values.at(-1)).toBe(y.at(-1)); // the last point is never replaced
      }),
      { numRuns: 50 },
    );
  });
});

describe('rollingMedian', () => {
  it('is the centred median, shrinking at the edges (window 3)', () => {
    // [1,5] → 3; [1,5,2] → 2; [5,2,8] → 5; [2,8,3] → 3; [8,3] → 5.5
    expect(rollingMedian([1, 5, 2, 8, 3], 3)).toEqual([3, 2, 5, 3, 5.5]);
  });

  it('is evaluated every w/16 points and held in between (window 32 → stride 2)', () => {
    // x = 0…39, half-window 16: the pair starting at t0 uses the window centred on t0 + 1,
    // clipped to the series, whose median is the middle of its first and last index.
    const x = Array.from({ length: 40 }, (_, i) => i);
    const out = rollingMedian(x, 32);
    expect(out.slice(0, 2)).toEqual([8.5, 8.5]); // centre 1: 0…17
    expect(out.slice(20, 22)).toEqual([21, 21]); // centre 21: 5…37
    expect(out.slice(38)).toEqual([31, 31]); // centre 39: 23…39
  });
});
