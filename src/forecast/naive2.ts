// The M4 statistical benchmarks Naive2 and seasonal naive (sNaive), ported from the
// reference R code Mcompetitions/M4-methods "Benchmarks and Evaluation.R" (`SeasonalityTest`,
// `Benchmarks`, `naive_seasonal`) and R's `stats::decompose(type = "multiplicative")`.
// Naive2 = a naive forecast of the seasonally adjusted series, re-seasonalised, where the
// adjustment is applied only if a 90 % autocorrelation test finds seasonality at lag m.
// Multiplicative indices assume positive data, as M4's are.

/** Sample autocorrelation at lags 1..maxLag, as R's `acf` (both sums divide by n). */
export function autocorrelation(x: readonly number[], maxLag: number): number[] {
  const n = x.length;
  const mean = x.reduce((a, b) => a + b, 0) / n;
  let denom = 0;
  for (const v of x) denom += (v - mean) ** 2;
  const acf: number[] = [];
  for (let k = 1; k <= maxLag; k++) {
    let num = 0;
    for (let t = 0; t + k < n; t++) num += ((x[t] as number) - mean) * ((x[t + k] as number) - mean);
    acf.push(num / denom); // constant series: 0/0 = NaN, which the test below reads as "not seasonal"
  }
  return acf;
}

/** Outcome of the seasonality test, with the numbers that decided it. */
export type SeasonalityVerdict =
  | { seasonal: true; acf: number; limit: number }
  | { seasonal: false; because: 'period below 2' | 'history shorter than 3 periods' | 'autocorrelation within limit' | 'constant series'; acf?: number; limit?: number };

/**
 * M4 `SeasonalityTest`: seasonal when |acf_m| > 1.645·sqrt((1 + 2·Σ_{k<m} acf_k²)/n), the
 * one-sided 90 % limit under Bartlett's formula. Needs at least 3m points (as in M4).
 *
 * Worked example: n = 100, m = 4, acf_1..3 = 0.5, 0, 0 → limit = 1.645·sqrt(1.5/100) = 0.2015;
 * acf_4 = 0.3 is seasonal, acf_4 = 0.2 is not.
 */
export function seasonalityTest(x: readonly number[], m: number): SeasonalityVerdict {
  if (!Number.isInteger(m) || m < 2) return { seasonal: false, because: 'period below 2' };
  if (x.length < 3 * m) return { seasonal: false, because: 'history shorter than 3 periods' };
  const acf = autocorrelation(x, m);
  let sumSq = 0;
  for (let k = 0; k < m - 1; k++) sumSq += (acf[k] as number) ** 2;
  const limit = (1.645 / Math.sqrt(x.length)) * Math.sqrt(1 + 2 * sumSq);
  const acfM = acf[m - 1] as number;
  if (Number.isNaN(acfM)) return { seasonal: false, because: 'constant series' };
  return Math.abs(acfM) > limit
    ? { seasonal: true, acf: acfM, limit }
    : { seasonal: false, because: 'autocorrelation within limit', acf: acfM, limit };
}

/**
 * Classical multiplicative seasonal indices, as R's `decompose(type = "multiplicative")`:
 * trend = centred moving average of order m (for even m a 2×m MA: weights ½,1,…,1,½ over
 * m+1 points), ratio = x / trend, index j = mean of the ratios at positions ≡ j (mod m),
 * then indices normalised to mean 1. Position 0 is phase 0 (R's ts starts at cycle 1).
 * Requires at least 2m points (as R does); returns m indices.
 *
 * Worked example: m = 2, x = [1, 3, 1, 3, 1, 3] → trend at t = 1..4 is
 * (½·1 + 3 + ½·1)/2 = 2 or (½·3 + 1 + ½·3)/2 = 2 → ratios 1.5, 0.5, 1.5, 0.5 →
 * indices [0.5, 1.5] (mean 1 already).
 */
