// Each metric with a hand-worked answer, then on a small simulation end to end.
import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../spec/duration.js';
import { millis } from '../spec/units.js';
import { changes, elasticityMetrics, policyMetrics } from './metrics.js';
import type { Policy } from './policy.js';
import { prepareTrace, simulate } from './simulate.js';

describe('changes', () => {
  it.each([
    { values: [1, 1, 2, 2, 1], previous: undefined, expected: 2 },
    { values: [1, 1, 2], previous: 3, expected: 2 },
    { values: [], previous: 1, expected: 0 },
  ])('$values after $previous → $expected', ({ values, previous, expected }) => {
    expect(changes(values, previous)).toBe(expected);
  });
});

describe('elasticityMetrics (SPEC RG)', () => {
  // Four 15-minute ticks, T = 1 hour.
  //   demand 1 3 2 0, supply 2 1 2 1
  //   tick 0: over by 1, relative 1/1; tick 1: under by 2, relative 2/3; tick 2: exact;
  //   tick 3: over by 1, relative 1/max(0, 1) = 1.
  //   accuracy_U = (2/3)/4 = 1/6, accuracy_O = (1 + 1)/4 = 1/2; in replicas 2/4 and 2/4;
  //   timeshare_U = 1/4, timeshare_O = 2/4; both curves change 3 times → jitter 0 per hour.
  it('a hand-worked window', () => {
    const m = elasticityMetrics({ demand: [1, 3, 2, 0], supply: [2, 1, 2, 1], tickMs: 15 * MINUTE });
    expect(m.accuracyU).toBeCloseTo(1 / 6, 12);
    expect(m.accuracyO).toBeCloseTo(1 / 2, 12);
    expect(m.accuracyUReplicas).toBe(0.5);
    expect(m.accuracyOReplicas).toBe(0.5);
    expect(m.timeshareU).toBe(0.25);
    expect(m.timeshareO).toBe(0.5);
    expect(m.jitter).toBe(0);
  });

  it.each([
    { what: 'oscillating supply under flat demand: +3 adaptations per hour', demand: [1, 1, 1, 1], supply: [1, 2, 1, 2], before: undefined, jitter: 3 },
    { what: 'flat supply under changing demand: −3 per hour', demand: [1, 2, 1, 2], supply: [2, 2, 2, 2], before: undefined, jitter: -3 },
    { what: 'the change into the window counts', demand: [1, 1, 1, 1], supply: [2, 2, 2, 2], before: { demand: 1, supply: 1 }, jitter: 1 },
  ])('jitter: $what', ({ demand, supply, before, jitter }) => {
    expect(elasticityMetrics({ demand, supply, tickMs: 15 * MINUTE, ...(before && { before }) }).jitter).toBe(jitter);
  });

  it('exact provisioning scores zero everywhere; an empty window too', () => {
    const zero = { accuracyU: 0, accuracyO: 0, accuracyUReplicas: 0, accuracyOReplicas: 0, timeshareU: 0, timeshareO: 0, jitter: 0 };
    expect(elasticityMetrics({ demand: [2, 3], supply: [2, 3], tickMs: HOUR })).toEqual({ ...zero, jitter: 0 });
    expect(elasticityMetrics({ demand: [], supply: [], tickMs: HOUR })).toEqual(zero);
    expect(() => elasticityMetrics({ demand: [1], supply: [], tickMs: HOUR })).toThrow(RangeError);
  });
});

describe('policyMetrics', () => {
  // 1-minute ticks, 100 rps per replica, warm-up 0; load 150 250 250 50 (rps);
  // the policy wants 2 2 3 1 → ready 2 2 3 1.
  //   tick 1: 250 > 200 → 50 rps unserved × 60 s = 3000 requests; arrivals (150+250+250+50)·60 = 42 000.
  //   replica-hours (2+2+3+1)/60; demand 2 3 3 1 vs supply 2 2 3 1 → timeshare_U 1/4, accuracy_U (1/3)/4;
  //   actions: 2→2→3→1 = 2 changes; supply changes 2, demand changes 2 → jitter 0.
  it('a hand-worked simulation', () => {
    const script = [2, 2, 3, 1];
    const policy: Policy<null> = { name: 'script', init: () => null, step: (s, o) => ({ state: s, desired: script[o.tick] ?? 1 }) };
    const trace = prepareTrace({ start: millis(0), stepMs: MINUTE, values: [150, 250, 250, 50] }, MINUTE, 'perSecond');
    const m = policyMetrics(simulate({ trace, perReplica: 100, warmupMs: 0, initialReplicas: 2, policy }));
    expect(m).toMatchObject({ policy: 'script', arrivals: 42_000, unserved: 3000, served: 39_000, ticks: 4, actions: 2, timeshareU: 0.25, timeshareO: 0, jitter: 0 });
    expect(m.replicaHours).toBeCloseTo(8 / 60, 12);
    expect(m.unservedShare).toBeCloseTo(3000 / 42_000, 12);
    expect(m.underProvisionedTimeShare).toBe(0.25);
    expect(m.accuracyU).toBeCloseTo(1 / 12, 12);
  });
});
