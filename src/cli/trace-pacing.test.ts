import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RegularSeries } from '../forecast/series.js';
import { millis } from '../spec/units.js';
import { pacingPlan, positionProblem, rateAt, realMsToEnd, RecentRate, requestsDue, traceEnd, traceTimeAt } from './trace-pacing.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 4, 7, 10);
// Three 1-minute steps at 10, 20 and (a missing row, so still) 20 req/s, then 30.
const series: RegularSeries = { start: millis(T0), stepMs: MIN, values: [10, 20, NaN, 30] };

describe('pacingPlan', () => {
  it('holds the previous value over a missing row and applies the scale', () => {
    const plan = pacingPlan(series, { scale: 0.5, from: T0, speedup: 60 });
    expect(plan.rates).toEqual([5, 10, 10, 15]);
    // prefix: req·s of trace time, rate × 60 s per step.
    expect(plan.prefix).toEqual([0, 300, 900, 1500, 2400]);
    expect(traceEnd(plan)).toBe(T0 + 4 * MIN);
  });
});

describe('trace time and real time', () => {
  const plan = pacingPlan(series, { scale: 1, from: T0 + 30_000, speedup: 60 });

  it.each([
    [0, T0 + 30_000],
    [500, T0 + 60_000],
    [1500, T0 + 120_000],
  ])('after %d real ms the trace is at %d', (elapsed, t) => expect(traceTimeAt(plan, elapsed)).toBe(t));

  it('reaches the end after (end − from) / speedup real ms', () => {
    // 3m30s of trace left at ×60 → 3.5 s.
    expect(realMsToEnd(plan)).toBe(3500);
    expect(realMsToEnd(pacingPlan(series, { scale: 1, from: T0 + 10 * MIN, speedup: 60 }))).toBe(0);
  });

  it.each<[number, number | undefined]>([
    [T0 - 1, undefined],
    [T0, 10],
    [T0 + MIN - 1, 10],
    [T0 + MIN, 20],
    [T0 + 2 * MIN + 5, 20],
    [T0 + 3 * MIN, 30],
    [T0 + 4 * MIN, undefined],
  ])('rateAt(%d) = %s', (t, rate) => expect(rateAt(plan, t)).toBe(rate));

  it.each<[number, 'before-start' | 'after-end' | undefined]>([
    [T0 - 1, 'before-start'],
    [T0, undefined],
    [T0 + 4 * MIN - 1, undefined],
    [T0 + 4 * MIN, 'after-end'],
  ])('positionProblem(%d) = %s', (from, problem) => expect(positionProblem(plan, from)).toBe(problem));
});

describe('requestsDue', () => {
  // From the start at ×60: each trace minute is one real second, so after k seconds the
  // requests due are the sum of the first k per-second rates: 10, 30, 50, 80; half way
  // through the second step 10 + 20/2 = 20.
  const plan = pacingPlan(series, { scale: 1, from: T0, speedup: 60 });
  it.each([
    [0, 0],
    [100, 1],
    [1000, 10],
    [1500, 20],
    [2000, 30],
    [3000, 50],
    [4000, 80],
    [10_000, 80],
    [-5, 0],
  ])('after %d real ms: %d', (elapsed, due) => expect(requestsDue(plan, elapsed)).toBeCloseTo(due, 9));

  it('starting mid-step counts from there, not from the trace start', () => {
    // From 30 s into the first step: 10 req/s for half a real second, then 20 req/s.
    const mid = pacingPlan(series, { scale: 1, from: T0 + 30_000, speedup: 60 });
    expect(requestsDue(mid, 500)).toBeCloseTo(5, 9);
    expect(requestsDue(mid, 1500)).toBeCloseTo(25, 9);
  });

  it('at speedup 1 a 1-minute step of 10 req/s takes a minute and 600 requests', () => {
    const real = pacingPlan(series, { scale: 1, from: T0, speedup: 1 });
    expect(requestsDue(real, MIN)).toBeCloseTo(600, 6);
  });

  it('never decreases, and is the rate × time inside a step (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1000, noNaN: true }), { minLength: 1, maxLength: 20 }),
        fc.double({ min: 0.5, max: 600, noNaN: true }),
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        fc.double({ min: 0, max: 1e5, noNaN: true }),
        (values, speedup, a, b) => {
          const plan = pacingPlan({ start: millis(T0), stepMs: MIN, values }, { scale: 1, from: T0, speedup });
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(requestsDue(plan, hi)).toBeGreaterThanOrEqual(requestsDue(plan, lo) - 1e-6);
          // The whole trace: Σ rate × (60 s / speedup) real seconds.
          const total = values.reduce((s, v) => s + (v * 60) / speedup, 0);
          expect(requestsDue(plan, realMsToEnd(plan) + 1)).toBeCloseTo(total, 3);
        },
      ),
    );
  });
});

describe('RecentRate', () => {
  it('is the count over the last window, and 0 with one sample', () => {
    const r = new RecentRate(5000);
    r.record(0, 0);
    expect(r.rate()).toBe(0);
    r.record(1000, 100);
    expect(r.rate()).toBe(100);
    for (let t = 2000; t <= 10_000; t += 1000) r.record(t, 100 + ((t - 1000) / 1000) * 50);
    // From 5 s to 10 s: 50 per second.
    expect(r.rate()).toBe(50);
  });
});
