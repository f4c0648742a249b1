// Adaptive headroom: the arithmetic on hand-worked numbers (ratio floor, bins, decay,
// quantile, level smoothing, the provisioned load and its window), then the properties the
// planner relies on: monotone in the observed load, bounded state, plain JSON.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { millis } from '../spec/units.js';
import {
  adaptiveLoad,
  addScore,
  binOf,
  emptyHeadroom,
  HALF_LIFE_MS,
  HIST_BINS,
  histQuantile,
  LEVEL_WEIGHT,
  logRatio,
  MAX_LOG_SCALE,
  MAX_PENDING,
  observe,
  type HeadroomState,
} from './headroom.js';

const MIN = 60_000;
const flat = (v: number, n = 60) => ({ start: millis(0), stepMs: MIN, values: new Array<number>(n).fill(v) });

describe('logRatio and bins', () => {
  it.each([
    { a: 100, b: 100, floor: 1, want: 0 },
    { a: 0, b: 0, floor: 5, want: 0 }, // the floor keeps 0 / 0 finite
    { a: 199, b: 99, floor: 1, want: Math.log(2) },
  ])('log(($a + $floor) / ($b + $floor)) = $want', ({ a, b, floor, want }) => {
    expect(logRatio(a, b, floor)).toBeCloseTo(want, 12);
  });

  it.each([
    { score: -5, bin: 0 },
    { score: -2, bin: 0 },
    { score: 0, bin: 40 },
    { score: 0.049, bin: 40 },
    { score: 0.051, bin: 41 }, // (0.05 itself is 40.999… bins above −2 in doubles: bin 40)
    { score: 1.99, bin: 79 },
    { score: 9, bin: HIST_BINS - 1 },
  ])('score $score → bin $bin', ({ score, bin }) => {
    expect(binOf(score)).toBe(bin);
  });
});

describe('decaying histogram', () => {
  it('halves the old weights after one half-life', () => {
    const a = addScore(addScore(null, 0, millis(0)), 0, millis(0));
    expect(a.weights[40]).toBe(2);
    const b = addScore(a, 0.1, millis(HALF_LIFE_MS));
    expect(b.weights[40]).toBeCloseTo(1, 12);
    expect(b.weights[42]).toBe(1);
    expect(b.at).toBe(HALF_LIFE_MS);
  });

  it('an earlier instant decays nothing (time is given, never read)', () => {
    const a = addScore(null, 0, millis(1000));
    expect(addScore(a, 0, millis(0)).weights[40]).toBe(2);
  });

  it('the quantile is the upper edge of the bin where the cumulative weight reaches q', () => {
    // 10 in bin 40 ([0, 0.05)), 30 in bin 42 ([0.1, 0.15)): q 0.25 → 10 of 40 in bin 40 → 0.05;
    // q 0.5 → 20 of 40 is reached in bin 42 → 0.15.
    const w = new Array<number>(HIST_BINS).fill(0);
    w[40] = 10;
    w[42] = 30;
    expect(histQuantile(w, 0.25)).toBeCloseTo(0.05, 12);
    expect(histQuantile(w, 0.5)).toBeCloseTo(0.15, 12);
  });

  it('too little weight: no quantile yet', () => {
    const w = new Array<number>(HIST_BINS).fill(0);
    w[40] = 29;
    expect(histQuantile(w, 0.5)).toBeUndefined();
  });
});

