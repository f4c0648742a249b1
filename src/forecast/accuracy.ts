// Point-forecast accuracy metrics exactly as the M4 competition scored them: sMAPE, MASE
// and OWA. Source: Makridakis, Spiliotis & Assimakopoulos, "The M4 Competition: 100,000
// time series and 61 forecasting methods", IJF 36(1), 2020, §2.3; and the reference R code
// Mcompetitions/M4-methods "Benchmarks and Evaluation.R" (`smape_cal`, `mase_cal`).
// Conventions for cases M4 never met (its data are all positive and long) are documented
// at each function.

/** Thrown when the caller passes arrays that cannot be compared (a programming error). */
export class MetricInputError extends Error {
  override readonly name = 'MetricInputError';
  constructor(
    message: string,
    readonly actualLength: number,
    readonly forecastLength: number,
  ) {
    super(message);
  }
}

function checkLengths(actual: readonly number[], forecast: readonly number[]): void {
  if (actual.length !== forecast.length) {
    throw new MetricInputError(
      `actual has ${actual.length} points and forecast has ${forecast.length}; they must match`,
      actual.length,
      forecast.length,
    );
  }
}

/**
 * Symmetric MAPE in percent (0–200): mean over the horizon of 200·|y−f| / (|y|+|f|),
 * as `smape_cal` in the M4 R code.
 *
 * 0/0 case: when y = f = 0 the term is 0 (the forecast is exact). R would produce NaN
 * there; M4 never hit it because every M4 value is positive, so the competition's numbers
 * are unaffected, while load traces with runs of zeros stay scorable.
 * An empty horizon returns NaN (mean of nothing). Lengths must match.
 *
 * Worked example: y = [100, 50], f = [110, 50] →
 *   200·10/210 = 9.5238…, 200·0/100 = 0 → mean 4.7619…
 */
export function smape(actual: readonly number[], forecast: readonly number[]): number {
  checkLengths(actual, forecast);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i] as number;
    const f = forecast[i] as number;
    const denom = Math.abs(y) + Math.abs(f);
    sum += denom === 0 ? 0 : (200 * Math.abs(y - f)) / denom;
  }
  return sum / actual.length;
}

/**
 * The MASE denominator: in-sample mean absolute difference at lag m, i.e. the MAE of the
 * seasonal naive forecast on the history (`masep` in `mase_cal`). Pairs with a NaN are
 * skipped, like R's `na.rm = TRUE`. Returns NaN when there is no pair (history ≤ m points).
 *
 * Worked example: insample [1, 2, 4, 3], m = 2 → |4−1| = 3, |3−2| = 1 → scale 2.
 */
export function seasonalScale(insample: readonly number[], m: number): number {
  if (!Number.isInteger(m) || m < 1) return Number.NaN;
  let sum = 0;
  let count = 0;
  for (let t = m; t < insample.length; t++) {
    const d = Math.abs((insample[t] as number) - (insample[t - m] as number));
    if (Number.isNaN(d)) continue;
    sum += d;
    count++;
  }
  return count === 0 ? Number.NaN : sum / count;
}

/**
 * Mean Absolute Scaled Error: MAE of the forecast divided by `seasonalScale(insample, m)`
 * (Hyndman & Koehler 2006, with the seasonal-naive scaling M4 used; m = 24 for hourly).
 *
 * Returns NaN — never Infinity — when the scale is undefined or zero: the history is not
 * longer than m (no seasonal difference exists) or it is exactly m-periodic (every
 * seasonal difference is 0). Such a series cannot be scaled, and a NaN makes a mean over
 * series visibly invalid instead of silently infinite. M4 hourly series never hit either.
 *
 * Worked example: insample [1, 2, 4, 3], m = 2 (scale 2); y = [5, 6], f = [4, 6] →
 *   MAE = (1 + 0)/2 = 0.5 → MASE = 0.5 / 2 = 0.25.
 */
export function mase(
  insample: readonly number[],
  actual: readonly number[],
  forecast: readonly number[],
  m: number,
): number {
  checkLengths(actual, forecast);
  const scale = seasonalScale(insample, m);
  if (!(scale > 0)) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    sum += Math.abs((actual[i] as number) - (forecast[i] as number));
  }
  return sum / actual.length / scale;
}

/**
 * Overall Weighted Average: the mean of sMAPE/sMAPE_Naive2 and MASE/MASE_Naive2.
 * M4 applies it to the metrics *averaged over all series* (e.g. hourly Naive2 18.383 and
 * 2.395), not per series; pass aggregates. OWA < 1 beats Naive2. A zero or NaN Naive2
 * value yields a non-finite result, which callers must treat as "not scorable".
 *
 * Worked example (published hourly sNaive): (13.912/18.383 + 1.193/2.395)/2
 *   = (0.75679 + 0.49812)/2 = 0.62745 → the published 0.6275.
 */
export function owa(smapeValue: number, maseValue: number, naive2Smape: number, naive2Mase: number): number {
  return (smapeValue / naive2Smape + maseValue / naive2Mase) / 2;
}
