// The forecasting entry point end to end (issue 3, "Tests"): per model family, small
// synthetic series with known answers; robustness to gaps, zeros, level shifts, flash
// crowds, constant and too-short histories; 1-minute data fitted at 5 minutes; and the
// invariants every forecast keeps, checked with fast-check on short series. The augurs
// engines are loaded once, as the shell does; the same series also run without them.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadForecastEngines } from '../controller/augurs.js';
import { gaussian } from '../spec/random.js';
import { millis } from '../spec/units.js';
import type { ForecastEngines } from './engines.js';
import { DEFAULT_QUANTILES, fitFactor, forecast, MAX_FIT_POINTS, quantileKey, type Forecast, type ForecastOutcome, type ForecastRequest } from './forecast.js';
import type { RegularSeries } from './series.js';

const MINUTE = 60_000;


const series = (stepMinutes: number, values: readonly number[], start = 0): RegularSeries => ({ start: millis(start), stepMs: stepMinutes * MINUTE, values });
/** `count` points of `truth` plus σ · noise. */
const sample = (count: number, truth: (t: number) => number, sigma: number, seed: number): number[] => {
  const noise = gaussian(seed);
  return Array.from({ length: count }, (_, t) => truth(t) + sigma * noise());
};
const daily = (daySteps: number) => (t: number): number => 100 + 50 * Math.sin((2 * Math.PI * t) / daySteps);
const isWeekend = (t: number, daySteps: number): boolean => Math.floor(t / daySteps) % 7 >= 5;
const mean = (x: readonly number[]): number => x.reduce((s, v) => s + v, 0) / x.length;
const meanAbsError = (f: readonly number[], truth: (h: number) => number): number => mean(f.map((v, h) => Math.abs(v - truth(h))));
const maxAbsDifference = (a: readonly number[], b: readonly number[]): number => Math.max(...a.map((v, i) => Math.abs(v - (b[i] as number))));

function ok(outcome: ForecastOutcome): Forecast {
  if (!outcome.ok) throw new Error(`expected a forecast, got: ${outcome.insufficient.message}`);
  return outcome.forecast;
}

/** What every forecast promises, whatever the series. */
function expectInvariants(f: Forecast, request: ForecastRequest): void {
  const { series: s, horizonSteps } = request;
  const levels = [...new Set(request.quantiles ?? DEFAULT_QUANTILES)].sort((a, b) => a - b);
  const nonNegative = request.nonNegative ?? s.values.every((v) => Number.isNaN(v) || v >= 0);
  expect(f.stepMs).toBe(s.stepMs);
  expect(f.start).toBe(s.start + s.values.length * s.stepMs);
  expect(f.mean).toHaveLength(horizonSteps);
  // Levels that print alike (0.01 and 0.010000000000000002) share one key.
  expect(Object.keys(f.quantiles).sort()).toEqual([...new Set(levels.map(quantileKey))].sort());
  const rows = [f.mean, ...levels.map((q) => f.quantiles[quantileKey(q)] ?? [])];
  for (const row of rows) {
    expect(row).toHaveLength(horizonSteps);
    for (const v of row) {
      expect(Number.isFinite(v)).toBe(true);
      if (nonNegative) expect(v).toBeGreaterThanOrEqual(0);
    }
  }
  for (let h = 0; h < horizonSteps; h++) {
    for (let k = 1; k < levels.length; k++) {
      expect(f.quantiles[quantileKey(levels[k] as number)]?.[h]).toBeGreaterThanOrEqual(f.quantiles[quantileKey(levels[k - 1] as number)]?.[h] as number);
    }
  }
  expect(f.components.reduce((s, c) => s + c.weight, 0)).toBeCloseTo(1, 12);
}

let engines: ForecastEngines;
beforeAll(() => {
  engines = loadForecastEngines();
});

const MODES = [
  { mode: 'with engines', useEngines: true },
  { mode: 'without engines', useEngines: false },
];
/** Runs `forecast`, with the engines when asked, and checks the invariants on the way. */
function run(request: Omit<ForecastRequest, 'engines'>, useEngines: boolean): Forecast {
  const full: ForecastRequest = useEngines ? { ...request, engines } : request;
  const f = ok(forecast(full));
  expectInvariants(f, full);
  return f;
}

