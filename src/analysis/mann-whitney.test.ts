// Mann–Whitney U, one-sided "canary greater": known answers, cross-checks and invariants.
import fc from 'fast-check';
import { wilcoxonRankSum } from 'simple-statistics';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../spec/random.js';
import { mannWhitneyGreater } from './mann-whitney.js';

const rel = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

describe('known values', () => {
  // Expected U and p from scipy.stats.mannwhitneyu(canary, baseline, alternative='greater',
  // method='asymptotic', use_continuity=True), scipy 1.17.1.
  it.each([
    // The header's worked example: one tie across the sides, U = 8.5 of 9 pairs.
    { what: 'a tie across the sides', canary: [3, 4, 5], baseline: [1, 2, 3], u: 8.5, p: 0.060591636418731595 },
    // Every canary value below every baseline value: U = 0, no sign of "slower".
    { what: 'canary entirely faster', canary: [1, 2, 3], baseline: [4, 5, 6], u: 0, p: 0.9854518341293739 },
    { what: 'no ties, unequal sizes', canary: [12, 15, 19, 22, 25, 31], baseline: [8, 10, 11, 14, 16, 18, 20], u: 34, p: 0.037072765555703414 },
    // Three tie groups of sizes 3, 4 and 5: the tie correction matters here.
    { what: 'heavy ties', canary: [1, 1, 2, 2, 2, 3], baseline: [1, 2, 2, 3, 3, 3, 3], u: 12, p: 0.9261134606790908 },
    // 50..149 against 0..99: 8750 of 10 000 pairs slower, z ≈ 9.2.
    { what: 'a large shift', canary: Array.from({ length: 100 }, (_, i) => 50 + i), baseline: Array.from({ length: 100 }, (_, i) => i), u: 8750, p: 2.555289117638803e-20 },
  ])('$what: U = $u, p = $p', ({ canary, baseline, u, p }) => {
    const r = mannWhitneyGreater(canary, baseline);
    expect(r.u).toBe(u);
    expect(rel(r.p, p)).toBeLessThan(1e-6);
  });

  it('the worked example step by step: μ 4.5, σ² 5.1, z 1.550', () => {
    const r = mannWhitneyGreater([3, 4, 5], [1, 2, 3]);
    expect(r.mean).toBe(4.5);
    expect(r.sd * r.sd).toBeCloseTo(5.1, 12);
    expect(r.z).toBeCloseTo(3.5 / Math.sqrt(5.1), 12);
    expect(r.effect).toBeCloseTo(8.5 / 9, 12);
  });

  it('all values equal: variance 0, no evidence, p = 1', () => {
    const r = mannWhitneyGreater([7, 7, 7], [7, 7]);
    expect(r).toMatchObject({ u: 3, mean: 3, sd: 0, z: 0, p: 1, effect: 0.5 });
  });

  it('empty samples are a programming error', () => {
    expect(() => mannWhitneyGreater([], [1])).toThrow(RangeError);
    expect(() => mannWhitneyGreater([1], [])).toThrow('Mann–Whitney needs two non-empty samples (canary 1, baseline 0)');
  });

  it('does not reorder the caller’s arrays', () => {
    const canary = [5, 1, 3];
    const baseline = [4, 2];
    mannWhitneyGreater(canary, baseline);
    expect(canary).toEqual([5, 1, 3]);
    expect(baseline).toEqual([4, 2]);
  });
});

describe('invariants', () => {
  // Seeded samples of whole milliseconds, so ties are common.
  const sample = (seed: number, n: number, scale: number): number[] => {
    const r = mulberry32(seed);
    return Array.from({ length: n }, () => Math.round(r() * scale));
  };
  const samples = fc.record({ seed: fc.integer(), nc: fc.integer({ min: 1, max: 60 }), nb: fc.integer({ min: 1, max: 60 }), scale: fc.integer({ min: 1, max: 100 }) });

  it('U agrees with simple-statistics’ rank sum: U = W − n(n+1)/2', () => {
    fc.assert(
      fc.property(samples, ({ seed, nc, nb, scale }) => {
        const canary = sample(seed, nc, scale);
        const baseline = sample(seed + 1, nb, scale);
        expect(mannWhitneyGreater(canary, baseline).u).toBeCloseTo(wilcoxonRankSum(canary, baseline) - (nc * (nc + 1)) / 2, 9);
      }),
      { seed: 42 },
    );
  });

  it('U of one side plus U of the other is n_c·n_b, and p is in [0, 1]', () => {
    fc.assert(
      fc.property(samples, ({ seed, nc, nb, scale }) => {
        const canary = sample(seed, nc, scale);
        const baseline = sample(seed + 1, nb, scale);
        const ab = mannWhitneyGreater(canary, baseline);
        const ba = mannWhitneyGreater(baseline, canary);
        expect(ab.u + ba.u).toBeCloseTo(nc * nb, 9);
        expect(ab.sd).toBeCloseTo(ba.sd, 9);
        for (const p of [ab.p, ba.p]) {
          expect(p).toBeGreaterThanOrEqual(0);
          expect(p).toBeLessThanOrEqual(1);
        }
      }),
      { seed: 43 },
    );
  });
});
