// Mann–Whitney U test (Wilcoxon rank-sum), one-sided: "is the canary slower than the
// baseline?". It is the test Kayenta (Netflix/Spinnaker's canary judge) runs on latency:
// it needs no assumption about the shape of the distribution (latency is skewed and
// long-tailed, far from normal) and a few huge outliers move it no more than any other
// sample does, because only ranks count.
//
// Formulas (Mann & Whitney 1947; tie correction as in Lehmann, "Nonparametrics", 1975,
// and scipy.stats.mannwhitneyu with method='asymptotic', use_continuity=True):
//   R_c  = sum of the canary's ranks in the pooled sample, ties given their average rank
//   U_c  = R_c − n_c(n_c + 1)/2      (pairs (canary, baseline) with canary > baseline, ties ½)
//   μ    = n_c·n_b / 2
//   σ²   = n_c·n_b/12 · ((n + 1) − Σ(t³ − t) / (n(n − 1))),  n = n_c + n_b, t = size of each tie group
//   z    = (U_c − μ − ½) / σ          (½: continuity correction, towards the mean)
//   p    = P(Z ≥ z)                   (upper tail: a large U_c means the canary ranks high, i.e. slower)
//
// Worked example: canary [3, 4, 5], baseline [1, 2, 3]. Pooled and sorted 1 2 3 3 4 5; the
// two 3s share ranks 3 and 4 → 3.5 each. R_c = 3.5 + 5 + 6 = 14.5, U_c = 14.5 − 6 = 8.5
// (of 9 pairs, 8 have the canary slower and one is a tie). μ = 4.5; one tie group of 2 gives
// Σ(t³ − t) = 6, σ² = 9/12 · (7 − 6/30) = 5.1, σ = 2.258; z = (8.5 − 4.5 − 0.5)/2.258 = 1.550,
// p = 0.0606: suggestive, not significant at 5 % with three samples a side.

import { normalUpperTail } from './normal.js';

export interface MannWhitneyResult {
  /** U of the canary: the number of (canary, baseline) pairs where the canary is larger, ties counting ½. */
  u: number;
  /** Sample sizes. */
  nCanary: number;
  nBaseline: number;
  /** The normal approximation's mean and tie-corrected standard deviation of U under "no difference". */
  mean: number;
  sd: number;
  /** Continuity-corrected z-score; 0 when sd is 0. */
  z: number;
  /** One-sided p-value for "the canary is larger (slower) than the baseline". */
  p: number;
  /** Common-language effect size U / (n_c·n_b): the chance a random canary sample exceeds a random baseline one (0.5 = no difference). */
  effect: number;
}

/**
 * One-sided Mann–Whitney U test of `canary` > `baseline`. Both must be non-empty (a
 * programming error otherwise: analyze() never calls it below minSamples).
 * When every pooled value is equal the variance is 0: no evidence of a difference, so p = 1.
 * O(n log n) for the sort.
 */
export function mannWhitneyGreater(canary: readonly number[], baseline: readonly number[]): MannWhitneyResult {
  const nc = canary.length;
  const nb = baseline.length;
  if (nc === 0 || nb === 0) throw new RangeError(`Mann–Whitney needs two non-empty samples (canary ${nc}, baseline ${nb})`);
  const n = nc + nb;
  // Pooled values tagged with their side (true = canary), sorted; the sort is on a copy.
  const pooled: Array<{ v: number; canary: boolean }> = [];
  for (const v of canary) pooled.push({ v, canary: true });
  for (const v of baseline) pooled.push({ v, canary: false });
  pooled.sort((a, b) => a.v - b.v);

  let rankSumCanary = 0;
  let tieTerm = 0; // Σ(t³ − t)
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && (pooled[j + 1] as { v: number }).v === (pooled[i] as { v: number }).v) j++;
    // Positions i..j (0-based) share ranks i+1..j+1, whose average is (i + j)/2 + 1.
    const avgRank = (i + j) / 2 + 1;
    const t = j - i + 1;
    if (t > 1) tieTerm += t * t * t - t;
    for (let k = i; k <= j; k++) if ((pooled[k] as { canary: boolean }).canary) rankSumCanary += avgRank;
    i = j + 1;
  }

  const u = rankSumCanary - (nc * (nc + 1)) / 2;
  const mean = (nc * nb) / 2;
  const variance = ((nc * nb) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  // Rounding can leave a variance of −1e-15 when all values tie; clamp before the root.
  const sd = Math.sqrt(Math.max(0, variance));
  const z = sd > 0 ? (u - mean - 0.5) / sd : 0;
  const p = sd > 0 ? normalUpperTail(z) : 1;
  return { u, nCanary: nc, nBaseline: nb, mean, sd, z, p, effect: u / (nc * nb) };
}