describe('forecast: model families on series with known answers', () => {
  it.each(MODES)('a daily sine with noise (5 minutes, 10 days) is forecast to within the noise ($mode)', ({ useEngines }) => {
    const sigma = 5;
    const truth = daily(288);
    const n = 10 * 288;
    const f = run({ series: series(5, sample(n, truth, sigma, 1)), horizonSteps: 288 }, useEngines);
    expect(f.periods).toEqual([288]);
    expect(meanAbsError(f.mean, (h) => truth(n + h))).toBeLessThan(sigma);
    expect(f.notes.some((n) => n.startsWith('no weekly period: history of 10.0 days'))).toBe(true);
    expect(f.notes.includes('mstl-ets not tried: the augurs engine was not provided')).toBe(!useEngines);
    expect(f.backtest.candidates.some((c) => c.model === 'mstl-ets')).toBe(useEngines);
  });

  it.each(MODES)('a weekly pattern (30 minutes, 21 days) gets a weekly model that beats the daily seasonal naive ($mode)', ({ useEngines }) => {
    // Weekends at 40 %; the forecast day is a Monday, the last day a Sunday.
    const truth = (t: number): number => (isWeekend(t, 48) ? 0.4 : 1) * daily(48)(t);
    const n = 21 * 48;
    const values = sample(n, truth, 5, 2);
    const f = run({ series: series(30, values), horizonSteps: 48 }, useEngines);
    expect(f.periods).toEqual([48, 336]);
    expect(f.components.some((c) => /-week(\+level)?$/.test(c.model))).toBe(true);
    const dailySeasonalNaive = values.slice(n - 48);
    const error = meanAbsError(f.mean, (h) => truth(n + h));
    expect(error).toBeLessThan(5);
    expect(error).toBeLessThan(meanAbsError(dailySeasonalNaive, (h) => truth(n + h)) / 5);
  });

  it('a linear trend with a daily season is followed (30 minutes, 14 days, with engines)', () => {
    const sigma = 3;
    const truth = (t: number): number => 100 + 0.2 * t + 30 * Math.sin((2 * Math.PI * t) / 48);
    const n = 14 * 48;
    const values = sample(n, truth, sigma, 3);
    const f = run({ series: series(30, values), horizonSteps: 48 }, true);
    expect(meanAbsError(f.mean, (h) => truth(n + h))).toBeLessThan(sigma);
    // A day later the level is 0.2 · 48 ≈ 9.6 higher: the forecast climbs with it.
    expect(mean(f.mean) - mean(values.slice(n - 48))).toBeGreaterThan(0.8 * 9.6);
    // The seasonal profiles alone copy the last day's level.
    const without = run({ series: series(30, values), horizonSteps: 48 }, false);
    expect(meanAbsError(f.mean, (h) => truth(n + h))).toBeLessThan(meanAbsError(without.mean, (h) => truth(n + h)));
  });
});

