// The HPA ratio with its tolerance band and the starting-replica damping, on hand-worked
// examples, and its monotonicity in the load.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScalingMetric, ScalingTarget } from '../spec/types.js';
import { reactiveDesired } from './reactive.js';

const rps: ScalingTarget = { metric: 'rps', valuePerReplica: 200, utilization: 0.7 }; // 140 req/s per replica
const cpu: ScalingTarget = { metric: 'cpu', valuePerReplica: 100, utilization: 0.75 }; // 75 %

describe('reactiveDesired', () => {
  it.each([
    { what: 'HPA ratio: 280 per replica at a 140 target doubles 4 → 8', target: rps, load: 1120, ready: 4, current: 4, desired: 8, source: 'reactive' },
    { what: 'HPA ratio down: 35 per replica → ⌈0.25 × 4⌉ = 1', target: rps, load: 140, ready: 4, current: 4, desired: 1, source: 'reactive' },
    { what: 'tolerance: ratio 1.05 is within ±10 %', target: rps, load: 588, ready: 4, current: 4, desired: 4, source: 'tolerance' },
    { what: 'tolerance edge: ratio 1.1 exactly holds', target: rps, load: 616, ready: 4, current: 4, desired: 4, source: 'tolerance' },
    { what: 'tolerance below: ratio 0.9 holds', target: rps, load: 504, ready: 4, current: 4, desired: 4, source: 'tolerance' },
    { what: 'just outside: ratio 0.85 → ⌈3.4⌉ = 4, no change either way', target: rps, load: 476, ready: 4, current: 4, desired: 4, source: 'reactive' },
    { what: 'starting replicas dampen: 700 over 4 ready is 1.25, over 6 it is 0.83', target: rps, load: 700, ready: 4, current: 6, desired: 6, source: 'tolerance' },
    { what: 'starting replicas do not stop a real rise: 1400 / 140 = 10', target: rps, load: 1400, ready: 4, current: 6, desired: 10, source: 'reactive' },
    { what: 'none ready: the total is spread over the starting ones → ⌈420 / 140⌉', target: rps, load: 420, ready: 0, current: 2, desired: 3, source: 'reactive' },
    { what: 'none ready nor starting: as over one replica', target: rps, load: 300, ready: 0, current: 0, desired: 3, source: 'reactive' },
    { what: 'cpu: 90 % on 50 at a 75 % target → 60 (Kubernetes v1.33 blog)', target: cpu, load: 90, ready: 50, current: 50, desired: 60, source: 'reactive' },
    { what: 'cpu: 30 % on 10 at 75 % → 4', target: cpu, load: 30, ready: 10, current: 10, desired: 4, source: 'reactive' },
    { what: 'cpu: no ready replica → hold', target: cpu, load: 0, ready: 0, current: 3, desired: 3, source: 'reactive' },
    { what: 'under target never adds: ready above current (draining)', target: rps, load: 700, ready: 8, current: 4, desired: 4, source: 'reactive' },
  ])('$what', ({ target, load, ready, current, desired, source }) => {
    const out = reactiveDesired(target, 0.1, { load, readyReplicas: ready, currentReplicas: current });
    expect(out.desired).toBe(desired);
    expect(out.reasons.map((r) => r.source)).toEqual([source]);
  });

  it('reports the ratio and both per-replica loads', () => {
    expect(reactiveDesired(rps, 0.1, { load: 1120, readyReplicas: 4, currentReplicas: 4 }).reasons).toEqual([
      { source: 'reactive', observed: 1120, perReplica: 140, ratio: 2, replicas: 8, observedPerReplica: 280 },
    ]);
  });

  it('more load never gives a lower recommendation', () => {
    const metric = fc.constantFrom<ScalingMetric>('rps', 'concurrency', 'cpu');
    fc.assert(
      fc.property(
        metric,
        fc.double({ min: 0.1, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        fc.double({ min: 0, max: 5000, noNaN: true }),
        fc.double({ min: 0, max: 5000, noNaN: true }),
        (m, utilization, tolerance, ready, current, a, b) => {
          const target: ScalingTarget = { metric: m, valuePerReplica: m === 'cpu' ? 100 : 50, utilization };
          const scale = m === 'cpu' ? 1 / 50 : 1;
          const [lo, hi] = a <= b ? [a * scale, b * scale] : [b * scale, a * scale];
          const low = reactiveDesired(target, tolerance, { load: lo, readyReplicas: ready, currentReplicas: current });
          const high = reactiveDesired(target, tolerance, { load: hi, readyReplicas: ready, currentReplicas: current });
          expect(high.desired).toBeGreaterThanOrEqual(low.desired);
        },
      ),
    );
  });
});