export function multiplicativeSeasonalIndices(x: readonly number[], m: number): number[] {
  const n = x.length;
  if (!Number.isInteger(m) || m < 2 || n < 2 * m) {
    throw new RangeError(`seasonal decomposition needs a period ≥ 2 and ≥ 2 periods; got m = ${m}, n = ${n}`);
  }
  const half = Math.floor(m / 2);
  const sums = new Array<number>(m).fill(0);
  const counts = new Array<number>(m).fill(0);
  for (let t = half; t < n - half; t++) {
    let trend = 0;
    if (m % 2 === 0) {
      trend = 0.5 * ((x[t - half] as number) + (x[t + half] as number));
      for (let j = t - half + 1; j < t + half; j++) trend += x[j] as number;
    } else {
      for (let j = t - half; j <= t + half; j++) trend += x[j] as number;
    }
    trend /= m;
    const ratio = (x[t] as number) / trend;
    if (Number.isNaN(ratio)) continue; // R: mean(..., na.rm = TRUE)
    sums[t % m] = (sums[t % m] as number) + ratio;
    counts[t % m] = (counts[t % m] as number) + 1;
  }
  const figure = sums.map((s, j) => s / (counts[j] as number));
  const mean = figure.reduce((a, b) => a + b, 0) / m;
  return figure.map((f) => f / mean);
}

/** Naive2 forecast plus the decision behind it. */
export interface Naive2Result {
  forecast: number[];
  seasonality: SeasonalityVerdict;
  /** The m seasonal indices used (by position mod m), or undefined when not seasonal. */
  indices?: number[];
  /** Set when the test found seasonality but multiplicative indices were unusable. */
  fallback?: 'seasonal indices not positive and finite (zeros or negatives in the data)';
}

/**
 * M4 Naive2: if `seasonalityTest` passes, forecast[h] = (x_last / S_last) · S_{n−1+h};
 * otherwise the last value repeated (plain naive). Horizon steps are 1-based in the
 * formula; the array is 0-based. Requires a non-empty history and an integer h ≥ 0.
 */
export function naive2(insample: readonly number[], h: number, m: number): Naive2Result {
  checkForecastArgs(insample, h);
  const n = insample.length;
  const last = insample[n - 1] as number;
  const seasonality = seasonalityTest(insample, m);
  if (!seasonality.seasonal) {
    return { forecast: new Array<number>(h).fill(last), seasonality };
  }
  const indices = multiplicativeSeasonalIndices(insample, m);
  // Beyond M4 (all positive): zeros or negatives make x/trend undefined or meaningless;
  // R would propagate NaN/Inf, we fall back to plain naive and say so.
  if (!indices.every((s) => Number.isFinite(s) && s > 0)) {
    const fallback = 'seasonal indices not positive and finite (zeros or negatives in the data)' as const;
    return { forecast: new Array<number>(h).fill(last), seasonality, fallback };
  }
  const level = last / (indices[(n - 1) % m] as number);
  const forecast = Array.from({ length: h }, (_, i) => level * (indices[(n + i) % m] as number));
  return { forecast, seasonality, indices };
}

/**
 * M4 sNaive (`naive_seasonal`): repeat the last m observations. forecast[i] = x[n − m + (i mod m)].
 * With fewer than m points there is no full cycle, so it falls back to plain naive
 * (the last value), which is what R's `tail` + `rep` would not do; M4 never hit it.
 */
export function seasonalNaiveForecast(insample: readonly number[], h: number, m: number): number[] {
  checkForecastArgs(insample, h);
  const n = insample.length;
  if (!Number.isInteger(m) || m < 1 || n < m) return new Array<number>(h).fill(insample[n - 1] as number);
  return Array.from({ length: h }, (_, i) => insample[n - m + (i % m)] as number);
}

function checkForecastArgs(insample: readonly number[], h: number): void {
  if (insample.length === 0) throw new RangeError('cannot forecast from an empty history');
  if (!Number.isInteger(h) || h < 0) throw new RangeError(`horizon must be an integer ≥ 0; got ${h}`);
}
