// Adaptive headroom (spec.predictive.headroom = 'adaptive'): the predictive part's load is
// sized from the planner's own observed forecast error instead of the forecaster's band.
//
//   provisioned = max over [now, now + buffer) of median(t) × level × scale
//
// - `median` is the forecast's 0.5 quantile (PlannerInput.forecastMedian);
// - `level` is a nowcast correction: the smoothed ratio observed / median of the ticks just
//   served (exponential smoothing of the log ratio, weight LEVEL_WEIGHT). Forecast errors
//   persist for minutes — a day that runs 20 % above the forecast at 10:00 still does at
//   10:03 — and the planner provisions only a few minutes ahead, so correcting the median by
//   the current error removes much of what a band would otherwise have to cover;
// - `scale` is the spec's quantile of what is left, learned online: every tick, the nowcast
//   made one scheduling buffer earlier for the tick just served is scored,
//   s = log(observed / nowcast), into a decaying histogram (after the VPA's
//   decaying_histogram.go: bins of 0.05 in log ratio over [−2, 2), weights halving every
//   HALF_LIFE_MS, the decay applied when a sample is added, from the time given, never a
//   clock). The scale is the histogram's `quantile` (split conformal prediction on the recent
//   errors at the horizon that matters). A burst of surprises moves it only by its share of
//   the last day's weight, so one flash crowd does not buy hours of idle replicas.
//   Worked example: 1 440 scores (one day of 1-minute ticks), 60 % of them ≤ log 1.1 →
//   at quantile 0.6 the scale is e^0.1 ≈ 1.105 (the upper edge of that bin).
//
// The window is [now, now + buffer) — the ticks a replica started now cannot yet serve but
// the replicas kept now must — which is what an exact forecast would need (the oracle's
// window, sim/oracle.ts). The 'forecast' headroom keeps its wider closed window
// (forecast-window.ts), which covers for the coarse band.
//
// Before the histogram holds HIST_MIN_WEIGHT of scores the scale starts at the forecaster's
// own band, quantile / median at now (never below 1), so a fresh planner provisions like the
// 'forecast' headroom. The state is plain JSON and bounded: two numbers, the median expected
// for the tick being served, the nowcasts awaiting their tick (at most MAX_PENDING) and
// HIST_BINS weights.
//
// Monotone in the observed load: a higher load gives a higher level and a higher (or equal)
// score, and moving weight to a higher bin never lowers a quantile.

import type { Millis } from '../spec/units.js';
import { forecastMax, type StepForecast } from './forecast-window.js';

/** Weight of the newest observed / median ratio in the smoothed level (log scale); chosen on the tuning split (BENCHMARKS.md). */
export const LEVEL_WEIGHT = 0.3;
/** The score histogram forgets with this half-life: one daily cycle. */
export const HALF_LIFE_MS = 86_400_000;
export const HIST_BINS = 80;
export const HIST_MIN = -2;
export const HIST_WIDTH = 0.05;
/** Scores weighing less than this in total (half an hour of 1-minute ticks): the starting scale is used. */
export const HIST_MIN_WEIGHT = 30;
/** The scale stays within [1/4, 4] (log ±1.386): a broken forecast must not run away. */
export const MAX_LOG_SCALE = Math.log(4);
/** The level stays within [1/8, 8] of the median. */
export const MAX_LOG_LEVEL = Math.log(8);
/** Nowcasts kept for scoring (a 10-minute buffer at 10-second ticks is 61). */
export const MAX_PENDING = 64;

export interface Nowcast {
  /** The tick start the nowcast is for. */
  at: Millis;
  /** median × level at the time it was made (without the scale). */
  load: number;
}

export interface HeadroomState {
  /** log of the smoothed observed / median ratio; null before the first observation. */
  logLevel: number | null;
  /** log of the scale; null before the first tick with a forecast. */
  logScale: number | null;
  /** The median forecast for the tick starting at `at`, to compare the next observation with. */
  expected: { at: Millis; median: number } | null;
  /** Nowcasts waiting for their tick to be observed, oldest first. */
  pending: Nowcast[];
  /** Decaying histogram of the scores (HIST_BINS weights) and when it was last decayed; null before the first score. */
  hist: { weights: number[]; at: Millis } | null;
}

export function emptyHeadroom(): HeadroomState {
  return { logLevel: null, logScale: null, expected: null, pending: [], hist: null };
}

const clampAbs = (x: number, limit: number): number => Math.max(-limit, Math.min(limit, x));

/**
 * log((a + floor) / (b + floor)): the floor keeps a near-zero median from turning noise into
 * a huge ratio. a, b ≥ 0 and floor > 0, so the quotient is finite and positive.
 */
export function logRatio(a: number, b: number, floor: number): number {
  return Math.log((a + floor) / (b + floor));
}

/** The bin of a score: scores outside [−2, 2) go to the edge bins. */
export function binOf(score: number): number {
  return Math.max(0, Math.min(HIST_BINS - 1, Math.floor((score - HIST_MIN) / HIST_WIDTH)));
}

/**
 * Adds one score at `now`: existing weights decay by 2^(−Δt / HALF_LIFE_MS) first (Δt ≥ 0;
 * an earlier `now` decays nothing). Example: weight 2 in a bin, one half-life later, add a
 * score in another bin → 1 and 1.
 */
export function addScore(hist: HeadroomState['hist'], score: number, now: Millis): { weights: number[]; at: Millis } {
  const decay = hist === null ? 1 : Math.pow(2, -Math.max(0, now - hist.at) / HALF_LIFE_MS);
  const weights = hist === null ? new Array<number>(HIST_BINS).fill(0) : hist.weights.map((w) => w * decay);
  const bin = binOf(score);
  weights[bin] = (weights[bin] as number) + 1;
  return { weights, at: hist === null ? now : Math.max(now, hist.at) as Millis };
}

