// The oracle: the worked example, never a miss after the first warm-up, and no policy that
// never misses pays less.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MINUTE } from '../spec/duration.js';
import { millis } from '../spec/units.js';
import { oraclePolicy } from './oracle.js';
import type { Policy } from './policy.js';
import { prepareTrace, simulate } from './simulate.js';
import { demandOf } from './trace.js';

const trace = (rps: readonly number[]) => prepareTrace({ start: millis(0), stepMs: MINUTE, values: [...rps] }, MINUTE, 'perSecond');

describe('oracle', () => {
  it('worked example: warm-up 2 ticks, demand 1 1 1 5 5 1 1 → desired 1 5 5 5 5 1 1', () => {
    const r = simulate({ trace: trace([100, 100, 100, 500, 500, 100, 100]), perReplica: 100, warmupMs: 2 * MINUTE, initialReplicas: 1, policy: oraclePolicy() });
    expect(r.series.desired).toEqual([1, 5, 5, 5, 5, 1, 1]);
    expect(r.series.ready).toEqual([1, 1, 1, 5, 5, 1, 1]);
    expect(r.totals.missTicks).toBe(0);
  });

  const loads = fc.array(fc.double({ min: 0, max: 3000, noNaN: true }), { minLength: 1, maxLength: 50 });
  const warmups = fc.integer({ min: 0, max: 300_000 });

  it('never misses after the first warm-up', () => {
    fc.assert(
      fc.property(loads, warmups, fc.integer({ min: 1, max: 5 }), (load, warmupMs, initial) => {
        const lead = Math.ceil(warmupMs / MINUTE);
        const r = simulate({ trace: trace(load), perReplica: 100, warmupMs, initialReplicas: initial, policy: oraclePolicy() });
        for (let i = lead; i < load.length; i++) expect(r.series.unserved[i]).toBe(0);
      }),
    );
  });

  it('no policy that never misses after the warm-up pays less', () => {
    // Candidates: the oracle's own counts perturbed by −1…+2 per tick; those that never miss
    // (from tick `lead` on) must cost at least as much over the same window.
    fc.assert(
      fc.property(loads, warmups, fc.array(fc.integer({ min: -1, max: 2 }), { minLength: 50, maxLength: 50 }), (load, warmupMs, deltas) => {
        const lead = Math.ceil(warmupMs / MINUTE);
        fc.pre(lead < load.length);
        const base = { trace: trace(load), perReplica: 100, warmupMs, initialReplicas: 1, evalStart: lead * MINUTE };
        const oracle = simulate({ ...base, policy: oraclePolicy() });
        const wants = oracle.series.desired.map((d, i) => Math.max(1, d + (deltas[i] ?? 0)));
        const other: Policy<null> = { name: 'other', init: () => null, step: (s, o) => ({ state: s, desired: wants[o.tick] ?? 1 }) };
        const r = simulate({ ...base, policy: other });
        if (r.totals.missTicks === 0) expect(r.totals.replicaHours).toBeGreaterThanOrEqual(oracle.totals.replicaHours - 1e-12);
      }),
    );
  });

  it('provisions exactly to full capacity when the warm-up is 0', () => {
    const load = [120, 480, 90, 1000, 0];
    const r = simulate({ trace: trace(load), perReplica: 100, warmupMs: 0, initialReplicas: 1, minReplicas: 0, policy: oraclePolicy() });
    expect(r.series.desired).toEqual(load.map((l) => demandOf(l, 100)));
  });
});
