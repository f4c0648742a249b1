// The simulator step by step: warm-up delay, scale-down order, unserved accounting, SLO
// misses, the evaluation window, what a policy may observe — and, as properties over random
// traces and random policies, that the cost and load accounting always add up.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RegularSeries } from '../forecast/series.js';
import { HOUR, MINUTE } from '../spec/duration.js';
import { millis } from '../spec/units.js';
import type { History, Observation, Policy } from './policy.js';
import { prepareTrace, simulate, type SimulationInput } from './simulate.js';

/** A policy that wants `script[tick]` (the last value after its end) and records what it saw. */
function scripted(script: readonly number[], seen?: { obs: Observation[]; history: History[] }): Policy<null> {
  return {
    name: 'scripted',
    init: () => null,
    step(state, observation, history) {
      seen?.obs.push(observation);
      seen?.history.push(history);
      return { state, desired: script[Math.min(observation.tick, script.length - 1)] ?? 1 };
    },
  };
}

/** rps per minute as a 1-minute trace. */
const perMinute = (rps: readonly number[]): RegularSeries => ({ start: millis(0), stepMs: MINUTE, values: [...rps] });
const run = (rps: readonly number[], script: readonly number[], extra: Partial<SimulationInput> = {}) =>
  simulate({ trace: prepareTrace(perMinute(rps), MINUTE, 'perSecond'), perReplica: 100, warmupMs: 2 * MINUTE, initialReplicas: 1, policy: scripted(script), ...extra });

describe('simulate: one tick at a time', () => {
  it.each([
    { what: 'new replicas serve after the warm-up (2 ticks)', load: [250, 250, 250, 250], script: [3], warmupMs: 2 * MINUTE, ready: [1, 1, 3, 3], unserved: [150, 150, 0, 0] },
    { what: 'a warm-up of 0 serves at once', load: [250, 250], script: [3], warmupMs: 0, ready: [3, 3], unserved: [0, 0] },
    { what: 'a warm-up between ticks rounds up to the next tick start', load: [250, 250, 250, 250], script: [3], warmupMs: 90_000, ready: [1, 1, 3, 3], unserved: [150, 150, 0, 0] },
    { what: 'scale-down removes starting replicas first', load: [100, 100, 100, 100], script: [3, 2], warmupMs: 2 * MINUTE, ready: [1, 1, 2, 2], unserved: [0, 0, 0, 0] },
    { what: 'scale-down removes ready replicas at once', load: [100, 300, 300], script: [4, 2], warmupMs: 0, ready: [4, 2, 2], unserved: [0, 100, 100] },
    { what: 'load exactly at capacity is served', load: [200, 200.5], script: [2], warmupMs: 0, ready: [2, 2], unserved: [0, 0.5] },
  ])('$what', ({ load, script, warmupMs, ready, unserved }) => {
    const r = run(load, script, { warmupMs });
    expect(r.series.ready).toEqual(ready);
    expect(r.series.unserved.map((u) => Math.round(u * 1e9) / 1e9)).toEqual(unserved);
    expect(r.series.capacity).toEqual(ready.map((x) => x * 100));
    expect(r.totals.missTicks).toBe(unserved.filter((u) => u > 0).length);
  });

  it('clamps the policy to [min, max] and rejects a non-finite count', () => {
    expect(run([100, 100], [0, 50], { minReplicas: 1, maxReplicas: 5, warmupMs: 0 }).series.desired).toEqual([1, 5]);
    expect(() => run([100], [NaN])).toThrow(RangeError);
  });

  it('totals count the evaluation window only, in requests and replica-hours', () => {
    // 4 minutes of 250 rps; scored from minute 2: ready 3 from tick 2 → no miss; 3 replicas × 2 min.
    const r = run([250, 250, 250, 250], [3], { evalStart: 2 * MINUTE });
    expect(r.evalFrom).toBe(2);
    expect(r.totals).toEqual({ ticks: 2, arrivals: 250 * 120, served: 250 * 120, unserved: 0, missTicks: 0, replicaHours: (3 * 2 * MINUTE) / HOUR });
    const all = run([250, 250, 250, 250], [3]);
    expect(all.totals.unserved).toBeCloseTo(150 * 60 * 2, 9);
    expect(all.totals.missTicks).toBe(2);
  });

  it('a policy sees the tick just ended, and completed trace steps only', () => {
    const seen = { obs: [] as Observation[], history: [] as History[] };
    // 5-minute steps of 1, 2, 3 rps (perStep counts), 1-minute ticks, from minute 5.
    const trace: RegularSeries = { start: millis(0), stepMs: 5 * MINUTE, values: [300, 600, 900] };
    simulate({ trace: prepareTrace(trace, MINUTE), perReplica: 100, warmupMs: 0, initialReplicas: 1, start: 5 * MINUTE, policy: scripted([1], seen) });
    expect(seen.obs.map((o) => o.load)).toEqual([1, 2, 2, 2, 2, 2, 3, 3, 3, 3]);
    expect(seen.obs[0]).toMatchObject({ tick: 0, now: 5 * MINUTE, ready: 1, starting: 0, current: 1 });
    expect(seen.history[0]?.trace().values).toEqual([1]);
    expect(seen.history[4]?.trace().values).toEqual([1]);
    expect(seen.history[5]?.trace().values).toEqual([1, 2]);
    expect(seen.history.every((h) => h.loadAhead === undefined)).toBe(true);
  });

  it('has no observation at the very start of the trace', () => {
    const seen = { obs: [] as Observation[], history: [] as History[] };
    simulate({ trace: prepareTrace(perMinute([5, 6]), MINUTE, 'perSecond'), perReplica: 100, warmupMs: 0, initialReplicas: 1, policy: scripted([1], seen) });
    expect(seen.obs.map((o) => o.load)).toEqual([NaN, 5]);
  });

  it.each([
    { what: 'start off the tick grid', extra: { start: 30_000 } },
    { what: 'evalStart before start', extra: { start: MINUTE, evalStart: 0 } },
    { what: 'perReplica 0', extra: { perReplica: 0 } },
    { what: 'fractional initial replicas', extra: { initialReplicas: 1.5 } },
  ])('rejects $what', ({ extra }) => {
    expect(() => run([1, 2, 3], [1], extra)).toThrow(RangeError);
  });
});

