// MSTL + AutoETS and the non-seasonal AutoETS. The plumbing (periods passed, coarsening and
// its way back to the fine step, errors and absent engines) is checked against a fake engine
// with a known answer; the real augurs engines, loaded once as the shell does, check that a
// daily season with a trend is followed.
import type { MSTL } from '@bsull/augurs/mstl';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadForecastEngines } from '../controller/augurs.js';
import { gaussian } from '../spec/random.js';
import type { ForecastEngines } from './engines.js';
import { autoEtsNonSeasonal, ETS_TAIL, MSTL_COARSEN, mstlEts, periodsWithTwoCycles } from './mstl-ets.js';

const meanAbsError = (f: readonly number[], truth: (i: number) => number): number => f.reduce((s, v, i) => s + Math.abs(v - truth(i)), 0) / f.length;

/** A stand-in for augurs' MSTL that records what it was given and answers with `answer`. */
class FakeMstl {
  fitted: number[] = [];
  asked: number[] = [];
  freed = false;
  constructor(
    readonly periods: number[],
    private readonly answer: (y: readonly number[], horizon: number) => number[],
  ) {}
  fit(y: number[] | Float64Array): void {
    this.fitted = Array.from(y);
  }
  predict(horizon: number): { point: number[]; intervals: undefined } {
    this.asked.push(horizon);
    return { point: this.answer(this.fitted, horizon), intervals: undefined };
  }
  free(): void {
    this.freed = true;
  }
}

function fakeEngines(answer: (y: readonly number[], horizon: number) => number[]): { engines: ForecastEngines; models: FakeMstl[] } {
  const models: FakeMstl[] = [];
  const ets = (periods: number[] | Uint32Array): MSTL => {
    const model = new FakeMstl(Array.from(periods), answer);
    models.push(model);
    return model as unknown as MSTL; // only fit, predict and free are used
  };
  return { engines: { mstl: { ets } }, models };
}

/** Continues the fitted series as a straight line through its last two points. */
const lineAnswer = (y: readonly number[], h: number): number[] => {
  const last = y[y.length - 1] as number;
  const slope = last - (y[y.length - 2] as number);
  return Array.from({ length: h }, (_, j) => last + slope * (j + 1));
};

describe('periodsWithTwoCycles', () => {
  it.each([
    { periods: [24, 168], length: 336, expected: [24, 168] },
    { periods: [24, 168], length: 335, expected: [24] },
    { periods: [24, 168], length: 47, expected: [] },
    { periods: [1, 24], length: 100, expected: [24] }, // a period of 1 is no season
    { periods: [], length: 100, expected: [] },
  ])('$periods in $length points → $expected', ({ periods, length, expected }) => {
    expect(periodsWithTwoCycles(periods, length)).toEqual(expected);
  });
});

