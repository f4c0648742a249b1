// The scheduling buffer: fixed as given, auto = measured warm-up (or the default) + one tick.
import { expect, it } from 'vitest';
import { millis } from '../spec/units.js';
import { DEFAULT_WARMUP_MS, schedulingBufferMs } from './buffer.js';

it.each([
  { what: 'fixed 5m', buffer: { kind: 'fixed' as const, durationMs: millis(300_000) }, tick: 10_000, warmup: 90_000, expected: { ms: 300_000, measured: true } },
  { what: 'auto, warm-up 90 s, tick 10 s', buffer: { kind: 'auto' as const }, tick: 10_000, warmup: 90_000, expected: { ms: 100_000, measured: true } },
  { what: 'auto, nothing measured', buffer: { kind: 'auto' as const }, tick: 10_000, warmup: undefined, expected: { ms: DEFAULT_WARMUP_MS + 10_000, measured: false } },
  { what: 'auto, NaN warm-up is not a measurement', buffer: { kind: 'auto' as const }, tick: 15_000, warmup: NaN, expected: { ms: 75_000, measured: false } },
])('$what → $expected.ms ms', ({ buffer, tick, warmup, expected }) => {
  expect(schedulingBufferMs(buffer, tick, warmup)).toEqual(expected);
});
