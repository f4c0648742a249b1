// The planner end to end: each mechanism of issue 4 on a hand-worked tick sequence (HPA
// ratio, tolerance, stabilization up and down, cooldowns, disableScaleIn, burst enter/leave,
// IncreaseMaxCapacity, ForecastOnly, the combination, cpu learning), then the properties
// every decision must keep: within bounds, monotone in the load, ForecastOnly never acts,
// and a persisted state gives the same next decisions.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScalingMetric, ScalingSpec } from '../spec/types.js';
import { millis } from '../spec/units.js';
import type { Decision, Reason } from './decision.js';
import { instant, scalingSpec, simulate, steady, type Tick } from './fixtures.test.js';
import { decide, initialPlannerState, type PlannerInput, type PlannerState } from './planner.js';
import { HIST_BINS, MAX_PENDING } from './headroom.js';
import { predictiveCeiling } from './predictive.js';

const off = { mode: 'Off' as const };
const sources = (d: Decision) => d.because.map((r) => r.source);
const first = (ds: readonly Decision[], ticks: readonly Tick[], pred: (d: Decision) => boolean) => {
  const i = ds.findIndex(pred);
  return i < 0 ? undefined : ticks[i]?.t;
};
const constant = (value: number, steps = 100) => ({ start: millis(0), stepMs: 60_000, values: new Array<number>(steps).fill(value) });

describe('decide: reactive (Kubernetes HPA)', () => {
  it('ratio: 4 replicas at 280 req/s each, target 140 → 8', () => {
    const { decisions } = simulate(scalingSpec({ predictive: off, reactive: instant }), 4, [{ t: 0, load: 1120 }]);
    expect(decisions[0]).toEqual({
      replicas: 8,
      reactive: 8,
      changed: true,
      because: [{ source: 'reactive', observed: 1120, perReplica: 140, ratio: 2, replicas: 8, observedPerReplica: 280 }],
    });
  });

  it('tolerance: ratio 1.05 changes nothing', () => {
    const { decisions } = simulate(scalingSpec({ predictive: off, reactive: instant }), 4, [{ t: 0, load: 588 }]);
    expect(decisions[0]).toMatchObject({ replicas: 4, changed: false, because: [{ source: 'tolerance', tolerance: 0.1 }] });
  });

  it('scale-down stabilization (300 s): the 8 recommended at t = 0 holds until it leaves the window', () => {
    const ticks = [{ t: 0, load: 1120 }, ...steady(10_000, 400_000, 280)];
    const { decisions } = simulate(scalingSpec({ predictive: off, reactive: { scaleDown: { stabilizationMs: millis(300_000), cooldownMs: millis(0) } } }), 8, ticks);
    expect(first(decisions, ticks, (d) => d.replicas < 8)).toBe(300_000);
    expect(decisions[29]?.because).toContainEqual({ source: 'stabilization', direction: 'down', windowMs: 300_000, recommended: 2, held: 8 }); // t = 290 s
    expect(decisions[30]?.replicas).toBe(2);
  });

  it('scale-up stabilization (60 s): up only once every recommendation in the window agrees', () => {
    const ticks = [...steady(-60_000, 0, 560), ...steady(0, 120_000, 1120)];
    const { decisions } = simulate(scalingSpec({ predictive: off, reactive: { scaleUp: { stabilizationMs: millis(60_000), cooldownMs: millis(0) } } }), 4, ticks);
    expect(first(decisions, ticks, (d) => d.replicas > 4)).toBe(50_000);
    expect(decisions[6]?.because).toContainEqual({ source: 'stabilization', direction: 'up', windowMs: 60_000, recommended: 8, held: 4 }); // t = 0
  });

  it('scale-up cooldown (60 s) since the last scale-up', () => {
    const ticks: Tick[] = [{ t: 0, load: 420 }, { t: 10_000, load: 840 }, { t: 59_999, load: 840 }, { t: 60_000, load: 840 }];
    const { decisions } = simulate(scalingSpec({ predictive: off, reactive: { ...instant, scaleUp: { stabilizationMs: millis(0), cooldownMs: millis(60_000) } } }), 2, ticks);
    expect(decisions.map((d) => d.replicas)).toEqual([3, 3, 3, 6]);
    expect(decisions[1]?.because).toContainEqual({ source: 'cooldown', direction: 'up', untilMs: 60_000, held: 3 });
  });

  it('scale-down cooldown (300 s) since the last scale-down', () => {
    const ticks: Tick[] = [{ t: 0, load: 420 }, { t: 10_000, load: 140 }, { t: 300_000, load: 140 }];
    const { decisions } = simulate(scalingSpec({ predictive: off, reactive: { ...instant, scaleDown: { stabilizationMs: millis(0), cooldownMs: millis(300_000) } } }), 6, ticks);
    expect(decisions.map((d) => d.replicas)).toEqual([3, 3, 1]);
    expect(decisions[1]?.because).toContainEqual({ source: 'cooldown', direction: 'down', untilMs: 300_000, held: 3 });
  });

  it('disableScaleIn: the reactive part never proposes fewer than running', () => {
    const { decisions } = simulate(scalingSpec({ predictive: off, reactive: { ...instant, disableScaleIn: true } }), 5, [{ t: 0, load: 140 }, { t: 10_000, load: 2100 }]);
    expect(decisions[0]).toMatchObject({ replicas: 5, reactive: 5, changed: false });
    expect(sources(decisions[0] as Decision)).toEqual(['reactive', 'scale-in-disabled']);
    expect(decisions[1]?.replicas).toBe(10); // adding is still allowed (2100 / 140 = 15, max 10)
  });
});

