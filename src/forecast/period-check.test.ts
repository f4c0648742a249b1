// Confirming the day and the week from the data: clear cycles are kept, noise is not, and a
// week is only kept when it adds something beyond the daily cycle.
import { describe, expect, it } from 'vitest';
import { gaussian } from '../spec/random.js';
import { confirmPeriods, shortHistoryCheck } from './period-check.js';
import type { SeasonalPeriod } from './periods.js';


const HOURLY: SeasonalPeriod[] = [
  { name: 'day', steps: 24 },
  { name: 'week', steps: 168 },
];
const dailySine = (t: number, daySteps: number): number => 100 + 50 * Math.sin((2 * Math.PI * t) / daySteps);
const weekend = (t: number): boolean => Math.floor(t / 24) % 7 >= 5;

describe('confirmPeriods', () => {
  it('confirms nothing when there is nothing to confirm', () => {
    expect(confirmPeriods([1, 2, 3], [])).toEqual({ confirmed: [], rejected: [] });
  });

  it.each([
    { step: 'hourly', daySteps: 24, days: 7 },
    { step: '5-minute', daySteps: 288, days: 5 },
  ])('confirms the day of a pure daily sine ($step, $days days)', ({ daySteps, days }) => {
    const y = Array.from({ length: days * daySteps }, (_, t) => dailySine(t, daySteps));
    expect(confirmPeriods(y, [{ name: 'day', steps: daySteps }])).toEqual({ confirmed: [{ name: 'day', steps: daySteps }], rejected: [] });
  });

  it.each([1, 2, 3])('confirms nothing in white noise (seed %i, 21 days hourly)', (seed) => {
    const noise = gaussian(seed);
    const y = Array.from({ length: 21 * 24 }, () => 100 + 10 * noise());
    const check = confirmPeriods(y, HOURLY);
    expect(check.confirmed).toEqual([]);
    expect(check.rejected.map((r) => r.name)).toEqual(['day', 'week']);
    for (const r of check.rejected) expect(r.reason).toMatch(/within the 90 % limit/);
  });

  it('confirms the week when weekends are lower (21 days hourly)', () => {
    const noise = gaussian(4);
    const y = Array.from({ length: 21 * 24 }, (_, t) => (weekend(t) ? 0.5 : 1) * dailySine(t, 24) + 5 * noise());
    expect(confirmPeriods(y, HOURLY)).toEqual({ confirmed: HOURLY, rejected: [] });
  });

  it('does not confirm the week of a daily pattern repeated every day, and says why', () => {
    // 35 days, so that the week's autocorrelation clears the limit and the day-vs-week
    // comparison is what decides: a week ago is no closer to now than a day ago. One day's
    // values repeated exactly (sin(2πt/24) for large t differs from t − 24 in the last bits,
    // and the comparison would then be decided by rounding).
    const oneDay = Array.from({ length: 24 }, (_, h) => dailySine(h, 24));
    const y = Array.from({ length: 35 * 24 }, (_, t) => oneDay[t % 24] as number);
    const check = confirmPeriods(y, HOURLY);
    expect(check.confirmed).toEqual([{ name: 'day', steps: 24 }]);
    expect(check.rejected).toHaveLength(1);
    expect(check.rejected[0]?.name).toBe('week');
    expect(check.rejected[0]?.reason).toMatch(/no weekly pattern beyond the daily one/);
  });

  it('does not confirm the week of a daily sine over 21 days (3 weeks: the short-history test passes, the day-vs-week margin rejects)', () => {
    const y = Array.from({ length: 21 * 24 }, (_, t) => dailySine(t, 24));
    const check = confirmPeriods(y, HOURLY);
    expect(check.confirmed).toEqual([{ name: 'day', steps: 24 }]);
    expect(check.rejected[0]?.reason).toMatch(/the week must be 10 % closer\): no weekly pattern beyond the daily one$/);
  });

  it('rejects a week by the M4 limit when the short-history test does not apply (28 days of noise around a daily sine)', () => {
    const noise = gaussian(9);
    const y = Array.from({ length: 28 * 24 }, (_, t) => dailySine(t, 24) + 40 * noise());
    const check = confirmPeriods(y, HOURLY);
    expect(check.confirmed).not.toContainEqual({ name: 'week', steps: 168 });
  });
});

describe('short histories (under SHORT_HISTORY_CYCLES cycles)', () => {
  const DAY = [{ name: 'day', steps: 288 }] as const;
  it.each([2, 3])('confirms the day of a noisy daily sine over %i days', (days) => {
    const noise = gaussian(7);
    const y = Array.from({ length: days * 288 }, (_, t) => dailySine(t, 288) + 5 * noise());
    expect(confirmPeriods(y, DAY).confirmed).toEqual(DAY);
  });

  it.each([1, 2, 3])('does not confirm a day in a random walk over 3 days (seed %i)', (seed) => {
    const noise = gaussian(seed);
    let level = 100;
    const y = Array.from({ length: 3 * 288 }, () => (level += noise()));
    const check = confirmPeriods(y, DAY);
    expect(check.confirmed).toEqual([]);
    expect(check.rejected[0]?.reason).toMatch(/with under 4 cycles/);
  });

  it.each([1, 2, 3])('does not confirm a day in white noise over 2 days (seed %i)', (seed) => {
    const noise = gaussian(seed);
    const y = Array.from({ length: 2 * 288 }, () => 100 + noise());
    expect(confirmPeriods(y, DAY).confirmed).toEqual([]);
  });

  it('gives the short-history numbers in the reason', () => {
    const check = shortHistoryCheck([1, 2, 3, 4, 5, 6, 7, 8], 4);
    // A straight line: one cycle ago correlates perfectly but is further than half a cycle ago.
    expect(check.confirmed).toBe(false);
    expect(check.reason).toMatch(/correlation with one cycle ago 1\.000.*distance to one cycle ago 4\.000 vs half a cycle ago 2\.000/);
  });
});
