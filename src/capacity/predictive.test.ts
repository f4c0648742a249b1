// The predictive part on hand-worked forecasts: the formula, the window maximum, the
// scheduling buffer (fixed and auto), both maxCapacityBreach behaviours, the cpu conversion
// through the learned line, and every way of having no forecast.
import { describe, expect, it } from 'vitest';
import { millis } from '../spec/units.js';
import type { CpuFit } from './cpu-model.js';
import { scalingSpec, type SpecPatch } from './fixtures.test.js';
import { planPredictive, predictiveCeiling } from './predictive.js';

const minute = 60_000;
/** A forecast starting at 0 with one value per minute. */
const perMinute = (values: number[]) => ({ start: millis(0), stepMs: minute, values });

describe('predictiveCeiling', () => {
  it.each([
    { breach: 'HonorMaxCapacity' as const, buffer: 0, max: 10, expected: 10 },
    { breach: 'IncreaseMaxCapacity' as const, buffer: 0, max: 10, expected: 10 },
    { breach: 'IncreaseMaxCapacity' as const, buffer: 20, max: 10, expected: 12 },
    { breach: 'IncreaseMaxCapacity' as const, buffer: 25, max: 10, expected: 13 },
    { breach: 'IncreaseMaxCapacity' as const, buffer: 10, max: 100, expected: 110 },
  ])('$breach +$buffer % of $max → $expected', ({ breach, buffer, max, expected }) => {
    expect(predictiveCeiling(scalingSpec({ maxReplicas: max, predictive: { maxCapacityBreach: breach, maxCapacityBuffer: buffer } }))).toBe(expected);
  });
});

describe('planPredictive', () => {
  const plan = (patch: SpecPatch, values: number[], extra: { now?: number; warmupP95Ms?: number; cpuFit?: CpuFit } = {}) =>
    planPredictive({ spec: scalingSpec(patch), now: millis(extra.now ?? 0), tickMs: 10_000, forecast: perMinute(values), warmupP95Ms: extra.warmupP95Ms, cpuFit: extra.cpuFit });

  it('⌈max over [now, now + buffer + tick] / target⌉: 1300 req/s in minute 2 → 10 (a rise inside the buffer is not missed)', () => {
    // Buffer 2 m, tick 10 s → window [0, 130 s] → minutes 0, 1, 2 → max 1300; 1300 / 140 = 9.3.
    expect(plan({}, [100, 300, 1300, 5000])).toEqual({
      kind: 'planned',
      replicas: 10,
      ceiling: 10,
      reasons: [{ source: 'forecast', q: 0.9, at: 120_000, load: 1300, perReplica: 140, replicas: 10, bufferMs: 120_000, windowEnd: 130_000 }],
    });
  });

  it.each([
    { what: 'Honor: 2000 req/s → 15, clamped to max 10', patch: {}, values: [2000], replicas: 10, bounds: { min: 1, max: 10, unclamped: 15, replicas: 10 } },
    { what: 'Increase 20 %: 15 clamped to the ceiling 12', patch: { predictive: { maxCapacityBreach: 'IncreaseMaxCapacity' as const, maxCapacityBuffer: 20 } }, values: [2000], replicas: 12, bounds: { min: 1, max: 12, unclamped: 15, replicas: 12 } },
    { what: 'Increase 20 %: 1500 → 11, above max and within the ceiling', patch: { predictive: { maxCapacityBreach: 'IncreaseMaxCapacity' as const, maxCapacityBuffer: 20 } }, values: [1500], replicas: 11, bounds: undefined },
    { what: 'no load → minReplicas', patch: { minReplicas: 2 }, values: [0], replicas: 2, bounds: { min: 2, max: 10, unclamped: 0, replicas: 2 } },
  ])('$what', ({ patch, values, replicas, bounds }) => {
    const out = plan(patch, values);
    expect(out).toMatchObject({ kind: 'planned', replicas });
    expect(out.reasons.find((r) => r.source === 'bounds')).toEqual(bounds === undefined ? undefined : { source: 'bounds', ...bounds });
  });

  it.each([
    // auto = warm-up + one tick, and the window adds one more tick.
    { what: 'warm-up 90 s: buffer 100 s, window to 110 s → minutes 0–1 → 100 req/s → 1', warmup: 90_000, replicas: 1, bufferMs: 100_000 },
    { what: 'warm-up 130 s: buffer 140 s, window to 150 s reaches minute 2 → 1400 → 10', warmup: 130_000, replicas: 10, bufferMs: 140_000 },
    { what: 'no warm-up measured: 60 s default + tick = 70 s', warmup: undefined, replicas: 1, bufferMs: 70_000 },
  ])('auto buffer, $what', ({ warmup, replicas, bufferMs }) => {
    const out = plan({ predictive: { schedulingBuffer: { kind: 'auto' } } }, [100, 100, 1400], { warmupP95Ms: warmup });
    expect(out).toMatchObject({ kind: 'planned', replicas });
    expect(out.reasons[0]).toMatchObject({ source: 'forecast', bufferMs, at: bufferMs });
  });

  it('cpu: the req/s forecast through the learned line — (70 − 10) / 1.5 = 40 req/s per replica → 1000 / 40 = 25', () => {
    const cpuFit: CpuFit = { kind: 'fit', slope: 1.5, intercept: 10, samples: 40 };
    const out = plan({ maxReplicas: 30, target: { metric: 'cpu', valuePerReplica: 100, utilization: 0.7 } }, [1000], { cpuFit });
    expect(out).toMatchObject({ kind: 'planned', replicas: 25 });
    expect(out.reasons).toEqual([
      { source: 'cpu-model', slope: 1.5, intercept: 10, samples: 40 },
      expect.objectContaining({ source: 'forecast', load: 1000, perReplica: 40, replicas: 25 }),
    ]);
  });

  const cpuTarget = { target: { metric: 'cpu' as const, valuePerReplica: 100, utilization: 0.7 } };
  it.each([
    { what: 'no forecast', run: () => planPredictive({ spec: scalingSpec(), now: millis(0), tickMs: 10_000 }), why: 'no forecast yet' },
    { what: 'a forecast from the past', run: () => plan({}, [100], { now: 2 * minute }), why: 'forecast covers [0, 60000) ms, not now (120000)' },
    { what: 'cpu without a learned line', run: () => plan(cpuTarget, [100], { cpuFit: { kind: 'unfit', why: 'cpu: load → CPU relation not learned yet (3 of 30 samples)' } }), why: 'cpu: load → CPU relation not learned yet (3 of 30 samples)' },
    { what: 'cpu: idle CPU already above target', run: () => plan(cpuTarget, [100], { cpuFit: { kind: 'fit', slope: 1, intercept: 75, samples: 30 } }), why: 'cpu: an idle replica already uses 75 % CPU, at or above the 70 % target' },
    { what: 'cpu: CPU does not rise with requests', run: () => plan(cpuTarget, [100], { cpuFit: { kind: 'fit', slope: 0, intercept: 20, samples: 30 } }), why: 'cpu: learned slope 0 %/(req/s) is not positive, so requests do not predict CPU' },
  ])('no-forecast: $what', ({ run, why }) => {
    expect(run()).toEqual({ kind: 'none', reasons: [{ source: 'no-forecast', why }] });
  });
});