describe('decide: burst', () => {
  const spec = scalingSpec({
    predictive: off,
    reactive: { scaleUp: { stabilizationMs: millis(60_000), cooldownMs: millis(60_000) }, scaleDown: { stabilizationMs: millis(0), cooldownMs: millis(0) } },
  });
  // 1 → 2 at −40 s (starts the up cooldown), steady at 2, then 900 req/s > 2 × 2 × 200 at t = 0.
  const ticks: Tick[] = [{ t: -40_000, load: 280 }, ...steady(-30_000, 0, 280), { t: 0, load: 900 }, ...steady(10_000, 80_000, 100)];
  const { decisions } = simulate(spec, 1, ticks);

  it('enters above twice the ready capacity and scales at once, past stabilization and cooldown', () => {
    const d = decisions[4] as Decision; // t = 0
    expect(d.replicas).toBe(7); // ⌈900 / 140⌉
    expect(d.because).toContainEqual({ source: 'stabilization', direction: 'up', windowMs: 60_000, recommended: 7, held: 2 });
    expect(d.because).toContainEqual({ source: 'burst', observed: 900, readyCapacity: 400, replicas: 7 });
  });

  it('never scales down in burst, and leaves a panic window after the load was last above', () => {
    expect(decisions.slice(5, 10).map((d) => d.replicas)).toEqual([7, 7, 7, 7, 7]); // 10 s … 50 s
    expect(decisions[5]?.because).toContainEqual({ source: 'burst', observed: 100, readyCapacity: 1400, replicas: 7, untilMs: 60_000 });
    expect(first(decisions.slice(5), ticks.slice(5), (d) => d.replicas < 7)).toBe(60_000);
    expect(decisions[10]).toMatchObject({ replicas: 1, changed: true }); // t = 60 s: ⌈100 / 140⌉
  });
});

