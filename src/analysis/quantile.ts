// Sample quantiles, for latency percentiles and for the decile edges of drift bins.

/**
 * The q-quantile of an ascending-sorted, non-empty sample by linear interpolation between
 * order statistics: Hyndman & Fan type 7, the default of R and numpy. Position
 * h = (n − 1)·q; the result is x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
 * Worked example: p99 of 1..200 ms → h = 199 × 0.99 = 197.01 → 198 + 0.01 × 1 = 198.01 ms.
 * `q` is clamped to [0, 1]; an empty sample throws (callers check minSamples first).
 */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const n = sorted.length;
  if (n === 0) throw new RangeError('quantile of an empty sample');
  const h = (n - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const below = sorted[lo] as number;
  if (lo + 1 >= n) return below;
  return below + (h - lo) * ((sorted[lo + 1] as number) - below);
}

/** An ascending copy; the caller's array is not touched. */
export function sortedCopy(xs: readonly number[]): number[] {
  return xs.slice().sort((a, b) => a - b);
}