describe('simulate: accounting adds up (properties)', () => {
  const loads = fc.array(fc.double({ min: 0, max: 2000, noNaN: true }), { minLength: 1, maxLength: 40 });
  const scripts = fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 40 });
  it('served + unserved = arrivals; replica-hours = Σ desired × tick; ready ≤ desired', () => {
    fc.assert(
      fc.property(loads, scripts, fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 4 }), (load, script, warmTicks, initial) => {
        const evalFrom = Math.floor(load.length / 3);
        const r = run(load, script, { warmupMs: warmTicks * MINUTE, initialReplicas: initial, evalStart: evalFrom * MINUTE });
        const { series, totals } = r;
        expect(totals.served + totals.unserved).toBeCloseTo(totals.arrivals, 6);
        const scored = series.desired.slice(evalFrom);
        expect(totals.replicaHours).toBeCloseTo(scored.reduce((a, b) => a + b, 0) / 60, 9);
        expect(totals.arrivals).toBeCloseTo(series.load.slice(evalFrom).reduce((a, b) => a + b, 0) * 60, 6);
        for (let i = 0; i < series.load.length; i++) {
          expect(series.ready[i]).toBeLessThanOrEqual(Math.max(series.desired[i] as number, 0));
          // Exact up to the float slack of demandOf (a shortfall below perReplica · 1e-9 is noise).
          expect(series.unserved[i]).toBeCloseTo(Math.max(0, (series.load[i] as number) - (series.capacity[i] as number)), 6);
        }
      }),
    );
  });
});

describe('simulate: per-tick annotations', () => {
  /** Annotates odd ticks only: the forecast it "held" and which part decided. */
  const annotating: Policy<null> = {
    name: 'annotating',
    init: () => null,
    step: (state, o) => ({ state, desired: 1, ...(o.tick % 2 === 1 && { forecast: { median: 10 * o.tick, provisioned: 20 * o.tick }, decidedBy: 'forecast' }) }),
  };

  it('collects the forecast a policy held per tick, NaN where it gave none', () => {
    const r = run([1, 1, 1, 1], [1], { policy: annotating });
    expect(r.series.forecast).toEqual({ median: [NaN, 10, NaN, 30], provisioned: [NaN, 20, NaN, 60] });
    expect(r.series.decidedBy).toEqual(['', 'forecast', '', 'forecast']);
  });

  it('no columns for a policy that never annotates', () => {
    const r = run([1, 1], [1]);
    expect(r.series.forecast).toBeUndefined();
    expect(r.series.decidedBy).toBeUndefined();
  });
});