describe('decide: predictive and combined', () => {
  const now0 = (spec: ScalingSpec, current: number, load: number, forecast?: PlannerInput['forecast']) =>
    decide({ spec, now: millis(0), tickMs: 10_000, observed: { load, readyReplicas: current, currentReplicas: current }, forecast }, initialPlannerState()).decision;

  it('IncreaseMaxCapacity: the forecast may reach ⌈max × 1.2⌉ = 12, the reactive part stays within 10', () => {
    const spec = scalingSpec({ reactive: instant, predictive: { maxCapacityBreach: 'IncreaseMaxCapacity', maxCapacityBuffer: 20 } });
    const d = now0(spec, 10, 2_900, constant(2000)); // reactive ⌈2900 / 140⌉ = 21 → 10; forecast 15 → 12
    expect(d).toMatchObject({ replicas: 12, predictive: 12, reactive: 10, changed: true });
    expect(d.because.filter((r) => r.source === 'bounds')).toEqual([
      { source: 'bounds', min: 1, max: 12, unclamped: 15, replicas: 12 },
      { source: 'bounds', min: 1, max: 10, unclamped: 21, replicas: 10 },
    ]);
  });

  it('ForecastOnly: computed and recorded, never acted on', () => {
    const d = now0(scalingSpec({ reactive: instant, predictive: { mode: 'ForecastOnly' } }), 4, 560, constant(1300));
    expect(d).toMatchObject({ replicas: 4, predictive: 10, reactive: 4, changed: false });
    expect(sources(d)).toEqual(['forecast', 'forecast-only', 'tolerance']);
    expect(d.because[1]).toEqual({ source: 'forecast-only', wouldBe: 10 });
  });

  it('the larger of the two wins: forecast 10 over reactive 5', () => {
    const d = now0(scalingSpec({ reactive: instant }), 4, 700, constant(1300));
    expect(d).toMatchObject({ replicas: 10, predictive: 10, reactive: 5 });
    expect(sources(d)).toEqual(['forecast', 'reactive']);
  });

  it('scale-in only when both allow it: the forecast keeps 8 up while the load is low', () => {
    expect(now0(scalingSpec({ reactive: instant }), 10, 280, constant(1100))).toMatchObject({ replicas: 8, predictive: 8, reactive: 2 });
    expect(now0(scalingSpec({ reactive: instant }), 10, 280, constant(100))).toMatchObject({ replicas: 2, predictive: 1, reactive: 2 });
    // …and the reactive part's scale-down stabilization holds a low forecast too.
    const held = simulate(scalingSpec({ reactive: { scaleDown: { stabilizationMs: millis(300_000), cooldownMs: millis(0) } } }), 10, [
      { t: 0, load: 1400, forecast: constant(100) },
      { t: 10_000, load: 280, forecast: constant(100) },
    ]);
    expect(held.decisions.map((d) => d.replicas)).toEqual([10, 10]);
  });

  it('disableScaleIn with ForecastAndScale: the forecast may still lower the count (spec/types.ts)', () => {
    const d = now0(scalingSpec({ reactive: { ...instant, disableScaleIn: true } }), 10, 280, constant(100));
    expect(d).toMatchObject({ replicas: 2, reactive: 2 });
  });

  it.each([
    { what: 'absent', forecast: undefined, why: 'no forecast yet' },
    { what: 'not covering now', forecast: { start: millis(60_000), stepMs: 60_000, values: [1] }, why: 'forecast covers [60000, 120000) ms, not now (0)' },
  ])('no forecast ($what): says why, reactive alone decides', ({ forecast, why }) => {
    const d = now0(scalingSpec({ reactive: instant }), 4, 1120, forecast);
    expect(d.predictive).toBeUndefined();
    expect(d.replicas).toBe(8);
    expect(d.because[0]).toEqual({ source: 'no-forecast', why });
  });

  it('Off: no predictive reasons at all, even with a forecast', () => {
    const d = now0(scalingSpec({ predictive: off, reactive: instant }), 4, 560, constant(5000));
    expect(d.predictive).toBeUndefined();
    expect(sources(d)).toEqual(['tolerance']);
  });
});

describe('decide: cpu', () => {
  it('learns CPU = 1.5 × req/s per replica + 10 from 30 ticks, then plans 1000 req/s as 25 replicas', () => {
    const spec = scalingSpec({ maxReplicas: 30, target: { metric: 'cpu', valuePerReplica: 100, utilization: 0.7 }, reactive: instant });
    let state = initialPlannerState();
    const forecast = constant(1000);
    const tick = (i: number, rpsPerReplica: number) =>
      decide({ spec, now: millis(i * 10_000), tickMs: 10_000, observed: { load: 1.5 * rpsPerReplica + 10, rps: 10 * rpsPerReplica, readyReplicas: 10, currentReplicas: 10 }, forecast }, state);
    for (let i = 0; i < 30; i++) {
      const out = tick(i, 10 + (i % 10) * 4);
      expect(out.decision.because[0]).toEqual({ source: 'no-forecast', why: `cpu: load → CPU relation not learned yet (${i} of 30 samples)` });
      state = out.state;
    }
    const d = tick(30, 40).decision; // (70 − 10) / 1.5 = 40 req/s per replica; 1000 / 40 = 25
    expect(d.because[0]).toMatchObject({ source: 'cpu-model', samples: 30 });
    const model = d.because[0] as Extract<Reason, { source: 'cpu-model' }>;
    expect(model.slope).toBeCloseTo(1.5, 9);
    expect(model.intercept).toBeCloseTo(10, 9);
    expect(d).toMatchObject({ replicas: 25, predictive: 25 });
  });
});

// ---------------------------------------------------------------------------------------
// Properties, over random specs and random runs (ready replicas lag the decisions, or
// briefly exceed them while drained ones finish).

