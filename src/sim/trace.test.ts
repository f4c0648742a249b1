// Trace → per-tick load: unit conversion, gap holding, holding and averaging at the tick, and
// the demand rounding every metric relies on.
import { describe, expect, it } from 'vitest';
import { millis } from '../spec/units.js';
import { demandOf, holdGaps, tickLoads, toRps } from './trace.js';

const s = (stepMs: number, values: number[]) => ({ start: millis(0), stepMs, values });

describe('toRps', () => {
  it('divides counts per step by the step in seconds', () => {
    expect(toRps(s(300_000, [600, 3000]), 'perStep').values).toEqual([2, 10]);
    expect(toRps(s(300_000, [2, 10]), 'perSecond').values).toEqual([2, 10]);
  });
});

describe('holdGaps', () => {
  it.each([
    { values: [NaN, 2, NaN, NaN, 5, NaN], expected: [2, 2, 2, 2, 5, 5] },
    { values: [1, 2, 3], expected: [1, 2, 3] },
    { values: [0, NaN], expected: [0, 0] },
  ])('$values → $expected', ({ values, expected }) => {
    expect(holdGaps(values)).toEqual(expected);
  });
  it('throws when nothing was observed', () => {
    expect(() => holdGaps([NaN, NaN])).toThrow(RangeError);
    expect(() => holdGaps([])).toThrow(RangeError);
  });
});

describe('tickLoads', () => {
  it.each([
    { what: 'holds a 5-minute step over 1-minute ticks', step: 300_000, values: [1, 3], tick: 60_000, expected: [1, 1, 1, 1, 1, 3, 3, 3, 3, 3] },
    { what: 'averages 5-minute steps into 10-minute ticks', step: 300_000, values: [1, 3], tick: 600_000, expected: [2] },
    { what: 'drops a partial tick at the end', step: 300_000, values: [1, 3, 5], tick: 600_000, expected: [2] },
    { what: 'tick = step', step: 60_000, values: [4, NaN, 6], tick: 60_000, expected: [4, 4, 6] },
  ])('$what', ({ step, values, tick, expected }) => {
    expect(tickLoads(s(step, values), tick)).toEqual({ start: 0, tickMs: tick, loads: expected });
  });
  it.each([
    { step: 300_000, tick: 70_000 },
    { step: 300_000, tick: 450_000 },
    { step: 300_000, tick: 0 },
  ])('rejects tick $tick with step $step', ({ step, tick }) => {
    expect(() => tickLoads(s(step, [1, 2]), tick)).toThrow(RangeError);
  });
});

describe('demandOf', () => {
  it.each([
    { load: 0, per: 100, expected: 0 },
    { load: 100, per: 100, expected: 1 },
    { load: 100.5, per: 100, expected: 2 },
    { load: 0.1 + 0.2, per: 0.1, expected: 3 }, // 3.0000000000000004 is still 3 replicas
    { load: NaN, per: 100, expected: 0 },
  ])('$load at $per per replica → $expected', ({ load, per, expected }) => {
    expect(demandOf(load, per)).toBe(expected);
  });
});
