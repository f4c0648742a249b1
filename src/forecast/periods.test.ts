// Seasonal periods from the step and history length: worked cases from issue 3 as a table,
// and the two-cycle rule as a property.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, WEEK } from '../spec/duration.js';
import { seasonalPeriods } from './periods.js';

describe('seasonalPeriods', () => {
  it.each([
    { what: '14 days at 5 min', step: 5 * MINUTE, length: 4032, periods: [{ name: 'day', steps: 288 }, { name: 'week', steps: 2016 }] },
    { what: '14 days at 1 min', step: MINUTE, length: 20160, periods: [{ name: 'day', steps: 1440 }, { name: 'week', steps: 10080 }] },
    { what: '30 min, 7 months', step: 30 * MINUTE, length: 10320, periods: [{ name: 'day', steps: 48 }, { name: 'week', steps: 336 }] },
    { what: '3 days at 5 min', step: 5 * MINUTE, length: 864, periods: [{ name: 'day', steps: 288 }] },
    { what: 'hourly, M4-sized', step: HOUR, length: 700, periods: [{ name: 'day', steps: 24 }, { name: 'week', steps: 168 }] },
    { what: 'daily step: a 1-step day is no season', step: DAY, length: 30, periods: [{ name: 'week', steps: 7 }] },
  ])('$what', ({ step, length, periods }) => {
    const result = seasonalPeriods(step, length);
    expect(result.kind).toBe('found');
    expect(result.periods).toEqual(periods);
  });

  it.each([
    { step: 5 * MINUTE, length: 500, reason: 'history of 1.7 days: a daily period needs 2 days' },
    { step: 7 * MINUTE, length: 10_000, reason: 'a step of 7m does not divide a day into whole steps' },
    { step: 7 * HOUR, length: 1000, reason: 'a step of 7h does not divide a day into whole steps' }, // though 24 steps make a week
    { step: 0, length: 10, reason: 'a step of 0s does not divide a day into whole steps' },
    { step: 5 * MINUTE, length: 0, reason: 'history of 0.0 days: a daily period needs 2 days' },
  ])('none: $reason', ({ step, length, reason }) => {
    const result = seasonalPeriods(step, length);
    expect(result).toMatchObject({ kind: 'none', periods: [], reason });
  });

  it('says why the week was dropped when only the day is kept', () => {
    expect(seasonalPeriods(5 * MINUTE, 864).skipped).toEqual([{ name: 'week', reason: 'history of 3.0 days: a weekly period needs 14 days' }]);
  });

  it('keeps a period exactly when the step divides a day, the period is ≥ 2 steps and two cycles fit', () => {
    const steps = [MINUTE, 5 * MINUTE, 7 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 7 * HOUR, DAY, 90_000];
    fc.assert(
      fc.property(fc.constantFrom(...steps), fc.integer({ min: 0, max: 50_000 }), (step, length) => {
        const result = seasonalPeriods(step, length);
        for (const [name, ms] of [['day', DAY], ['week', WEEK]] as const) {
          const n = ms / step;
          const usable = Number.isInteger(DAY / step) && n >= 2 && length >= 2 * n;
          expect(result.periods.some((p) => p.name === name && p.steps === n)).toBe(usable);
          expect(result.skipped.some((p) => p.name === name)).toBe(!usable);
        }
        expect(result.kind === 'none').toBe(result.periods.length === 0);
      }),
    );
  });
});