interface Obs {
  dt: number;
  load: number;
  readyShare: number;
  rpsPerReplica: number;
}

const arbSpec = fc
  .record({
    metric: fc.constantFrom<ScalingMetric>('rps', 'concurrency', 'cpu'),
    valuePerReplica: fc.integer({ min: 1, max: 400 }),
    utilization: fc.double({ min: 0.1, max: 1, noNaN: true }),
    minReplicas: fc.integer({ min: 0, max: 5 }),
    span: fc.integer({ min: 0, max: 30 }),
    mode: fc.constantFrom('Off' as const, 'ForecastOnly' as const, 'ForecastAndScale' as const),
    auto: fc.boolean(),
    bufferMs: fc.integer({ min: 0, max: 600_000 }),
    increase: fc.boolean(),
    maxCapacityBuffer: fc.integer({ min: 0, max: 100 }),
    tolerance: fc.double({ min: 0, max: 0.5, noNaN: true }),
    disableScaleIn: fc.boolean(),
    windows: fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 4, maxLength: 4 }),
    adaptive: fc.boolean(),
  })
  .map((r) =>
    scalingSpec({
      minReplicas: r.minReplicas,
      maxReplicas: Math.max(1, r.minReplicas + r.span),
      target: { metric: r.metric, valuePerReplica: r.metric === 'cpu' ? 100 : r.valuePerReplica, utilization: r.utilization },
      predictive: {
        mode: r.mode,
        schedulingBuffer: r.auto ? { kind: 'auto' } : { kind: 'fixed', durationMs: millis(r.bufferMs) },
        maxCapacityBreach: r.increase ? 'IncreaseMaxCapacity' : 'HonorMaxCapacity',
        maxCapacityBuffer: r.increase ? r.maxCapacityBuffer : 0,
        headroom: r.adaptive ? 'adaptive' : 'forecast',
      },
      reactive: {
        tolerance: r.tolerance,
        disableScaleIn: r.disableScaleIn,
        scaleUp: { stabilizationMs: millis((r.windows[0] ?? 0) * 10_000), cooldownMs: millis((r.windows[1] ?? 0) * 10_000) },
        scaleDown: { stabilizationMs: millis((r.windows[2] ?? 0) * 10_000), cooldownMs: millis((r.windows[3] ?? 0) * 10_000) },
      },
    }),
  );

const arbObs = fc.record({
  dt: fc.integer({ min: 1_000, max: 120_000 }),
  load: fc.double({ min: 0, max: 1, noNaN: true }),
  // Above 1 now and then: replicas being drained still serve and report as ready.
  readyShare: fc.double({ min: 0, max: 1.25, noNaN: true }),
  rpsPerReplica: fc.double({ min: 0, max: 300, noNaN: true }),
});
const arbRun = fc.array(arbObs, { minLength: 1, maxLength: 40 });
const arbForecast = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 90 });

/** A load of the right scale for the metric from a share in [0, 1]: CPU percent, or up to 30 full replicas. */
const loadOf = (spec: ScalingSpec, share: number) => (spec.target.metric === 'cpu' ? share * 100 : share * 30 * spec.target.valuePerReplica);
const forecastOf = (spec: ScalingSpec, shares: readonly number[]) => ({
  start: millis(0),
  stepMs: 60_000,
  values: shares.map((s) => (spec.target.metric === 'cpu' ? s * 3000 : loadOf(spec, s))),
});

/** The median that goes with a quantile forecast in these properties: 70 % of it. */
const medianOf = (f: PlannerInput['forecast']): PlannerInput['forecastMedian'] => (f === undefined ? undefined : { ...f, values: f.values.map((v) => 0.7 * v) });

interface Step {
  input: PlannerInput;
  decision: Decision;
}

/** Runs observations from t = 0; ready replicas are a share of the current ones. */
function run(spec: ScalingSpec, start: number, obs: readonly Obs[], forecast: PlannerInput['forecast'], state0 = initialPlannerState(), t0 = 0): { steps: Step[]; state: PlannerState; current: number; t: number } {
  let state = state0;
  let current = start;
  let t = t0;
  const steps: Step[] = [];
  for (const o of obs) {
    t += o.dt;
    const ready = Math.round(o.readyShare * current);
    const input: PlannerInput = {
      spec,
      now: millis(t),
      tickMs: 10_000,
      observed: { load: loadOf(spec, o.load), rps: o.rpsPerReplica * ready, readyReplicas: ready, currentReplicas: current },
      forecast,
      ...(forecast !== undefined && { forecastMedian: medianOf(forecast) }),
      warmupP95Ms: 90_000,
    };
    const out = decide(input, state);
    steps.push({ input, decision: out.decision });
    state = out.state;
    current = out.decision.replicas;
  }
  return { steps, state, current, t };
}

