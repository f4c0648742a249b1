// The backtest end to end on a small synthetic trace (3 days at 5 minutes, the last day
// scored), and the rule every policy but the oracle must keep: it never reads the future.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../spec/duration.js';
import { millis } from '../spec/units.js';
import { awsPolicy } from './aws.js';
import { derivePerReplica, makePolicy, quantileOf, runBacktest, type BacktestResult } from './backtest.js';
import { hpaPolicy } from './hpa.js';
import { knativePolicy } from './knative.js';
import { hybridPolicy, predictivePolicy } from './planner-policy.js';
import type { Policy } from './policy.js';
import { prepareTrace, simulate } from './simulate.js';
import { dailyTrace } from './synthetic.js';

const trace = dailyTrace({ days: 3, stepMs: 5 * MINUTE, base: 1000, amplitude: 700, noise: 0.05, seed: 7 });

describe('quantileOf / derivePerReplica', () => {
  it.each([
    { values: [1, 2, 3, 4], q: 0.5, expected: 2.5 },
    { values: [1, 2, 3, 4], q: 0.99, expected: 3.97 },
    { values: [5, NaN], q: 0.99, expected: 5 },
  ])('$values at $q → $expected', ({ values, q, expected }) => {
    expect(quantileOf(values, q)).toBeCloseTo(expected, 12);
  });
  it('gives the capacity at which the window’s p99 needs 20 replicas', () => {
    const rps = { start: millis(0), stepMs: MINUTE, values: Array.from({ length: 101 }, (_, i) => i * 10) };
    expect(derivePerReplica(rps, 0, 101 * MINUTE)).toBeCloseTo(990 / 20, 9);
    expect(() => derivePerReplica({ ...rps, values: rps.values.map(() => 0) }, 0, 101 * MINUTE)).toThrow(RangeError);
  });
});