describe('observe and adaptiveLoad', () => {
  it('a fresh state provisions like the forecaster’s band: scale = quantile / median at now', () => {
    // median 100, quantile 150, floor 0 → scale 1.5; level 1 → 150.
    const a = adaptiveLoad(emptyHeadroom(), { now: millis(0), tickMs: MIN, bufferMs: 3 * MIN, median: flat(100), quantileForecast: flat(150), floor: 1e-9 });
    expect(a.kind).toBe('covered');
    if (a.kind !== 'covered') return;
    expect(a.load).toBeCloseTo(150, 6);
    expect(a.state.expected).toEqual({ at: 0, median: 100 });
    expect(a.state.pending).toEqual([{ at: 3 * MIN, load: 100 }]);
  });

  it('the window is [now, now + buffer): a rise at now + buffer is the next tick’s to cover', () => {
    const median = { start: millis(0), stepMs: MIN, values: [100, 100, 100, 900, 900] };
    const a = adaptiveLoad({ ...emptyHeadroom(), logScale: 0 }, { now: millis(0), tickMs: MIN, bufferMs: 3 * MIN, median, floor: 1 });
    expect(a.kind === 'covered' && a.median).toBe(100);
    const b = adaptiveLoad({ ...emptyHeadroom(), logScale: 0 }, { now: millis(MIN), tickMs: MIN, bufferMs: 3 * MIN, median, floor: 1 });
    expect(b.kind === 'covered' && b.median).toBe(900);
  });

  it('no median at now: says why', () => {
    const a = adaptiveLoad(emptyHeadroom(), { now: millis(-MIN), tickMs: MIN, bufferMs: 3 * MIN, median: flat(100), floor: 1 });
    expect(a.kind).toBe('uncovered');
  });

  it('the level follows the observation: 130 observed where 100 was expected', () => {
    // log(131 / 101) ≈ 0.2601; the first observation is taken whole, the next smoothed by LEVEL_WEIGHT.
    const s: HeadroomState = { ...emptyHeadroom(), expected: { at: millis(0), median: 100 } };
    const once = observe(s, { now: millis(MIN), tickMs: MIN, load: 130, quantile: 0.6, floor: 1 });
    expect(once.logLevel).toBeCloseTo(Math.log(131 / 101), 12);
    const twice = observe({ ...once, expected: { at: millis(MIN), median: 100 } }, { now: millis(2 * MIN), tickMs: MIN, load: 100, quantile: 0.6, floor: 1 });
    expect(twice.logLevel).toBeCloseTo(Math.log(131 / 101) * (1 - LEVEL_WEIGHT), 12);
  });

  it('scores the nowcast made for the tick just served and drops missed ones', () => {
    const s: HeadroomState = {
      ...emptyHeadroom(),
      logScale: 0,
      pending: [
        { at: millis(0), load: 100 }, // missed (before the tick just served)
        { at: millis(MIN), load: 100 }, // the tick just served: [1 min, 2 min)
        { at: millis(3 * MIN), load: 100 }, // still ahead
      ],
    };
    const next = observe(s, { now: millis(2 * MIN), tickMs: MIN, load: 110, quantile: 0.6, floor: 1e-9 });
    expect(next.pending).toEqual([{ at: 3 * MIN, load: 100 }]);
    expect(next.hist?.weights.reduce((a, b) => a + b, 0)).toBe(1);
    expect(next.hist?.weights[binOf(Math.log(1.1))]).toBe(1);
    expect(next.logScale).toBe(0); // one score is too light to read
  });

  it('after enough scores the scale is their quantile', () => {
    // 40 ticks, each nowcast 100 and observation 110 → every score log 1.1 ≈ 0.0953 → bin [0.05, 0.1) → scale e^0.1.
    let s: HeadroomState = { ...emptyHeadroom(), logScale: 0 };
    for (let k = 1; k <= 40; k++) {
      s = observe({ ...s, pending: [{ at: millis((k - 1) * MIN), load: 100 }] }, { now: millis(k * MIN), tickMs: MIN, load: 110, quantile: 0.6, floor: 1e-9 });
    }
    expect(s.logScale).toBeCloseTo(0.1, 12);
  });
});

describe('properties', () => {
  const arbState = fc.record({
    logLevel: fc.option(fc.double({ min: -2, max: 2, noNaN: true }), { nil: null }),
    logScale: fc.option(fc.double({ min: -1, max: 1, noNaN: true }), { nil: null }),
    expected: fc.option(fc.record({ at: fc.constant(millis(0)), median: fc.double({ min: 0, max: 1000, noNaN: true }) }), { nil: null }),
    pending: fc.array(fc.record({ at: fc.integer({ min: -2, max: 5 }).map((k) => millis(k * MIN)), load: fc.double({ min: 0, max: 1000, noNaN: true }) }), { maxLength: 8 }),
    hist: fc.option(fc.record({ weights: fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: HIST_BINS, maxLength: HIST_BINS }), at: fc.constant(millis(0)) }), { nil: null }),
  });
  const load = fc.double({ min: 0, max: 2000, noNaN: true });

  it('more observed load never gives a lower provisioned load', () => {
    fc.assert(
      fc.property(arbState, load, load, fc.double({ min: 0.05, max: 0.99, noNaN: true }), (s, a, b, q) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        const at = (l: number) => {
          const o = observe(s, { now: millis(MIN), tickMs: MIN, load: l, quantile: q, floor: 1 });
          const r = adaptiveLoad(o, { now: millis(MIN), tickMs: MIN, bufferMs: 3 * MIN, median: flat(300), quantileForecast: flat(400), floor: 1 });
          return r.kind === 'covered' ? r.load : NaN;
        };
        expect(at(high)).toBeGreaterThanOrEqual(at(low) * (1 - 1e-12));
      }),
    );
  });

  it('the state stays bounded, finite and plain JSON over any run', () => {
    fc.assert(
      fc.property(fc.array(load, { minLength: 1, maxLength: 150 }), fc.integer({ min: 1, max: 12 }), (loads, bufferTicks) => {
        let s = emptyHeadroom();
        loads.forEach((l, k) => {
          const now = millis(k * 10_000);
          s = observe(s, { now, tickMs: 10_000, load: l, quantile: 0.9, floor: 1 });
          const r = adaptiveLoad(s, { now, tickMs: 10_000, bufferMs: bufferTicks * 60_000, median: { start: millis(0), stepMs: MIN, values: loads.map((v) => v / 2) }, floor: 1 });
          if (r.kind === 'covered') s = r.state;
        });
        expect(s.pending.length).toBeLessThanOrEqual(MAX_PENDING);
        expect(s.hist === null || s.hist.weights.length === HIST_BINS).toBe(true);
        expect(Math.abs(s.logScale ?? 0)).toBeLessThanOrEqual(MAX_LOG_SCALE);
        expect(JSON.parse(JSON.stringify(s))).toEqual(s);
      }),
    );
  });
});
