// Type-7 quantiles (linear interpolation), as numpy.quantile's default.
import { expect, it } from 'vitest';
import { quantileSorted, sortedCopy } from './quantile.js';

const oneTo200 = Array.from({ length: 200 }, (_, i) => i + 1);

it.each([
  // h = 199 × 0.99 = 197.01 → 198 + 0.01 × (199 − 198)
  { what: 'p99 of 1..200', xs: oneTo200, q: 0.99, expected: 198.01 },
  // h = 199 × 0.5 = 99.5 → halfway between 100 and 101
  { what: 'p50 of 1..200', xs: oneTo200, q: 0.5, expected: 100.5 },
  { what: 'p95 of 1..200', xs: oneTo200, q: 0.95, expected: 190.05 },
  { what: 'one sample', xs: [7], q: 0.99, expected: 7 },
  { what: 'q = 0 is the minimum', xs: [1, 5, 9], q: 0, expected: 1 },
  { what: 'q = 1 is the maximum', xs: [1, 5, 9], q: 1, expected: 9 },
])('$what → $expected', ({ xs, q, expected }) => {
  expect(quantileSorted(xs, q)).toBeCloseTo(expected, 9);
});

it('an empty sample throws; sortedCopy leaves its input alone', () => {
  expect(() => quantileSorted([], 0.5)).toThrow('quantile of an empty sample');
  const xs = [3, 1, 2];
  expect(sortedCopy(xs)).toEqual([1, 2, 3]);
  expect(xs).toEqual([3, 1, 2]);
});