describe('forecast: robustness', () => {
  const DAY = 48; // 30-minute steps
  const n = 14 * DAY;
  const truth = daily(DAY);
  const base = sample(n, truth, 5, 4);

  it.each(MODES)('still forecasts across isolated gaps and a 2-hour gap, and counts them ($mode)', ({ useEngines }) => {
    const values = base.slice();
    values[100] = NaN;
    values[400] = NaN;
    for (let t = 500; t < 504; t++) values[t] = NaN;
    values[n - 1] = NaN; // the newest point not yet arrived
    const f = run({ series: series(30, values), horizonSteps: DAY }, useEngines);
    expect(f.fit.imputed).toBe(7);
    expect(f.start).toBe(n * 30 * MINUTE);
    expect(meanAbsError(f.mean, (h) => truth(n + h))).toBeLessThan(5);
  });

  it.each(MODES)('keeps nightly zero traffic non-negative ($mode)', ({ useEngines }) => {
    // Zero from midnight to 6 am, a hump in the day: the band must not dip below zero.
    const noise = gaussian(5);
    const values = Array.from({ length: n }, (_, t) => {
      const phase = t % DAY;
      return phase < 12 ? 0 : Math.max(0, 50 * Math.sin((Math.PI * (phase - 12)) / 36) + 3 * noise());
    });
    const f = run({ series: series(30, values), horizonSteps: DAY }, useEngines);
    expect(Math.min(...f.mean)).toBe(0);
    expect(mean(f.mean.slice(0, 12))).toBeLessThan(2); // the night stays (about) empty
  });

  it.each(MODES)('follows a level shift two days before the end ($mode)', ({ useEngines }) => {
    const values = base.map((v, t) => (t >= n - 2 * DAY ? v + 100 : v));
    const f = run({ series: series(30, values), horizonSteps: DAY }, useEngines);
    expect(mean(f.mean)).toBeGreaterThan(190); // the new level is 200; the old one 100
    expect(mean(f.mean)).toBeLessThan(215);
    expect(f.fit.cleaned).toBe(0);
  });

  it.each(MODES)('does not repeat a flash crowd one week before the forecast window ($mode)', ({ useEngines }) => {
    // 21 days with a weekly pattern; 10× for 2 hours exactly one week before the window, at
    // the hours the forecast starts with — what every weekly model would copy.
    const weekly = (t: number): number => (isWeekend(t, DAY) ? 0.4 : 1) * truth(t);
    const m = 21 * DAY;
    const calm = sample(m, weekly, 5, 6);
    const flash = calm.map((v, t) => (t >= m - 7 * DAY + 10 && t < m - 7 * DAY + 14 ? 10 * v : v));
    const a = run({ series: series(30, calm), horizonSteps: DAY }, useEngines);
    const b = run({ series: series(30, flash), horizonSteps: DAY }, useEngines);
    expect(b.fit.cleaned).toBeGreaterThanOrEqual(4);
    expect(maxAbsDifference(a.mean, b.mean)).toBeLessThan(15); // 3σ; the crowd itself was ~1 400
    expect(maxAbsDifference(a.quantiles['0.99'] ?? [], b.quantiles['0.99'] ?? [])).toBeLessThan(15);
  });

  it.each([
    { what: 'a constant', values: new Array<number>(n).fill(7), value: 7 },
    { what: 'a constant with a gap', values: new Array<number>(n).fill(3).map((v, t) => (t === 50 ? NaN : v)), value: 3 },
    { what: 'all zeros', values: new Array<number>(n).fill(0), value: 0 },
  ])('$what series forecasts itself exactly, with no band', ({ values, value }) => {
    const f = run({ series: series(30, values), horizonSteps: 10, quantiles: [0.1, 0.9] }, true);
    expect(f.model).toBe('constant');
    expect(f.mean).toEqual(new Array<number>(10).fill(value));
    expect(f.quantiles).toEqual({ '0.1': f.mean, '0.9': f.mean });
    expect(f.notes).toContain('the history is constant: it forecasts itself, with no band');
  });

  it('clamps a negative constant at zero when asked to', () => {
    const values = new Array<number>(n).fill(-2);
    expect(run({ series: series(30, values), horizonSteps: 3 }, false).mean).toEqual([-2, -2, -2]);
    expect(run({ series: series(30, values), horizonSteps: 3, nonNegative: true }, false).mean).toEqual([0, 0, 0]);
  });

  it.each([
    {
      what: 'a very short series',
      stepMinutes: 30,
      values: new Array<number>(20).fill(1).map((v, t) => v + t),
      horizon: 10,
      // a day (48) to fit and one window (10) to test on
      expected: { havePoints: 20, needPoints: 58, haveMs: 20 * 30 * MINUTE, needMs: 58 * 30 * MINUTE },
      message: 'history of 20 points (0.42 days) at 30m steps; a forecast needs 58 (1.2 days): one day to learn the daily cycle from and one window to test it on',
    },
    {
      what: 'leading gaps that do not count',
      stepMinutes: 60,
      values: [NaN, NaN, ...Array.from({ length: 30 }, (_, t) => t)],
      horizon: 48,
      // the window is at most a day: 24 + 24
      expected: { havePoints: 30, needPoints: 48, haveMs: 30 * 60 * MINUTE, needMs: 48 * 60 * MINUTE },
      message: 'history of 30 points (1.3 days) at 1h steps; a forecast needs 48 (2.0 days): one day to learn the daily cycle from and one window to test it on',
    },
    {
      what: 'an all-NaN series',
      stepMinutes: 30,
      values: new Array<number>(500).fill(NaN),
      horizon: 10,
      expected: { havePoints: 0, needPoints: 58, haveMs: 0, needMs: 58 * 30 * MINUTE },
      message: 'history of 0 points (0.00 days) at 30m steps; a forecast needs 58 (1.2 days): one day to learn the daily cycle from and one window to test it on',
    },
    {
      what: '1-minute data, counted at 1 minute',
      stepMinutes: 1,
      values: new Array<number>(1000).fill(5),
      horizon: 60,
      // 288 + 12 fitting steps of 5 minutes
      expected: { havePoints: 1000, needPoints: 1500, haveMs: 1000 * MINUTE, needMs: 1500 * MINUTE },
      message: 'history of 1000 points (0.69 days) at 1m steps; a forecast needs 1500 (1.0 days): one day to learn the daily cycle from and one window to test it on',
    },
    {
      what: 'a step that does not divide a day',
      stepMinutes: 7,
      values: Array.from({ length: 12 }, (_, t) => t),
      horizon: 5,
      // no daily cycle: 8 points to fit and one window of 5 to test on
      expected: { havePoints: 12, needPoints: 13, haveMs: 12 * 7 * MINUTE, needMs: 13 * 7 * MINUTE },
      message: 'history of 12 points (0.06 days) at 7m steps; a forecast needs 13 (0.06 days): 8 points to fit and 5 to test on',
    },
  ])('says how much history $what has and needs, without throwing', ({ stepMinutes, values, horizon, expected, message }) => {
    const outcome = forecast({ series: series(stepMinutes, values), horizonSteps: horizon, engines });
    expect(outcome).toEqual({ ok: false, insufficient: { reason: 'insufficient-history', message, ...expected } });
  });

  it.each([
    { what: 'horizon 0', request: { horizonSteps: 0 } },
    { what: 'a negative horizon', request: { horizonSteps: -1 } },
    { what: 'a fractional horizon', request: { horizonSteps: 1.5 } },
    { what: 'quantile 1.5', request: { horizonSteps: 1, quantiles: [0.5, 1.5] } },
    { what: 'quantile 0', request: { horizonSteps: 1, quantiles: [0] } },
    { what: 'quantile 1', request: { horizonSteps: 1, quantiles: [1] } },
    { what: 'quantile NaN', request: { horizonSteps: 1, quantiles: [NaN] } },
    { what: 'zero backtest origins', request: { horizonSteps: 1, backtestOrigins: 0 } },
    { what: 'fractional backtest origins', request: { horizonSteps: 1, backtestOrigins: 2.5 } },
  ])('throws RangeError for $what', ({ request }) => {
    expect(() => forecast({ series: series(30, base), ...request })).toThrow(RangeError);
  });

  it('throws RangeError for a step that is not positive', () => {
    expect(() => forecast({ series: { start: millis(0), stepMs: 0, values: base }, horizonSteps: 1 })).toThrow(RangeError);
  });

  it('caps a long history at the last MAX_FIT_POINTS fitting points, and says so', () => {
    const long = sample(MAX_FIT_POINTS + 500, daily(DAY), 5, 7);
    const f = run({ series: series(30, long), horizonSteps: 4 }, false);
    expect(f.fit.points).toBe(MAX_FIT_POINTS);
    expect(f.notes).toContain(`history capped to the last ${(MAX_FIT_POINTS / DAY).toFixed(1)} days (${MAX_FIT_POINTS} fitting points)`);
  });
});

