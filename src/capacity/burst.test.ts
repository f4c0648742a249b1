// Burst (panic) mode: entered above twice the ready capacity, held while the load stays
// high, left a panic window after the load last was above the threshold; never for cpu.
import { describe, expect, it } from 'vitest';
import type { ScalingTarget } from '../spec/types.js';
import { millis } from '../spec/units.js';
import { burstStep, PANIC_WINDOW_MS } from './burst.js';

const rps: ScalingTarget = { metric: 'rps', valuePerReplica: 200, utilization: 0.7 };

describe('burstStep', () => {
  it('enters above 2 × ready capacity with ⌈load / target⌉', () => {
    expect(burstStep(rps, 900, 2, millis(0), null)).toEqual({ state: { enteredAt: 0, lastAboveAt: 0 }, readyCapacity: 400, desired: 7 });
  });
  it.each([
    { what: 'exactly 2 × ready capacity is not a burst', load: 800, ready: 2 },
    { what: 'no load with nothing ready is not a burst', load: 0, ready: 0 },
  ])('$what', ({ load, ready }) => {
    expect(burstStep(rps, load, ready, millis(0), null).state).toBeNull();
  });
  it('any load with nothing ready is a burst (scale from zero)', () => {
    expect(burstStep(rps, 10, 0, millis(0), null)).toMatchObject({ readyCapacity: 0, desired: 1 });
  });
  it.each([
    { what: 'still above: stays, keeps its start', load: 2000, now: 30_000, expected: { enteredAt: 0, lastAboveAt: 30_000 } },
    { what: 'below, within the panic window: stays', load: 100, now: 10_000 + PANIC_WINDOW_MS - 1, expected: { enteredAt: 0, lastAboveAt: 10_000 } },
    { what: 'below for the whole panic window: leaves', load: 100, now: 10_000 + PANIC_WINDOW_MS, expected: null },
  ])('$what', ({ load, now, expected }) => {
    const out = burstStep(rps, load, 2, millis(now), { enteredAt: millis(0), lastAboveAt: millis(10_000) });
    expect(out.state).toEqual(expected);
  });
  it('does not apply to cpu (an average percent cannot be twice the capacity)', () => {
    expect(burstStep({ metric: 'cpu', valuePerReplica: 100, utilization: 0.7 }, 100, 1, millis(0), null).state).toBeNull();
  });
});
