// Output drift: do the canary's predictions follow the same distribution as the baseline's
// on comparable traffic? A model can answer fast and without errors and still answer
// differently (a broken feature pipeline, a wrong label order, a model trained on other
// data); latency and error rate cannot see that, the prediction distribution can.
//
// Two measures, both on the RevisionWindow `predictions` (one number per answered request):
// - PSI, the population stability index (credit-risk monitoring, e.g. Yurdakul 2018,
//   "Statistical properties of population stability index"): it decides the verdict because
//   the spec bounds it (`output-drift: { maxPsi }`) and because it measures *how much* the
//   distribution moved, not merely whether it did: with thousands of samples KS calls a
//   harmless 1 % shift significant.
// - The two-sample Kolmogorov–Smirnov statistic D with its asymptotic p-value, reported
//   alongside for whoever reads the verdict.
//
// "Comparable traffic" is the caller's job: both windows cover the same interval and the
// router splits requests at random, so both revisions see the same mix of inputs.

import { quantileSorted, sortedCopy } from './quantile.js';

/**
 * Up to this many distinct values across both samples, predictions are categories (class
 * indices: each value is its own bin); above it they are continuous scores (binned at the
 * baseline's deciles). 20 leaves room for a 10-class model whose canary invents a few new
 * classes, and is far below the ~200 distinct values minSamples continuous scores give.
 */
export const CATEGORICAL_MAX_DISTINCT = 20;

/**
 * An empty bin's proportion is raised to ε = 1e-4 (0.01 %) so that ln(c/b) stays finite.
 * Worked example: a class the baseline never predicts and the canary predicts 5 % of the
 * time adds (0.05 − 0.0001)·ln(0.05/0.0001) = 0.0499 × 6.21 = 0.31, over the usual 0.2 bound
 * on its own; at 1 % it adds 0.0099 × 4.61 = 0.046. Proportions are not renormalized after:
 * each PSI term (c − b)·ln(c/b) is ≥ 0 for any positive c and b, so PSI stays ≥ 0.
 */
export const PSI_EPSILON = 1e-4;

export interface PsiResult {
  psi: number;
  /** `categorical`: one bin per distinct value; `deciles`: bins cut at the baseline's deciles. */
  mode: 'categorical' | 'deciles';
  bins: number;
}

/**
 * PSI = Σ over bins (c − b)·ln(c / b), with b and c the baseline's and canary's share of
 * samples in each bin. 0 for identical distributions; < 0.1 is read as "no shift", 0.1–0.2
 * "moderate", > 0.2 "significant". Worked example (categorical): baseline 50 % / 50 % over
 * two classes, canary 60 / 40 → 0.1·ln 1.2 + (−0.1)·ln 0.8 = 0.018 + 0.022 = 0.041;
 * canary 80 / 20 → 0.3·ln 1.6 + (−0.3)·ln 0.4 = 0.141 + 0.275 = 0.416.
 * Both samples must be non-empty (analyze() checks minSamples first).
 */
export function psi(baseline: readonly number[], canary: readonly number[]): PsiResult {
  if (baseline.length === 0 || canary.length === 0) {
    throw new RangeError(`PSI needs two non-empty samples (baseline ${baseline.length}, canary ${canary.length})`);
  }
  const distinct = new Set<number>([...baseline, ...canary]);
  if (distinct.size <= CATEGORICAL_MAX_DISTINCT) {
    const categories = [...distinct].sort((a, b) => a - b);
    const index = new Map(categories.map((v, i) => [v, i] as const));
    const bin = (v: number): number => index.get(v) as number;
    return { psi: psiOfCounts(counts(baseline, categories.length, bin), counts(canary, categories.length, bin)), mode: 'categorical', bins: categories.length };
  }
  // Decile edges of the baseline, deduplicated (a baseline with many equal scores has fewer
  // distinct edges, hence fewer bins). Bins are (−∞, e1], (e1, e2], …, (ek, ∞).
  const sortedBaseline = sortedCopy(baseline);
  const edges: number[] = [];
  for (let k = 1; k <= 9; k++) {
    const e = quantileSorted(sortedBaseline, k / 10);
    if (edges.length === 0 || e > (edges[edges.length - 1] as number)) edges.push(e);
  }
  const bins = edges.length + 1;
  const bin = (v: number): number => countBelow(edges, v);
  return { psi: psiOfCounts(counts(baseline, bins, bin), counts(canary, bins, bin)), mode: 'deciles', bins };
}