describe('mstlEts with a fake engine', () => {
  const line = (n: number): number[] => Array.from({ length: n }, (_, t) => t);

  it('is undefined without the engine', () => {
    expect(mstlEts({}, line(100), [24], 5)).toBeUndefined();
  });

  it('is undefined, without fitting, when no period has two cycles', () => {
    const { engines, models } = fakeEngines(lineAnswer);
    expect(mstlEts(engines, line(47), [24], 5)).toBeUndefined();
    expect(models).toHaveLength(0);
  });

  it('fits the usable periods on the series as given when not coarsening', () => {
    const { engines, models } = fakeEngines(lineAnswer);
    expect(mstlEts(engines, line(100), [24, 168], 4, 24)).toEqual([100, 101, 102, 103]);
    expect(models.map((m) => ({ periods: m.periods, fitted: m.fitted.length, asked: m.asked, freed: m.freed }))).toEqual([{ periods: [24], fitted: 100, asked: [4], freed: true }]);
  });

  it.each([
    { what: 'a whole number of buckets', n: 600, horizon: 10 },
    { what: 'a partial bucket dropped at the start', n: 601, horizon: 10 },
    { what: 'a horizon of whole buckets', n: 602, horizon: 9 },
    { what: 'one step', n: 600, horizon: 1 },
  ])('coarsens 5-minute data by MSTL_COARSEN and continues a straight line exactly ($what)', ({ n, horizon }) => {
    // daySteps 288 > 96: fitted on means of MSTL_COARSEN steps (period 288 → 48). The coarse forecast
    // of a line is the line's bucket means; back at the fine step it must be the line itself,
    // n, n + 1, … — each coarse mean sits at its bucket's centre, not at its end.
    const { engines, models } = fakeEngines(lineAnswer);
    const f = mstlEts(engines, line(n), [288], horizon, 288) ?? [];
    expect(f.map((v) => +v.toFixed(9))).toEqual(Array.from({ length: horizon }, (_, h) => n + h));
    const model = models[0] as FakeMstl;
    expect(model.periods).toEqual([288 / MSTL_COARSEN]);
    expect(model.fitted).toHaveLength(Math.floor(n / MSTL_COARSEN));
    expect(model.fitted.at(-1)).toBe(n - 1 - (MSTL_COARSEN - 1) / 2); // the last bucket ends at the last point
    expect(model.freed).toBe(true);
  });

  it('does not coarsen when a period is not a multiple of MSTL_COARSEN or the day is short', () => {
    const { engines, models } = fakeEngines(lineAnswer);
    mstlEts(engines, line(600), [200], 5, 288);
    mstlEts(engines, line(600), [96], 5, 96);
    expect(models.map((m) => [m.periods, m.fitted.length])).toEqual([
      [[200], 600],
      [[96], 600],
    ]);
  });

  const wasmError: unknown = 'augurs: fit failed'; // augurs' WASM throws strings, not Errors
  it.each([
    {
      what: 'the engine throws',
      answer: (): number[] => {
        throw wasmError;
      },
    },
    { what: 'the forecast is not finite', answer: (_: readonly number[], h: number): number[] => new Array<number>(h).fill(NaN) },
  ])('is undefined when $what, and frees the model', ({ answer }) => {
    const { engines, models } = fakeEngines(answer);
    expect(mstlEts(engines, line(100), [24], 5)).toBeUndefined();
    expect(models[0]?.freed).toBe(true);
  });
});

describe('autoEtsNonSeasonal without an engine', () => {
  it('is undefined', () => {
    expect(autoEtsNonSeasonal({}, [1, 2, 3, 4, 5], 3)).toBeUndefined();
  });
});

describe('with the augurs engines', () => {
  let engines: ForecastEngines;
  beforeAll(() => {
    engines = loadForecastEngines();
  });

  it('follows a daily sine with a trend (hourly, 14 days) to within the noise', () => {
    const sigma = 2;
    const noise = gaussian(11);
    const truth = (t: number): number => 100 + 0.1 * t + 30 * Math.sin((2 * Math.PI * t) / 24);
    const n = 14 * 24;
    const y = Array.from({ length: n }, (_, t) => truth(t) + sigma * noise());
    const f = mstlEts(engines, y, [24], 24, 24) ?? [];
    expect(f).toHaveLength(24);
    expect(meanAbsError(f, (h) => truth(n + h))).toBeLessThan(sigma);
  });

  it('gives the requested length through the coarsening path (5 minutes, 3 days)', () => {
    const noise = gaussian(12);
    const truth = (t: number): number => 100 + 50 * Math.sin((2 * Math.PI * t) / 288);
    const n = 3 * 288 + 1; // not a whole number of buckets
    const y = Array.from({ length: n }, (_, t) => truth(t) + 3 * noise());
    const f = mstlEts(engines, y, [288], 100, 288) ?? [];
    expect(f).toHaveLength(100);
    expect(f.every(Number.isFinite)).toBe(true);
    expect(meanAbsError(f, (h) => truth(n + h))).toBeLessThan(3);
  });

  it('forecasts a level series at its level (non-seasonal AutoETS)', () => {
    const noise = gaussian(13);
    const y = Array.from({ length: 2 * ETS_TAIL }, () => 50 + noise());
    const f = autoEtsNonSeasonal(engines, y, 12) ?? [];
    expect(f).toHaveLength(12);
    for (const v of f) expect(Math.abs(v - 50)).toBeLessThan(0.5);
    expect(autoEtsNonSeasonal(engines, [1, 2, 3], 2)).toBeUndefined(); // fewer than 4 points
  });

  it('gives finite forecasts of the requested length or undefined, never throws', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 0, maxLength: 80 }), fc.integer({ min: 1, max: 30 }), (y, h) => {
        for (const f of [mstlEts(engines, y, [12], h, 12), autoEtsNonSeasonal(engines, y, h)]) {
          if (f === undefined) continue;
          expect(f).toHaveLength(h);
          expect(f.every(Number.isFinite)).toBe(true);
        }
      }),
      { numRuns: 30 },
    );
  });
});
