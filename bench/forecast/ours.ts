// rollcast's side of the benchmark: one call of src/forecast/forecast.ts, timed, with the
// point forecast and the 0.9 quantile taken out of its answer. The engine is used as the
// product uses it (engines from loadForecastEngines()), nothing tuned for the benchmark.

import type { ForecastEngines } from '../../src/forecast/engines.js';
import { forecast, quantileKey } from '../../src/forecast/forecast.js';
import type { RegularSeries } from '../../src/forecast/series.js';

export const OUR_QUANTILE = 0.9;

export type OursOutcome =
  | { ok: true; mean: number[]; upper?: number[]; model: string; ms: number }
  | { ok: false; why: string; ms: number };

export function runOurs(series: RegularSeries, horizonSteps: number, engines: ForecastEngines): OursOutcome {
  const started = performance.now();
  let outcome: ReturnType<typeof forecast>;
  try {
    outcome = forecast({ series, horizonSteps, quantiles: [OUR_QUANTILE], engines });
  } catch (error) {
    return { ok: false, why: `threw: ${error instanceof Error ? error.message : String(error)}`, ms: performance.now() - started };
  }
  const ms = performance.now() - started;
  if (!outcome.ok) return { ok: false, why: outcome.insufficient.message, ms };
  const { mean, quantiles, model } = outcome.forecast;
  if (mean.length !== horizonSteps || !mean.every(Number.isFinite)) {
    return { ok: false, why: `mean has ${mean.length} values (want ${horizonSteps}) or a non-finite one`, ms };
  }
  const q = quantiles[quantileKey(OUR_QUANTILE)];
  const upper = q !== undefined && q.length === horizonSteps && q.every(Number.isFinite) ? [...q] : undefined;
  return { ok: true, mean: [...mean], ...(upper && { upper }), model, ms };
}
