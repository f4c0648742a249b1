import { describe, expect, it } from 'vitest';
import { m4Split, periodsWithCycles, stepsPerDay, traceOrigins } from './origins.js';

describe('m4Split', () => {
  const values = Array.from({ length: 10 }, (_, i) => i + 1); // 1..10
  it.each([
    { split: 'report' as const, fit: [1, 2, 3, 4, 5, 6, 7], test: [8, 9, 10] },
    { split: 'tune' as const, fit: [1, 2, 3, 4], test: [5, 6, 7] },
  ])('$split: fit $fit, test $test (h = 3)', ({ split, fit, test }) => {
    expect(m4Split(values, split, 3)).toEqual({ fit, test });
  });
  it('tune never includes a point report scores', () => {
    const report = m4Split(values, 'report', 3);
    const tune = m4Split(values, 'tune', 3);
    expect(tune?.fit.concat(tune.test).some((v) => report?.test.includes(v))).toBe(false);
  });
  it.each([
    { n: 6, split: 'report' as const, ok: true },
    { n: 3, split: 'report' as const, ok: false },
    { n: 7, split: 'tune' as const, ok: true },
    { n: 6, split: 'tune' as const, ok: false },
  ])('n = $n, $split: usable = $ok (h = 3, one history point needed)', ({ n, split, ok }) => {
    expect(m4Split(Array.from({ length: n }, (_, i) => i), split, 3) !== undefined).toBe(ok);
  });
  it('defaults to the M4 hourly horizon of 48', () => {
    const cut = m4Split(Array.from({ length: 700 }, (_, i) => i), 'report');
    expect(cut?.fit.length).toBe(652);
    expect(cut?.test.length).toBe(48);
  });
});

describe('stepsPerDay', () => {
  it.each([
    { stepMs: 300_000, day: 288 },
    { stepMs: 1_800_000, day: 48 },
    { stepMs: 3_600_000, day: 24 },
  ])('$stepMs ms → $day steps', ({ stepMs, day }) => {
    expect(stepsPerDay(stepMs)).toBe(day);
  });
  it('refuses a step that does not divide a day', () => {
    expect(() => stepsPerDay(7 * 60_000)).toThrow(RangeError);
  });
});

describe('traceOrigins', () => {
  const step = 8_640_000; // a day is 10 steps
  it('report: an origin at each of the last 7 day boundaries, oldest first, one day ahead', () => {
    const plan = traceOrigins(100, step, { split: 'report' });
    expect(plan.day).toBe(10);
    expect(plan.week).toBe(70);
    expect(plan.origins.map((o) => o.origin)).toEqual([30, 40, 50, 60, 70, 80, 90]);
    expect(plan.origins.map((o) => o.k)).toEqual([7, 6, 5, 4, 3, 2, 1]);
    expect(plan.origins.at(-1)).toEqual({ k: 1, origin: 90, fitStart: 0, end: 100 });
    expect(plan.skipped).toEqual([]);
  });
  it('fits on at most fitDays days before the origin', () => {
    const plan = traceOrigins(300, step, { split: 'report' });
    expect(plan.origins[0]).toEqual({ k: 7, origin: 230, fitStart: 90, end: 240 });
    expect(plan.origins.every((o) => o.origin - o.fitStart === 140)).toBe(true);
    expect(traceOrigins(300, step, { split: 'report', fitDays: 3 }).origins[0]?.fitStart).toBe(200);
  });
  it.each([
    // n, split → origins kept, skipped count
    { n: 100, split: 'report' as const, kept: [30, 40, 50, 60, 70, 80, 90], skipped: 0 },
    { n: 78, split: 'report' as const, kept: [28, 38, 48, 58, 68], skipped: 2 },
    { n: 100, split: 'tune' as const, kept: [20], skipped: 6 },
    { n: 89, split: 'tune' as const, kept: [], skipped: 7 },
    { n: 240, split: 'tune' as const, kept: [100, 110, 120, 130, 140, 150, 160], skipped: 0 },
  ])('n = $n, $split → origins $kept, $skipped skipped (< 2 days of history)', ({ n, split, kept, skipped }) => {
    const plan = traceOrigins(n, step, { split });
    expect(plan.origins.map((o) => o.origin)).toEqual(kept);
    expect(plan.skipped.length).toBe(skipped);
    expect(plan.usable).toBe(split === 'report' ? n : n - 70);
  });
  it('tune scores only points before the last week, so it never sees a report point', () => {
    const report = traceOrigins(240, step, { split: 'report' });
    const tune = traceOrigins(240, step, { split: 'tune' });
    const firstReportPoint = Math.min(...report.origins.map((o) => o.origin));
    expect(Math.max(...tune.origins.map((o) => o.end))).toBeLessThanOrEqual(firstReportPoint);
  });
  it('the 7.8-day Alibaba trace at 5 minutes: 5 origins on report, none on tune', () => {
    expect(traceOrigins(2243, 300_000, { split: 'report' }).origins.length).toBe(5);
    expect(traceOrigins(2243, 300_000, { split: 'tune' }).origins.length).toBe(0);
  });
});

describe('periodsWithCycles', () => {
  it.each([
    { n: 4032, want: [288, 2016] },
    { n: 4031, want: [288] },
    { n: 576, want: [288] },
    { n: 575, want: [] },
  ])('[288, 2016] with $n points → $want', ({ n, want }) => {
    expect(periodsWithCycles([288, 2016], n)).toEqual(want);
  });
});
