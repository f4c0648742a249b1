// The forecast's maximum over the planning window: closed interval, truncated at the end of
// the forecast, NaN steps skipped, and stale or future forecasts refused.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { millis } from '../spec/units.js';
import { forecastMax } from './forecast-window.js';

const f = (values: number[], start = 0, stepMs = 60_000) => ({ start: millis(start), stepMs, values });

describe('forecastMax', () => {
  it.each([
    { what: 'the worked example', values: [100, 300, 200, 900], from: 0, to: 130_000, expected: { kind: 'covered', load: 300, truncated: false } },
    { what: 'a rise inside the window is seen', values: [100, 100, 800, 100], from: 30_000, to: 150_000, expected: { kind: 'covered', load: 800, truncated: false } },
    { what: 'the end is closed: a step starting exactly at `to` counts', values: [100, 500], from: 0, to: 60_000, expected: { kind: 'covered', load: 500, truncated: false } },
    { what: 'a step ending exactly at `from` does not', values: [900, 100, 100], from: 60_000, to: 100_000, expected: { kind: 'covered', load: 100, truncated: false } },
    { what: 'truncated at the end of the forecast', values: [100, 200], from: 90_000, to: 500_000, expected: { kind: 'covered', load: 200, truncated: true } },
    { what: 'NaN steps are skipped', values: [NaN, 50, NaN], from: 0, to: 179_000, expected: { kind: 'covered', load: 50, truncated: false } },
    { what: 'negative values read as 0', values: [-5, -2], from: 0, to: 10_000, expected: { kind: 'covered', load: 0, truncated: false } },
  ])('$what', ({ values, from, to, expected }) => {
    expect(forecastMax(f(values), from, to)).toEqual(expected);
  });

  it.each([
    { what: 'starts after now', forecast: f([1, 2], 60_000), from: 0, why: 'forecast covers [60000, 180000) ms, not now (0)' },
    { what: 'ended before now', forecast: f([1, 2]), from: 120_000, why: 'forecast covers [0, 120000) ms, not now (120000)' },
    { what: 'empty', forecast: f([]), from: 0, why: 'forecast covers [0, 0) ms, not now (0)' },
    { what: 'only NaN', forecast: f([NaN, NaN]), from: 0, why: 'forecast has no value between 0 and 10000 ms' },
    { what: 'zero step', forecast: f([1], 0, 0), from: 0, why: 'forecast has an invalid grid (start 0, step 0 ms)' },
  ])('uncovered: $what', ({ forecast, from, why }) => {
    expect(forecastMax(forecast, from, from + 10_000)).toEqual({ kind: 'uncovered', why });
  });

  it('is the max of the steps that intersect [from, to], and grows with the window', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 30 }), fc.nat(), fc.nat(), (values, a, b) => {
        const stepMs = 1000;
        const from = a % (values.length * stepMs);
        const to = from + (b % 20_000);
        const w = forecastMax(f(values, 0, stepMs), from, to);
        const last = Math.min(values.length - 1, Math.floor(to / stepMs));
        const expected = Math.max(...values.slice(Math.floor(from / stepMs), last + 1));
        expect(w).toMatchObject({ kind: 'covered', load: expected });
        const wider = forecastMax(f(values, 0, stepMs), from, to + stepMs);
        expect(wider.kind === 'covered' && wider.load >= expected).toBe(true);
      }),
    );
  });
});
