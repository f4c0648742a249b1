// Choosing the forecast from the backtest: every candidate that forecast at every origin is
// scored by its mean scaled error (MASE) over the windows; the means of the best two and best
// three are scored too, because averaging models that err differently usually beats each of
// them (the lesson of M4, where combinations took most of the top places). The lowest score
// wins; a tie goes to the simpler choice (a single model before a combination).

import { meanAbsoluteError, smapeSkippingGaps, type OriginResult } from './backtest.js';
import type { CandidateScore } from './forecast.js';

export interface Selection {
  /** Display name: a candidate, or `mean(a, b)`. */
  readonly model: string;
  readonly components: readonly string[];
  /** Every option scored, best first. */
  readonly scores: readonly CandidateScore[];
  /** Single candidates, best first (fallback order). */
  readonly ranking: readonly string[];
}

/** Element-wise mean of equally long forecasts. */
export function combineMean(forecasts: readonly (readonly number[])[]): number[] {
  const first = forecasts[0] ?? [];
  if (forecasts.length === 1) return first.slice();
  return first.map((_, i) => forecasts.reduce((s, f) => s + (f[i] as number), 0) / forecasts.length);
}

function score(results: readonly OriginResult[], components: readonly string[]): { mase: number; smape: number } {
  let mase = 0;
  let smape = 0;
  for (const r of results) {
    const f = combineMean(components.map((c) => r.forecasts.get(c) as readonly number[]));
    mase += meanAbsoluteError(r.actual, f) / r.scale;
    smape += smapeSkippingGaps(r.actual, f);
  }
  return { mase: mase / results.length, smape: smape / results.length };
}

/** Picks the best single candidate or combination; `names` in preference order for ties. */
export function selectModel(results: readonly OriginResult[], names: readonly string[]): Selection {
  const available = names.filter((name) => results.length > 0 && results.every((r) => r.forecasts.has(name)));
  if (available.length === 0) {
    // No origin at all, or nothing forecast everywhere: the first candidate, unscored.
    const first = names[0] ?? 'naive';
    return { model: first, components: [first], scores: [], ranking: [...names] };
  }
  const singles = available.map((name) => ({ components: [name], ...score(results, [name]) })).sort((a, b) => a.mase - b.mase);
  const options = [...singles];
  for (const k of [2, 3]) {
    if (singles.length < k) continue;
    const components = singles.slice(0, k).map((s) => s.components[0] as string);
    options.push({ components, ...score(results, components) });
  }
  // Stable sort keeps singles ahead of combinations with the same score.
  const ranked = options.map((o, i) => ({ ...o, i })).sort((a, b) => a.mase - b.mase || a.i - b.i);
  const best = ranked[0] as (typeof ranked)[number];
  const label = (c: readonly string[]): string => (c.length === 1 ? (c[0] as string) : `mean(${c.join(', ')})`);
  return {
    model: label(best.components),
    components: best.components,
    scores: ranked.map((o) => ({ model: label(o.components), mase: o.mase, smape: o.smape })),
    ranking: singles.map((s) => s.components[0] as string),
  };
}

/**
 * For each origin, the forecast the selection would have made there had that origin not
 * been used to choose (leave one origin out). The chosen model's own backtest errors are
 * optimistic — it was picked for having the smallest — so quantiles calibrated on them
 * cover too little; these errors are what the whole procedure makes on unseen data.
 */
export function leaveOneOutForecasts(results: readonly OriginResult[], names: readonly string[]): (readonly number[])[] {
  if (results.length < 2) {
    const only = selectModel(results, names);
    return results.map((r) => combineMean(only.components.map((c) => r.forecasts.get(c) as readonly number[])));
  }
  return results.map((r, j) => {
    const chosen = selectModel(
      results.filter((_, i) => i !== j),
      names.filter((name) => r.forecasts.has(name)),
    );
    return combineMean(chosen.components.map((c) => r.forecasts.get(c) as readonly number[]));
  });
}