describe('forecast: 1-minute data', () => {
  it('fits at 5 minutes and answers at 1 minute', () => {
    expect([1, 2, 5, 10].map((m) => fitFactor(m * MINUTE))).toEqual([5, 1, 1, 1]);
    expect(fitFactor(30_000)).toBe(10);
    // 4 days (not 3: a daily cycle needs four to clear the autocorrelation test), plus 2
    // minutes that do not fill a 5-minute bucket and are dropped from the start.
    const truth = daily(1440);
    const n = 4 * 1440 + 2;
    const request = { series: series(1, sample(n, truth, 5, 8), 1_000), horizonSteps: 93 };
    const f = run(request, true);
    expect(f.fit.aggregated?.factor).toBe(5);
    expect(f.fit.aggregated?.reason).toMatch(/^1m steps averaged to 5m for fitting/);
    expect(f.fit.stepMs).toBe(5 * MINUTE);
    expect(f.fit.points).toBe(4 * 288);
    expect(f.stepMs).toBe(MINUTE);
    expect(f.start).toBe(1_000 + n * MINUTE);
    expect(f.mean).toHaveLength(93);
    expect(f.periods).toEqual([1440]);
    expect(f.backtest.horizonSteps % 5).toBe(0);
    expect(f.backtest.scaledBy).toBe('seasonal naive, period 1440');
    expect(meanAbsError(f.mean, (h) => truth(n + h))).toBeLessThan(5);
    // Each 5-minute value stands for its five minutes.
    for (let i = 0; i + 5 <= 93; i += 5) expect(new Set(f.mean.slice(i, i + 5)).size).toBe(1);
  });
});

