// PSI and two-sample Kolmogorov–Smirnov: known answers and invariants.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gaussian, mulberry32 } from '../spec/random.js';
import { kolmogorovSurvival, ksTwoSample, psi } from './drift.js';

const rel = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);
const repeat = (value: number, n: number): number[] => new Array<number>(n).fill(value);
/** 0.00, 0.01, …, 0.99: 100 distinct scores, so binned at deciles. */
const scores = Array.from({ length: 100 }, (_, i) => i * 0.01);

describe('PSI', () => {
  // Expected values computed independently with numpy (bins: np.quantile deciles and
  // np.searchsorted(side='left'); proportions floored at 1e-4).
  it.each([
    // The header's worked example: 50/50 → 80/20 is 0.3·ln 1.6 + 0.3·ln 2.5.
    { what: 'two classes, 50/50 → 80/20', baseline: [...repeat(0, 50), ...repeat(1, 50)], canary: [...repeat(0, 80), ...repeat(1, 20)], value: 0.41588830833596724, mode: 'categorical', bins: 2 },
    // A class the baseline never predicts, at 5 % of the canary: the ε floor makes it count.
    { what: 'a new class at 5 %', baseline: [...repeat(0, 50), ...repeat(1, 50)], canary: [...repeat(0, 45), ...repeat(1, 50), ...repeat(2, 5)], value: 0.31537696989415864, mode: 'categorical', bins: 3 },
    { what: 'three classes, 30/30/40 → 20/50/30', baseline: [...repeat(0, 30), ...repeat(1, 30), ...repeat(2, 40)], canary: [...repeat(0, 20), ...repeat(1, 50), ...repeat(2, 30)], value: 0.17147984280919268, mode: 'categorical', bins: 3 },
    // Uniform scores against their squares: the squares pile up in the low deciles.
    { what: 'scores x against x²', baseline: scores, canary: scores.map((x) => x * x), value: 0.39357086441927863, mode: 'deciles', bins: 10 },
  ])('$what: PSI $value over $bins $mode bins', ({ baseline, canary, value, mode, bins }) => {
    const r = psi(baseline, canary);
    expect(r.mode).toBe(mode);
    expect(r.bins).toBe(bins);
    expect(rel(r.psi, value)).toBeLessThan(1e-12);
  });

  it('50/50 → 60/40 is 0.1·ln 1.2 + 0.1·ln 1.25 = 0.0405 (the worked example)', () => {
    expect(psi([...repeat(0, 50), ...repeat(1, 50)], [...repeat(0, 60), ...repeat(1, 40)]).psi).toBeCloseTo(0.1 * Math.log(1.2) + 0.1 * Math.log(1.25), 12);
  });

  it('a baseline with many equal scores has fewer decile edges, hence fewer bins', () => {
    // 60 % of the baseline is exactly 0.5: the 3rd to 7th deciles (positions 29.7 … 69.3 of
    // 0 … 99) all fall on 0.5, so 9 edges dedupe to 5 (≈ 0.099, 0.438, 0.5, 0.56, 0.891): 6 bins.
    const baseline = [...scores.slice(0, 20), ...repeat(0.5, 60), ...scores.slice(80)];
    const r = psi(baseline, baseline);
    expect(r.mode).toBe('deciles');
    expect(r.bins).toBe(6);
    expect(r.psi).toBe(0);
  });

  it('empty samples are a programming error', () => {
    expect(() => psi([], [1])).toThrow('PSI needs two non-empty samples (baseline 0, canary 1)');
  });
});

