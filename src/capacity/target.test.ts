// Target per replica and rounding to whole replicas, with the floating-point cases that
// motivated the slack.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ceilReplicas, clamp, targetPerReplica } from './target.js';

describe('targetPerReplica', () => {
  it.each([
    { metric: 'rps' as const, valuePerReplica: 200, utilization: 0.7, expected: 140 },
    { metric: 'concurrency' as const, valuePerReplica: 4, utilization: 0.5, expected: 2 },
    { metric: 'cpu' as const, valuePerReplica: 100, utilization: 0.7, expected: 70 },
  ])('$metric $valuePerReplica × $utilization = $expected', (t) => {
    expect(targetPerReplica(t)).toBeCloseTo(t.expected, 12);
  });
});

describe('ceilReplicas', () => {
  it.each([
    { x: 0, expected: 0 },
    { x: -3, expected: 0 },
    { x: 2, expected: 2 },
    { x: 2.01, expected: 3 },
    { x: (15 * 0.7) / 0.7, expected: 15 }, // 15.000000000000002
    { x: 100 * 1.1, expected: 110 }, // 110.00000000000001
    { x: 1300 / 140, expected: 10 },
  ])('⌈$x⌉ = $expected', ({ x, expected }) => {
    expect(ceilReplicas(x)).toBe(expected);
  });

  it('is monotone and never more than one above x', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }), (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(ceilReplicas(lo)).toBeLessThanOrEqual(ceilReplicas(hi));
        expect(ceilReplicas(hi)).toBeLessThan(hi + 1);
      }),
    );
  });
});

it.each([
  { x: 0, expected: 1 },
  { x: 5, expected: 5 },
  { x: 12, expected: 10 },
])('clamp($x, 1, 10) = $expected', ({ x, expected }) => {
  expect(clamp(x, 1, 10)).toBe(expected);
});