describe('forecast: properties', () => {
  const shape = fc.record({
    stepMinutes: fc.constantFrom(30, 60),
    days: fc.integer({ min: 2, max: 5 }),
    level: fc.double({ min: 0, max: 1000, noNaN: true }),
    amplitude: fc.double({ min: 0, max: 1, noNaN: true }),
    noise: fc.double({ min: 0, max: 0.3, noNaN: true }),
    seed: fc.integer({ min: 0, max: 1000 }),
    gaps: fc.array(fc.integer({ min: 1, max: 240 }), { maxLength: 6 }), // not the first point: 2 days must stay 2 days
    zerosAtNight: fc.boolean(),
    horizon: fc.integer({ min: 1, max: 60 }),
    quantiles: fc.option(fc.uniqueArray(fc.double({ min: 0.01, max: 0.99, noNaN: true }), { minLength: 1, maxLength: 4 }), { nil: undefined }),
    useEngines: fc.boolean(),
  });

  it('keeps its promises: length, finite, non-negative, ordered quantiles, start after the last point', () => {
    fc.assert(
      fc.property(shape, (c) => {
        const daySteps = (24 * 60) / c.stepMinutes;
        const noise = gaussian(c.seed);
        const values = Array.from({ length: c.days * daySteps }, (_, t) => {
          if (c.zerosAtNight && t % daySteps < daySteps / 4) return 0;
          return Math.max(0, c.level * (1 + c.amplitude * Math.sin((2 * Math.PI * t) / daySteps) + c.noise * noise()));
        });
        for (const g of c.gaps) if (g < values.length) values[g] = NaN;
        const request: ForecastRequest = {
          series: series(c.stepMinutes, values, 5_000),
          horizonSteps: c.horizon,
          ...(c.quantiles !== undefined && { quantiles: c.quantiles }),
          ...(c.useEngines && { engines }),
        };
        expectInvariants(ok(forecast(request)), request);
      }),
      { numRuns: 20 },
    );
  });

  it('forecasts a constant series as itself', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.integer({ min: 2 * 24 + 8, max: 5 * 24 }), // two days (hourly) after up to 5 leading gaps
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 47 }), { maxLength: 5 }),
        (value, length, horizon, gaps) => {
          const values = new Array<number>(length).fill(value);
          for (const g of gaps) values[g] = NaN;
          const f = run({ series: series(60, values), horizonSteps: horizon }, true);
          expect(f.model).toBe('constant');
          expect(f.mean).toHaveLength(horizon);
          expect(f.mean.every((v) => v === value)).toBe(true); // −0 comes back as 0, which is fine
          for (const q of DEFAULT_QUANTILES) expect(f.quantiles[quantileKey(q)]).toEqual(f.mean);
        },
      ),
      { numRuns: 20 },
    );
  });
});
