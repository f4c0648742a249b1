// Scoring for the forecasting benchmark: one forecast against its held-out points, then the
// means over series (M4) or origins (traces) and the comparisons the report states. The
// metrics themselves are src/forecast/accuracy.ts (M4's definitions); this file only
// aggregates. Pure (score.test.ts).

import { mase, owa, smape } from '../../src/forecast/accuracy.js';

/** How one method did at one unit (an M4 series, or a trace origin). */
export interface UnitScore {
  smape: number;
  /** NaN when the scale is zero or undefined (see accuracy.ts `mase`). */
  mase: number;
  /** Held-out points at or below the 0.9 quantile; undefined when the method gave no interval. */
  covered?: number;
  /** Points checked for coverage (the horizon), 0 when there was no interval. */
  coverPoints: number;
  /** Wall time of fit + forecast, ms (measured inside R for the R methods). */
  ms: number;
  /** True when the method failed here and the seasonal naive forecast was scored instead. */
  fallback: boolean;
}

export interface ScoreInput {
  /** The history the method was fitted on (also the MASE scale's in-sample data). */
  fit: readonly number[];
  actual: readonly number[];
  mean: readonly number[];
  /** The 0.9 quantile (for R: the upper bound of the 80 % interval); omitted when none. */
  upper?: readonly number[];
  /** Seasonal period of the MASE scale (24 for M4 hourly, one day for the traces). */
  scalePeriod: number;
  ms: number;
  fallback?: boolean;
}

/** Scores one forecast. Lengths of actual, mean and upper must match (accuracy.ts throws otherwise). */
export function scoreUnit(input: ScoreInput): UnitScore {
  const score: UnitScore = {
    smape: smape(input.actual, input.mean),
    mase: mase(input.fit, input.actual, input.mean, input.scalePeriod),
    coverPoints: 0,
    ms: input.ms,
    fallback: input.fallback ?? false,
  };
  if (input.upper !== undefined) {
    if (input.upper.length !== input.actual.length) throw new RangeError(`upper has ${input.upper.length} points, actual ${input.actual.length}`);
    score.covered = coverageHits(input.actual, input.upper);
    score.coverPoints = input.actual.length;
  }
  return score;
}

/** How many actual values are ≤ their upper bound (NaN on either side counts as not covered). */
export function coverageHits(actual: readonly number[], upper: readonly number[]): number {
  let hits = 0;
  for (let i = 0; i < actual.length; i++) if ((actual[i] as number) <= (upper[i] as number)) hits++;
  return hits;
}

export interface MethodSummary {
  /** Units scored (series or origins). */
  units: number;
  /** Mean sMAPE over units. */
  smape: number;
  /** Mean MASE over the units where it is finite (see `unscalable`). */
  mase: number;
  /** Units whose MASE scale was zero or undefined, left out of the MASE mean. */
  unscalable: number;
  /** Share of held-out points ≤ the 0.9 quantile, pooled over units with an interval; NaN when none had one. */
  coverage: number;
  coverPoints: number;
  totalMs: number;
  meanMs: number;
  /** Units where the method failed and seasonal naive was scored instead. */
  fallbacks: number;
}

const meanOf = (xs: readonly number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Means over the units present (undefined entries, e.g. an origin where a method did not apply, are skipped). */
export function summarize(scores: readonly (UnitScore | undefined)[]): MethodSummary {
  const present = scores.filter((s): s is UnitScore => s !== undefined);
  const finiteMase = present.map((s) => s.mase).filter(Number.isFinite);
  const covered = present.reduce((a, s) => a + (s.covered ?? 0), 0);
  const coverPoints = present.reduce((a, s) => a + s.coverPoints, 0);
  const totalMs = present.reduce((a, s) => a + s.ms, 0);
  return {
    units: present.length,
    smape: meanOf(present.map((s) => s.smape)),
    mase: meanOf(finiteMase),
    unscalable: present.length - finiteMase.length,
    coverage: coverPoints === 0 ? Number.NaN : covered / coverPoints,
    coverPoints,
    totalMs,
    meanMs: present.length === 0 ? Number.NaN : totalMs / present.length,
    fallbacks: present.filter((s) => s.fallback).length,
  };
}

/** The M4 hourly Naive2 means published by the competition: the reference OWA divides by these. */
export const PUBLISHED_NAIVE2 = { smape: 18.383, mase: 2.395 } as const;

/** OWA against a Naive2 (this run's, or the published one). */
export function owaAgainst(summary: Pick<MethodSummary, 'smape' | 'mase'>, naive2: { smape: number; mase: number }): number {
  return owa(summary.smape, summary.mase, naive2.smape, naive2.mase);
}

/**
 * Mean MASE of two methods over the units both have (aligned arrays, undefined = not run
 * there), so a method that exists only at some origins (weekly seasonal naive) is compared
 * on those. `n` is the number of common units; with none, both means are NaN.
 */
export function compareMase(a: readonly (UnitScore | undefined)[], b: readonly (UnitScore | undefined)[]): { a: number; b: number; n: number } {
  const as: number[] = [];
  const bs: number[] = [];
  const length = Math.max(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i]?.mase;
    const y = b[i]?.mase;
    if (x === undefined || y === undefined || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    as.push(x);
    bs.push(y);
  }
  return { a: meanOf(as), b: meanOf(bs), n: as.length };
}

/** The method with the lowest mean MASE among `candidates` (names present in `summaries`); undefined when none. */
export function bestByMase(summaries: Readonly<Record<string, MethodSummary>>, candidates: readonly string[]): { method: string; mase: number } | undefined {
  let best: { method: string; mase: number } | undefined;
  for (const method of candidates) {
    const s = summaries[method];
    if (s === undefined || !Number.isFinite(s.mase)) continue;
    if (best === undefined || s.mase < best.mase) best = { method, mase: s.mase };
  }
  return best;
}

/** Win count: on how many items `ours` < `other` (items where either is NaN are not counted in `of`). */
export function wins(pairs: readonly { ours: number; other: number }[]): { wins: number; of: number } {
  const valid = pairs.filter((p) => Number.isFinite(p.ours) && Number.isFinite(p.other));
  return { wins: valid.filter((p) => p.ours < p.other).length, of: valid.length };
}

/** a / b, NaN when b is 0 or either is not finite. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}

/**
 * Scores a method's forecast, or, when it has none (failed, timed out, missing), the
 * fallback forecast (seasonal naive) flagged as such, so means stay over the same units for
 * every method. `ms` is what the method spent either way.
 */
export function scoreOrFallback(input: {
  fit: readonly number[];
  actual: readonly number[];
  scalePeriod: number;
  fallbackMean: readonly number[];
  forecast: { mean: readonly number[]; upper?: readonly number[] } | undefined;
  ms: number;
}): UnitScore {
  const { fit, actual, scalePeriod, ms } = input;
  if (input.forecast !== undefined) {
    return scoreUnit({ fit, actual, scalePeriod, ms, mean: input.forecast.mean, ...(input.forecast.upper && { upper: input.forecast.upper }) });
  }
  return scoreUnit({ fit, actual, scalePeriod, ms, mean: input.fallbackMean, fallback: true });
}