describe('runBacktest', () => {
  let result: BacktestResult;
  const byName = (name: string) => {
    const p = result.policies.find((o) => o.metrics.policy === name);
    if (p === undefined) throw new Error(`no ${name}`);
    return p;
  };

  it('runs every policy over the same window, with the derived capacity', () => {
    const progress: string[] = [];
    result = runBacktest(trace, { warmupMs: 2 * MINUTE, evalMs: DAY, refitEveryMs: 3 * HOUR, onProgress: (done, total, name) => progress.push(`${done}/${total} ${name}`) }, ['oracle', 'reactive', 'knative-like', 'aws-like', 'predictive', 'hybrid']);
    expect(progress).toEqual(['1/6 oracle', '2/6 reactive', '3/6 knative-like', '4/6 aws-like', '5/6 predictive', '6/6 hybrid']);
    expect(result.perReplicaDerived).toBe(true);
    expect(result.evalStart).toBe(2 * DAY);
    expect(result.evalEnd).toBe(3 * DAY);
    // The p99 of the last day (≈ 1700 rps × noise) needs 20 replicas: the oracle peaks near 20.
    const oracle = byName('oracle');
    expect(Math.max(...oracle.series.desired.slice(oracle.evalFrom))).toBeGreaterThanOrEqual(20);
    expect(Math.max(...oracle.series.desired.slice(oracle.evalFrom))).toBeLessThanOrEqual(21);
  });

  it('cost accounting adds up for every policy', () => {
    for (const { metrics, series, evalFrom } of result.policies) {
      expect(metrics.ticks).toBe(DAY / MINUTE);
      expect(metrics.served + metrics.unserved).toBeCloseTo(metrics.arrivals, 3);
      expect(metrics.replicaHours).toBeCloseTo(series.desired.slice(evalFrom).reduce((a, b) => a + b, 0) / 60, 9);
      expect(metrics.timeshareU).toBe(metrics.underProvisionedTimeShare);
    }
  });

  it('the oracle never misses and is the cheapest of the policies that never miss', () => {
    const oracle = byName('oracle').metrics;
    expect(oracle.unserved).toBe(0);
    for (const { metrics } of result.policies) {
      if (metrics.unserved === 0) expect(metrics.replicaHours).toBeGreaterThanOrEqual(oracle.replicaHours);
    }
    // A fixed fleet sized for the peak never misses either, and pays more.
    const fleet: Policy<null> = { name: 'peak-fleet', init: () => null, step: (s) => ({ state: s, desired: 25 }) };
    const r = runBacktest(trace, { warmupMs: 2 * MINUTE, evalMs: DAY, perReplica: result.perReplica, initialReplicas: 25 }, [fleet]);
    expect(r.policies[0]?.metrics.unserved).toBe(0);
    expect(r.policies[0]?.metrics.replicaHours).toBeGreaterThan(oracle.replicaHours);
  });

  it('the 70 % peers pay more than the oracle; hybrid serves almost everything', () => {
    const oracle = byName('oracle').metrics.replicaHours;
    for (const name of ['reactive', 'knative-like', 'aws-like']) expect(byName(name).metrics.replicaHours).toBeGreaterThan(oracle);
    expect(byName('hybrid').metrics.unservedShare).toBeLessThan(0.01);
  });

  it('hybrid reports the forecast it held and which part decided, every scored tick', () => {
    const hybrid = byName('hybrid');
    const f = hybrid.series.forecast;
    if (f === undefined) throw new Error('hybrid gave no forecast annotation');
    const median = f.median.slice(hybrid.evalFrom);
    const provisioned = f.provisioned.slice(hybrid.evalFrom);
    // Two days of history before the window: the forecast covers all of it.
    expect(median.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    expect(provisioned.every((v) => Number.isFinite(v) && v >= 0)).toBe(true);
    // The replicas asked for cover at least the provisioned load at the 0.9 target when the forecast decided.
    const by = hybrid.series.decidedBy ?? [];
    for (let i = hybrid.evalFrom; i < by.length; i++) {
      if (by[i] === 'forecast') expect((hybrid.series.desired[i] as number) * result.perReplica * 0.9).toBeGreaterThanOrEqual((f.provisioned[i] as number) * (1 - 1e-9));
    }
    expect(new Set(by.slice(hybrid.evalFrom)).has('forecast')).toBe(true);
  });

  it('makePolicy knows every name', () => {
    for (const name of ['hybrid', 'predictive', 'reactive', 'aws-like', 'knative-like', 'oracle'] as const) expect(makePolicy(name).name).toBe(name);
  });
});

describe('no policy but the oracle reads the future', () => {
  // Cut the trace after point `cut`: every decision up to there must be the same.
  const decisions = (policy: Policy, values: readonly number[], start: number, stepMs: number) =>
    simulate({ trace: prepareTrace({ start: millis(0), stepMs, values: [...values] }, MINUTE), perReplica: 100, warmupMs: 2 * MINUTE, initialReplicas: 3, start, policy }).series.desired;
  const samePrefix = (a: readonly number[], b: readonly number[]) => expect(a.slice(0, b.length)).toEqual(b);

  it.each([
    { name: 'reactive', make: () => hpaPolicy() },
    { name: 'knative-like', make: () => knativePolicy() },
    { name: 'aws-like (no forecast: under a day)', make: () => awsPolicy() },
  ])('$name: truncating after any point keeps every earlier decision (property)', ({ make }) => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 600_000 }), { minLength: 2, maxLength: 30 }), fc.nat(), (values, cutSeed) => {
        const cut = 1 + (cutSeed % (values.length - 1));
        samePrefix(decisions(make(), values, 0, 5 * MINUTE), decisions(make(), values.slice(0, cut), 0, 5 * MINUTE));
      }),
      { numRuns: 30 },
    );
  });

  // The forecasting policies on the synthetic trace, simulated over its third day's first hours
  // (forecasts refitted every 2 hours), cut at a few points.
  const values = trace.values;
  const start = 2 * DAY;
  it.each([
    { name: 'aws-like', make: () => awsPolicy() },
    { name: 'predictive', make: () => predictivePolicy({ refitEveryMs: 2 * HOUR }) },
    { name: 'hybrid', make: () => hybridPolicy({ refitEveryMs: 2 * HOUR }) },
  ])('$name: truncating the trace keeps every earlier decision', ({ make }) => {
    const cuts = [start / (5 * MINUTE) + 30, start / (5 * MINUTE) + 70];
    const full = decisions(make(), values.slice(0, (start + 8 * HOUR) / (5 * MINUTE)), start, 5 * MINUTE);
    for (const cut of cuts) samePrefix(full, decisions(make(), values.slice(0, cut), start, 5 * MINUTE));
  });
});

describe('the evaluation window', () => {
  it.each([
    { what: 'the whole trace', evalMs: 3 * DAY },
    { what: 'more than the trace', evalMs: 4 * DAY },
    { what: 'less than one tick', evalMs: 30_000 },
  ])('refuses $what (no silent shortening)', ({ evalMs }) => {
    expect(() => runBacktest(trace, { evalMs, perReplica: 100, warmupMs: 2 * MINUTE }, ['oracle'])).toThrow(/evaluation window of \d+ ticks must be at least 1 and shorter than the trace/);
  });
});