/** How many of the ascending `edges` are < v: the index of v's bin (binary search). */
function countBelow(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((edges[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function counts(xs: readonly number[], bins: number, bin: (v: number) => number): number[] {
  const out = new Array<number>(bins).fill(0);
  for (const x of xs) {
    const i = bin(x);
    out[i] = (out[i] as number) + 1;
  }
  return out;
}

function psiOfCounts(baseline: readonly number[], canary: readonly number[]): number {
  const nb = baseline.reduce((a, b) => a + b, 0);
  const nc = canary.reduce((a, b) => a + b, 0);
  let sum = 0;
  for (let i = 0; i < baseline.length; i++) {
    const b = Math.max((baseline[i] as number) / nb, PSI_EPSILON);
    const c = Math.max((canary[i] as number) / nc, PSI_EPSILON);
    sum += (c - b) * Math.log(c / b);
  }
  return sum;
}

export interface KsResult {
  /** The largest vertical distance between the two empirical CDFs, in [0, 1]. */
  d: number;
  /** Asymptotic two-sided p-value Q_KS(√nₑ·D), nₑ = n·m/(n + m). */
  p: number;
}

/**
 * Two-sample Kolmogorov–Smirnov: D = max over x of |F_baseline(x) − F_canary(x)|, both
 * empirical CDFs evaluated after *all* samples equal to x (so ties never create a gap that
 * is not there). p from Kolmogorov's limiting distribution (Smirnov 1948), as
 * scipy.special.kolmogorov; with class indices D is still well defined but treats the
 * classes as ordered, which is why PSI, not KS, judges. Worked example: baseline [1, 2, 3, 4],
 * canary [3, 4, 5, 6]: after 2 the baseline CDF is 0.5 and the canary's 0 → D = 0.5;
 * nₑ = 2, λ = √2 × 0.5 = 0.707, p = 0.70.
 */
export function ksTwoSample(baseline: readonly number[], canary: readonly number[]): KsResult {
  const n = baseline.length;
  const m = canary.length;
  if (n === 0 || m === 0) throw new RangeError(`Kolmogorov–Smirnov needs two non-empty samples (baseline ${n}, canary ${m})`);
  const a = sortedCopy(baseline);
  const b = sortedCopy(canary);
  let i = 0;
  let j = 0;
  let d = 0;
  // Once one side is exhausted its CDF is 1 and the other's only rises: the gap only shrinks.
  while (i < n && j < m) {
    const x = Math.min(a[i] as number, b[j] as number);
    while (i < n && a[i] === x) i++;
    while (j < m && b[j] === x) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  const ne = (n * m) / (n + m);
  return { d, p: kolmogorovSurvival(Math.sqrt(ne) * d) };
}

/**
 * Q_KS(λ) = P(K > λ) for Kolmogorov's K, computed from the series that converges fast on
 * each side of λ ≈ 1.18 (as scipy's `kolmogorov` does):
 *   λ ≥ 1.18: Q = 2 Σ_{k≥1} (−1)^(k−1) e^(−2k²λ²)               (a term or three suffice)
 *   λ < 1.18: Q = 1 − (√(2π)/λ) Σ_{k≥1} e^(−(2k−1)²π²/(8λ²))
 * Worked values: Q(0.5) = 0.964, Q(1.0) = 0.270, Q(1.36) = 0.049 (the 5 % point), Q(2) = 0.00067.
 */
export function kolmogorovSurvival(lambda: number): number {
  if (!(lambda > 0)) return 1;
  let q: number;
  if (lambda >= 1.18) {
    q = 0;
    for (let k = 1; k <= 100; k++) {
      const term = Math.exp(-2 * k * k * lambda * lambda);
      q += (k % 2 === 1 ? 2 : -2) * term;
      if (term < 1e-17) break;
    }
  } else {
    let cdf = 0;
    for (let k = 1; k <= 100; k++) {
      const odd = 2 * k - 1;
      const term = Math.exp((-odd * odd * Math.PI * Math.PI) / (8 * lambda * lambda));
      cdf += term;
      if (term < 1e-17) break;
    }
    q = 1 - (Math.sqrt(2 * Math.PI) / lambda) * cdf;
  }
  return Math.min(1, Math.max(0, q));
}