describe('decide: adaptive headroom and forecast-led scale-in', () => {
  // Target 140 req/s per replica, buffer 2 m, 10-second ticks, scale-down window and cooldown
  // 300 s. The forecast (median = quantile, so the starting scale is 1) says 1 400 req/s for
  // [0, 10 s) and 700 from then on.
  const series = { start: millis(0), stepMs: 10_000, values: [1400, ...new Array<number>(99).fill(700)] };
  const ticks = (observed: readonly number[]): Tick[] => observed.map((load, k) => ({ t: k * 10_000, load, forecast: series, forecastMedian: series }));
  const adaptive = scalingSpec({ maxReplicas: 20, predictive: { headroom: 'adaptive' } });

  it('the forecast and the observation agree on 700 → 10 to 5 replicas at once, not after 300 s', () => {
    // t = 20 s sees [10 s, 20 s) at 700, as forecast (level 1); forecast max over [20 s, 140 s)
    // = 700 → ⌈5⌉; the HPA's raw recommendation is 5 too, so the holds are skipped.
    const { decisions } = simulate(adaptive, 10, ticks([1400, 1400, 700]));
    expect(decisions.map((d) => d.replicas)).toEqual([10, 10, 5]);
    expect(decisions[2]?.because).toContainEqual(expect.objectContaining({ source: 'forecast', load: 700, median: 700, multiplier: 1, replicas: 5, ledScaleIn: true }));
    expect(sources(decisions[2] as Decision)).not.toContain('stabilization');
  });

  it('the quantile headroom keeps the reactive holds: 10 stays', () => {
    const { decisions } = simulate(scalingSpec({ maxReplicas: 20 }), 10, ticks([1400, 1400, 700]));
    expect(decisions[2]?.replicas).toBe(10);
    expect(sources(decisions[2] as Decision)).toContain('stabilization');
  });

  it('the observation disagrees (still 1 400) → no lead, and the nowcast raises the forecast', () => {
    // Observed 1 400 where 700 was forecast: level ≈ 2 → the predictive part asks for 10 again.
    const { decisions } = simulate(adaptive, 10, ticks([1400, 1400, 1400]));
    expect(decisions[2]?.replicas).toBe(10);
    expect(decisions[2]?.because.some((r) => r.source === 'forecast' && r.ledScaleIn === true)).toBe(false);
  });

  it('ForecastOnly learns but never leads', () => {
    const spec = scalingSpec({ maxReplicas: 20, predictive: { headroom: 'adaptive', mode: 'ForecastOnly' } });
    const { decisions, state } = simulate(spec, 10, ticks([1400, 1400, 700]));
    expect(decisions[2]?.replicas).toBe(10);
    expect(state.headroom?.logLevel).not.toBeNull();
  });
});

