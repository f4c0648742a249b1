// The KPA model at tick resolution: stable-window sizing, panic holding a scale-down, the
// scale-down rate limit.
import { describe, expect, it } from 'vitest';
import { MINUTE, SECOND } from '../spec/duration.js';
import { millis } from '../spec/units.js';
import { knativePolicy } from './knative.js';
import { prepareTrace, simulate } from './simulate.js';

const trace = (rps: readonly number[], stepMs = MINUTE) => prepareTrace({ start: millis(0), stepMs, values: [...rps] }, stepMs, 'perSecond');
const run = (rps: readonly number[], initialReplicas: number, stepMs = MINUTE) =>
  simulate({ trace: trace(rps, stepMs), perReplica: 100, warmupMs: 0, initialReplicas, policy: knativePolicy() }).series.desired;

describe('knative-like (KPA defaults)', () => {
  it.each([
    { what: 'sizes to the last tick at 70 % target', load: [140, 140, 210], initial: 2, expected: [2, 2, 2] },
    { what: 'follows a rise at the next tick', load: [140, 700, 700], initial: 2, expected: [2, 2, 10] },
    // Scale-down is limited to halving: 16 → 8 → 4 → 2.
    { what: 'halves at most per decision', load: [1120, 10, 10, 10, 10], initial: 16, expected: [16, 16, 8, 4, 2] },
  ])('$what', ({ load, initial, expected }) => {
    expect(run(load, initial)).toEqual(expected);
  });

  it('panic (≥ 2× ready at target) holds the count for a stable window after the burst', () => {
    // Tick 2 sees 700 rps with 2 ready: 10 pods ≥ 2 × 2 → panic at 120 s. Tick 3 sees the load
    // fall back but the panic is only 60 s old: hold 10. Tick 4 (more than 60 s): out of panic,
    // down at the scale-down rate limit (halving) to 5, then 2.
    expect(run([140, 700, 140, 140, 140, 140], 2)).toEqual([2, 2, 10, 10, 5, 2]);
  });

  it('at 10 s ticks the stable window averages the last 6 ticks', () => {
    const load = [...Array<number>(6).fill(210), ...Array<number>(7).fill(350)];
    const desired = run(load, 3, 10 * SECOND);
    // Tick 7 sees one tick of 350 among six: mean 233.3 → 4 pods (no panic: 5 / 3 < 2);
    // tick 12 sees six of 350 → 5.
    expect(desired[7]).toBe(4);
    expect(desired[12]).toBe(5);
  });
});