describe('Kolmogorov–Smirnov', () => {
  // D from scipy.stats.ks_2samp, p = scipy.special.kolmogorov(√nₑ·D), scipy 1.17.1.
  it.each([
    { what: 'the worked example', baseline: [1, 2, 3, 4], canary: [3, 4, 5, 6], d: 0.5, p: 0.6993741991310154 },
    { what: 'scores x against x²', baseline: scores, canary: scores.map((x) => x * x), d: 0.25, p: 0.003860908244679527 },
    // Ties everywhere: the CDFs are compared only after every equal value.
    { what: 'two classes, 50/50 → 80/20', baseline: [...repeat(0, 50), ...repeat(1, 50)], canary: [...repeat(0, 80), ...repeat(1, 20)], d: 0.3, p: 0.0002468196081728957 },
    { what: 'half-overlapping ranges', baseline: Array.from({ length: 100 }, (_, i) => i), canary: Array.from({ length: 100 }, (_, i) => 50 + i), d: 0.5, p: 2.7775887729927942e-11 },
  ])('$what: D = $d, p = $p', ({ baseline, canary, d, p }) => {
    const r = ksTwoSample(baseline, canary);
    expect(r.d).toBeCloseTo(d, 12);
    expect(rel(r.p, p)).toBeLessThan(1e-6);
  });

  // scipy.special.kolmogorov, on both sides of the switch between the two series at 1.18.
  it.each([
    { lambda: 0.1, q: 1 },
    { lambda: 0.3, q: 0.9999906941986655 },
    { lambda: 0.5, q: 0.9639452436648751 },
    { lambda: 1.0, q: 0.26999967167735456 },
    { lambda: 1.17, q: 0.12939004218561884 },
    { lambda: 1.18, q: 0.1234538094297657 },
    { lambda: 1.36, q: 0.049485876755377876 },
    { lambda: 2, q: 0.0006709252557796953 },
    { lambda: 3, q: 3.045995948942526e-8 },
  ])('Q_KS($lambda) = $q', ({ lambda, q }) => {
    expect(rel(kolmogorovSurvival(lambda), q)).toBeLessThan(1e-9);
  });

  it('Q_KS of 0 or less is 1', () => {
    expect(kolmogorovSurvival(0)).toBe(1);
    expect(kolmogorovSurvival(-1)).toBe(1);
  });
});

describe('invariants', () => {
  /** Seeded predictions: class indices (0..classes−1) or continuous scores (gaussian). */
  const predictions = (seed: number, n: number, classes: number): number[] => {
    if (classes > 0) {
      const r = mulberry32(seed);
      return Array.from({ length: n }, () => Math.floor(r() * classes));
    }
    const g = gaussian(seed);
    return Array.from({ length: n }, () => g());
  };
  const pair = fc.record({
    seed: fc.integer(),
    nb: fc.integer({ min: 1, max: 300 }),
    nc: fc.integer({ min: 1, max: 300 }),
    classes: fc.constantFrom(0, 2, 3, 10), // 0 = continuous scores
    shift: fc.double({ min: -3, max: 3, noNaN: true }),
  });

  it('PSI ≥ 0, and 0 for the same distribution (the same sample, in any order)', () => {
    fc.assert(
      fc.property(pair, ({ seed, nb, nc, classes, shift }) => {
        const baseline = predictions(seed, nb, classes);
        const canary = predictions(seed + 1, nc, classes).map((x) => x + (classes > 0 ? 0 : shift));
        expect(psi(baseline, canary).psi).toBeGreaterThanOrEqual(0);
        expect(psi(baseline, baseline).psi).toBe(0);
        expect(psi(baseline, baseline.slice().reverse()).psi).toBe(0);
      }),
      { seed: 51 },
    );
  });

  it('KS D is in [0, 1], symmetric, 0 for the same sample; p is in [0, 1]', () => {
    fc.assert(
      fc.property(pair, ({ seed, nb, nc, classes, shift }) => {
        const baseline = predictions(seed, nb, classes);
        const canary = predictions(seed + 1, nc, classes).map((x) => x + shift);
        const r = ksTwoSample(baseline, canary);
        expect(r.d).toBeGreaterThanOrEqual(0);
        expect(r.d).toBeLessThanOrEqual(1);
        expect(r.p).toBeGreaterThanOrEqual(0);
        expect(r.p).toBeLessThanOrEqual(1);
        expect(ksTwoSample(canary, baseline).d).toBe(r.d);
        expect(ksTwoSample(baseline, baseline)).toEqual({ d: 0, p: 1 });
      }),
      { seed: 52 },
    );
  });
});