describe('decide: properties', () => {
  it('replicas are always within [min, max], or up to the IncreaseMaxCapacity ceiling when the forecast acts', () => {
    fc.assert(
      fc.property(arbSpec, fc.integer({ min: 0, max: 50 }), arbRun, arbForecast, (spec, start, obs, f) => {
        const ceiling = spec.predictive.mode === 'ForecastAndScale' ? predictiveCeiling(spec) : spec.maxReplicas;
        for (const { decision: d } of run(spec, start, obs, forecastOf(spec, f)).steps) {
          expect(Number.isInteger(d.replicas)).toBe(true);
          expect(d.replicas).toBeGreaterThanOrEqual(spec.minReplicas);
          expect(d.replicas).toBeLessThanOrEqual(ceiling);
          expect(d.reactive).toBeLessThanOrEqual(spec.maxReplicas);
          if (d.replicas > spec.maxReplicas) expect(d.replicas).toBe(d.predictive);
        }
      }),
    );
  });

  it('more load (observed and forecast) never gives fewer replicas, all else equal', () => {
    fc.assert(
      fc.property(arbSpec, fc.integer({ min: 0, max: 30 }), arbRun, arbForecast, arbObs, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 1, max: 3, noNaN: true }), (spec, start, obs, f, o, more, factor) => {
        const before = run(spec, start, obs, forecastOf(spec, f));
        const ready = Math.round(o.readyShare * before.current);
        const at = (load: number, scale: number) =>
          decide(
            {
              spec,
              now: millis(before.t + o.dt),
              tickMs: 10_000,
              observed: { load, rps: o.rpsPerReplica * ready, readyReplicas: ready, currentReplicas: before.current },
              forecast: forecastOf(spec, f.map((v) => v * scale)),
              forecastMedian: medianOf(forecastOf(spec, f.map((v) => v * scale))),
              warmupP95Ms: 90_000,
            },
            before.state,
          ).decision.replicas;
        const low = loadOf(spec, o.load);
        const high = low + loadOf(spec, more) * (1 - o.load);
        expect(at(high, factor)).toBeGreaterThanOrEqual(at(low, 1));
      }),
    );
  });

  it('ForecastOnly never changes replicas because of the forecast', () => {
    fc.assert(
      fc.property(arbSpec, fc.integer({ min: 0, max: 30 }), arbRun, arbForecast, (s, start, obs, f) => {
        const spec: ScalingSpec = { ...s, predictive: { ...s.predictive, mode: 'ForecastOnly' } };
        const withForecast = run(spec, start, obs, forecastOf(spec, f));
        const without = run(spec, start, obs, undefined);
        expect(withForecast.steps.map((x) => x.decision.replicas)).toEqual(without.steps.map((x) => x.decision.replicas));
        expect(withForecast.steps.map((x) => x.decision.reactive)).toEqual(without.steps.map((x) => x.decision.reactive));
      }),
    );
  });

  it('adaptive headroom keeps its state bounded', () => {
    fc.assert(
      fc.property(arbSpec, fc.integer({ min: 0, max: 30 }), arbRun, arbForecast, (s, start, obs, f) => {
        const spec: ScalingSpec = { ...s, predictive: { ...s.predictive, mode: 'ForecastAndScale', headroom: 'adaptive' } };
        const h = run(spec, start, obs, forecastOf(spec, f)).state.headroom;
        if (h === undefined) return;
        expect(h.pending.length).toBeLessThanOrEqual(MAX_PENDING);
        expect(h.hist === null || h.hist.weights.length === HIST_BINS).toBe(true);
      }),
    );
  });

  it('a state round-trips through JSON and gives the same next decisions', () => {
    fc.assert(
      fc.property(arbSpec, fc.integer({ min: 0, max: 30 }), arbRun, arbRun, arbForecast, (spec, start, prefix, suffix, f) => {
        const forecast = forecastOf(spec, f);
        const a = run(spec, start, prefix, forecast);
        const restored = JSON.parse(JSON.stringify(a.state)) as PlannerState;
        expect(restored).toEqual(a.state);
        const direct = run(spec, a.current, suffix, forecast, a.state, a.t);
        const viaJson = run(spec, a.current, suffix, forecast, restored, a.t);
        expect(viaJson.steps.map((x) => x.decision)).toEqual(direct.steps.map((x) => x.decision));
        expect(viaJson.state).toEqual(direct.state);
      }),
    );
  });
});

describe('decide: input checks', () => {
  const base = (): PlannerInput => ({ spec: scalingSpec(), now: millis(0), tickMs: 10_000, observed: { load: 1, readyReplicas: 1, currentReplicas: 1 } });
  it.each([
    { what: 'NaN load', patch: (i: PlannerInput) => ({ ...i, observed: { ...i.observed, load: NaN } }) },
    { what: 'negative load', patch: (i: PlannerInput) => ({ ...i, observed: { ...i.observed, load: -1 } }) },
    { what: 'fractional replicas', patch: (i: PlannerInput) => ({ ...i, observed: { ...i.observed, currentReplicas: 1.5 } }) },
    { what: 'negative ready', patch: (i: PlannerInput) => ({ ...i, observed: { ...i.observed, readyReplicas: -1 } }) },
    { what: 'infinite rps', patch: (i: PlannerInput) => ({ ...i, observed: { ...i.observed, rps: Infinity } }) },
    { what: 'NaN now', patch: (i: PlannerInput) => ({ ...i, now: millis(NaN) }) },
    { what: 'negative tick', patch: (i: PlannerInput) => ({ ...i, tickMs: -1 }) },
  ])('throws RangeError for $what', ({ patch }) => {
    expect(() => decide(patch(base()), initialPlannerState())).toThrow(RangeError);
  });
});