/**
 * The q-quantile of the histogram: the upper edge of the first bin where the cumulative
 * weight reaches q × total (so it is never below a score it covers), or undefined while the
 * total is under HIST_MIN_WEIGHT. Example: weights 10 in bin 40 ([0, 0.05)) and 30 in bin 42
 * ([0.1, 0.15)), q 0.5 → 20 of 40 is reached in bin 42 → 0.15.
 */
export function histQuantile(weights: readonly number[], q: number): number | undefined {
  const total = weights.reduce((a, b) => a + b, 0);
  if (total < HIST_MIN_WEIGHT) return undefined;
  let acc = 0;
  for (let i = 0; i < weights.length; i++) {
    acc += weights[i] as number;
    if (acc >= q * total) return HIST_MIN + (i + 1) * HIST_WIDTH;
  }
  return HIST_MIN + weights.length * HIST_WIDTH;
}

export interface ObserveInput {
  now: Millis;
  tickMs: number;
  /** The load of the tick that just ended, [now − tickMs, now), in the forecast's unit. */
  load: number;
  /** The spec quantile the scale is read at. */
  quantile: number;
  /** Additive floor of the ratios, > 0 (the planner uses 5 % of one replica's target load). */
  floor: number;
}

/**
 * Folds in one observation: the level from the median expected for the tick just served,
 * the histogram (and the scale read from it) from the nowcasts made for that tick. Nowcasts
 * for earlier ticks were missed (a skipped tick) and are dropped unscored. Example (level
 * weight 0.3): level 0, expected median 100, observed 130, floor 1 → log(131/101) ≈ 0.26 →
 * level 0.078 (×1.08).
 */
export function observe(state: HeadroomState, input: ObserveInput): HeadroomState {
  const { now, tickMs, load, quantile, floor } = input;
  const servedFrom = now - tickMs;
  let { logLevel, logScale, hist } = state;
  const e = state.expected;
  if (e !== null && e.at >= servedFrom - tickMs && e.at < now) {
    const r = clampAbs(logRatio(load, e.median, floor), MAX_LOG_LEVEL);
    logLevel = logLevel === null ? r : clampAbs(logLevel + LEVEL_WEIGHT * (r - logLevel), MAX_LOG_LEVEL);
  }
  const pending: Nowcast[] = [];
  for (const p of state.pending) {
    if (p.at >= now) pending.push(p);
    else if (p.at >= servedFrom) {
      hist = addScore(hist, logRatio(load, p.load, floor), now);
      const q = histQuantile(hist.weights, quantile);
      if (q !== undefined) logScale = clampAbs(q, MAX_LOG_SCALE);
    }
  }
  return { logLevel, logScale, expected: e, pending, hist };
}

export interface AdaptiveInput {
  now: Millis;
  tickMs: number;
  /** The scheduling buffer: a replica started now serves from now + buffer. */
  bufferMs: number;
  median: StepForecast;
  /** The quantile forecast, for the starting scale. */
  quantileForecast?: StepForecast;
  floor: number;
}

export type AdaptiveLoad =
  | {
      kind: 'covered';
      /** max over [now, now + buffer) of median × level × scale. */
      load: number;
      /** That window's median maximum. */
      median: number;
      /** level × scale. */
      multiplier: number;
      /** The state with this tick's expectation and nowcast recorded. */
      state: HeadroomState;
    }
  | { kind: 'uncovered'; why: string };

/** The median at `at`, or undefined when the forecast does not cover it. */
function valueAt(f: StepForecast, at: number): number | undefined {
  const w = forecastMax(f, at, at);
  return w.kind === 'covered' ? w.load : undefined;
}

/**
 * This tick's provisioned load and the state to keep. Example: median max 1 000 over the
 * window, level e^0.1, scale e^0.2 → 1 000 × e^0.3 ≈ 1 350.
 */
export function adaptiveLoad(state: HeadroomState, input: AdaptiveInput): AdaptiveLoad {
  const { now, tickMs, bufferMs, median, floor } = input;
  // [now, now + buffer): the closed interval of forecastMax ends 1 ms early. A buffer shorter
  // than a tick still reads the tick at now.
  const w = forecastMax(median, now, now + Math.max(0, bufferMs - 1));
  if (w.kind === 'uncovered') return { kind: 'uncovered', why: w.why };
  const logLevel = state.logLevel ?? 0;
  let logScale = state.logScale;
  const medianNow = valueAt(median, now);
  if (logScale === null) {
    const q = input.quantileForecast === undefined ? undefined : valueAt(input.quantileForecast, now);
    logScale = q !== undefined && medianNow !== undefined ? clampAbs(Math.max(0, logRatio(q, medianNow, floor)), MAX_LOG_SCALE) : 0;
  }
  const multiplier = Math.exp(logLevel + logScale);
  const at = now + Math.max(bufferMs, tickMs);
  const ahead = valueAt(median, at);
  const pending = ahead === undefined ? state.pending : [...state.pending, { at: at as Millis, load: ahead * Math.exp(logLevel) }];
  return {
    kind: 'covered',
    load: w.load * multiplier,
    median: w.load,
    multiplier,
    state: {
      logLevel: state.logLevel,
      logScale,
      expected: medianNow === undefined ? null : { at: now, median: medianNow },
      pending: pending.slice(Math.max(0, pending.length - MAX_PENDING)),
      hist: state.hist,
    },
  };
}
