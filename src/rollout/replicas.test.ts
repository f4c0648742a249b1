// The replica arithmetic: the worked examples of replicas.ts as a table, then its invariants.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canaryScaleReplicas, shareOf, splitReplicas, weightCoveredBy } from './replicas.js';

describe('shareOf: ⌈need × w / 100⌉, at least 1 when w > 0', () => {
  it.each([
    [10, 10, 1],
    [10, 90, 9],
    [7, 10, 1],
    [7, 90, 7], // ⌈6.3⌉
    [0, 10, 1], // traffic needs a replica even when the forecast says no load
    [5, 0, 0],
    [10, 30, 3], // exactly 3, not 3.0000000000000004 → 4
    [3, 100, 3],
    [100, 1, 1],
    [101, 1, 2],
  ])('need %i, weight %i → %i', (need, weight, expected) => {
    expect(shareOf(need, weight)).toBe(expected);
  });
});

describe('weightCoveredBy: the largest weight ready replicas can serve', () => {
  it.each([
    [7, 10, 70],
    [3, 7, 42], // ⌈7 × 0.42⌉ = 3, ⌈7 × 0.43⌉ = 4
    [1, 0, 100],
    [0, 5, 0],
    [12, 10, 100],
  ])('ready %i of need %i → %i %%', (ready, need, expected) => {
    expect(weightCoveredBy(ready, need)).toBe(expected);
  });

  it('is the inverse of shareOf (brute force over every weight)', () => {
    fc.assert(
      fc.property(fc.nat(60), fc.nat(300), (ready, need) => {
        let best = 0;
        for (let w = 0; w <= 100; w++) if (shareOf(need, w) <= ready) best = w;
        expect(weightCoveredBy(ready, need)).toBe(best);
      }),
    );
  });
});

describe('splitReplicas', () => {
  it('never leaves a side short and over-provisions by at most one replica', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.integer({ min: 0, max: 100 }), (need, w) => {
        const { canary, stable } = splitReplicas(need, w);
        expect(canary + stable).toBeGreaterThanOrEqual(need);
        // Both sides round up, so a spare replica at most; min-1 rules add one each at need 0.
        expect(canary + stable).toBeLessThanOrEqual(Math.max(need + 1, 2));
        expect(canary).toBeGreaterThanOrEqual((need * w) / 100);
        expect(stable).toBeGreaterThanOrEqual((need * (100 - w)) / 100);
      }),
    );
  });

  it('more weight never means fewer canary replicas', () => {
    fc.assert(
      fc.property(fc.nat(500), fc.integer({ min: 0, max: 99 }), (need, w) => {
        expect(shareOf(need, w + 1)).toBeGreaterThanOrEqual(shareOf(need, w));
      }),
    );
  });
});

it.each([
  [{ kind: 'replicas' as const, replicas: 2 }, 10, 2],
  [{ kind: 'weight' as const, weight: 50 }, 8, 4],
  [{ kind: 'weight' as const, weight: 100 }, 7, 7],
  [{ kind: 'matchTrafficWeight' as const }, 7, 0],
  [null, 7, 0],
])('canaryScaleReplicas(%j, need %i) → %i', (scale, need, expected) => {
  expect(canaryScaleReplicas(scale, need)).toBe(expected);
});
