// Our policies, `hybrid` and `predictive`: the capacity planner (capacity/planner.ts) run in
// the simulator, with our forecaster (forecast.ts) refitted on the history so far.
//
// `--per-replica` is a replica's full capacity. The peers aim at 70 % of it, the way their
// users run them. `hybrid` takes its headroom from the forecast and its observed error
// instead: the spec's `headroom: adaptive` (capacity/headroom.ts) provisions for the median
// forecast corrected by the load just observed and scaled by the 0.6 quantile of the
// planner's own recent errors one scheduling buffer ahead, at 90 % utilization; the forecast
// leads scale-in when the observation agrees (capacity/planner.ts); the reactive part —
// HPA-style target tracking at that 90 % with the spec's default stabilization and
// cooldowns, plus burst mode above twice the ready capacity — acts when the load runs past
// what the forecast provisioned. That is where its savings over a blanket 70 % come from.
// `headroom: 'forecast'` (the planner's quantile band) is kept as an option for comparison.
//
// `predictive` is the planner's predictive part alone. The spec cannot switch the reactive
// part off (a tolerance near 1 or disableScaleIn would only freeze the count), so the policy
// runs the same planner and uses the predictive recommendation of each decision
// (`decision.predictive`), holding the count while there is no forecast yet.
//
// Forecasts: every `refitEveryMs` (1 hour of simulated time) `forecast()` is refitted on the
// last `historyMs` of the trace seen so far (at the trace's step), `horizonMs` ahead (4 hours,
// enough for any warm-up plus a tick), and its median and requested quantile are handed to
// the planner. Each step reports the forecast it held (median and provisioned load) for charts.
// Refits are the expensive part: one per simulated hour is 168 for a 7-day evaluation.
// The scheduling buffer is `auto` with the simulation's warm-up as the measured p95 (warm-up
// + one tick, exactly when a replica started now serves in the simulator).

import { decide, initialPlannerState, type PlannerState } from '../capacity/planner.js';
import type { Decision } from '../capacity/decision.js';
import type { ForecastEngines } from '../forecast/engines.js';
import { forecast, quantileKey } from '../forecast/forecast.js';
import type { RegularSeries } from '../forecast/series.js';
import { DAY, HOUR, MINUTE, SECOND } from '../spec/duration.js';
import type { HeadroomMode, ScalingSpec } from '../spec/types.js';
import { millis } from '../spec/units.js';
import { hold, type HeldForecast, type Policy, type PolicySetup } from './policy.js';

/**
 * How the policy gets its forecast: the history so far in, the median and the `quantile`
 * forecast out (same grid), or undefined when the history is too short. The default calls
 * our forecaster; the benchmark's diagnosis injects a cached one (same values, no refits).
 */
export type Forecaster = (history: RegularSeries, quantile: number, horizonMs: number) => StoredForecast | undefined;

/**
 * The quantile hybrid and predictive provision for. With adaptive headroom it is the quantile
 * of the nowcast's error one scheduling buffer ahead, on top of which the 0.9 utilization
 * adds 11 %; 0.6 was chosen on the tuning split (bench/scaling, BENCHMARKS.md) — higher
 * levels bought less unserved load only on the smooth traces, where nothing was left to buy.
 */
export const DEFAULT_QUANTILE = 0.6;

export interface PlannerPolicyOptions {
  readonly engines?: ForecastEngines;
  /** Quantile to provision for (default DEFAULT_QUANTILE, 0.6: of the nowcast error with adaptive headroom). */
  readonly quantile?: number;
  /** Target utilization of full capacity for both parts (default 0.9). */
  readonly utilization?: number;
  readonly refitEveryMs?: number;
  readonly horizonMs?: number;
  readonly historyMs?: number;
  /** Headroom mode for the spec (default 'adaptive'; 'forecast' is the planner's quantile band). */
  readonly headroom?: HeadroomMode;
  /** Replaces the forecaster (see Forecaster). */
  readonly forecaster?: Forecaster;
}

export interface StoredForecast {
  readonly start: number;
  readonly stepMs: number;
  /** The forecast at the policy's quantile. */
  readonly values: readonly number[];
  /** The median on the same grid (absent when only the quantile was asked for). */
  readonly median?: readonly number[];
}

export interface PlannerPolicyState {
  readonly spec: ScalingSpec;
  readonly warmupMs: number;
  readonly tickMs: number;
  readonly planner: PlannerState;
  readonly fittedAt?: number;
  readonly forecast?: StoredForecast;
  /** Refits so far (the expensive part; reported for budgeting). */
  readonly refits: number;
}

/** The ScalingSpec a simulation runs the planner with. */
export function simulationSpec(setup: PolicySetup, quantile: number, utilization: number, historyMs: number, horizonMs: number, headroom: HeadroomMode = 'forecast'): ScalingSpec {
  const maxReplicas = Number.isFinite(setup.maxReplicas) ? setup.maxReplicas : 1_000_000;
  return {
    replicas: setup.minReplicas,
    minReplicas: setup.minReplicas,
    maxReplicas,
    target: { metric: 'rps', valuePerReplica: setup.perReplica, utilization },
    predictive: {
      mode: 'ForecastAndScale',
      quantile,
      historyMs: millis(historyMs),
      horizonMs: millis(horizonMs),
      schedulingBuffer: { kind: 'auto' },
      maxCapacityBreach: 'HonorMaxCapacity',
      maxCapacityBuffer: 0,
      headroom,
    },
    reactive: {
      tolerance: 0.1,
      disableScaleIn: false,
      scaleUp: { stabilizationMs: millis(0), cooldownMs: millis(60 * SECOND) },
      scaleDown: { stabilizationMs: millis(5 * MINUTE), cooldownMs: millis(300 * SECOND) },
    },
  };
}

/** The last `historyMs` of the series. */
function lastOf(series: RegularSeries, historyMs: number): RegularSeries {
  const keep = Math.floor(historyMs / series.stepMs);
  const drop = Math.max(0, series.values.length - keep);
  return { start: millis(series.start + drop * series.stepMs), stepMs: series.stepMs, values: series.values.slice(drop) };
}

/** Our forecast at `quantile` from `history`, or undefined when the history is too short. */
export function quantileForecast(history: RegularSeries, quantile: number, horizonMs: number, engines?: ForecastEngines): StoredForecast | undefined {
  const horizonSteps = Math.max(1, Math.ceil(horizonMs / history.stepMs));
  if (history.values.length === 0) return undefined;
  const outcome = forecast({ series: history, horizonSteps, quantiles: [0.5, quantile], nonNegative: true, ...(engines && { engines }) });
  if (!outcome.ok) return undefined;
  const values = outcome.forecast.quantiles[quantileKey(quantile)];
  const median = outcome.forecast.quantiles[quantileKey(0.5)];
  return values === undefined ? undefined : { start: outcome.forecast.start, stepMs: outcome.forecast.stepMs, values, ...(median !== undefined && { median }) };
}

/** The value of a step forecast at `at`, or NaN outside it. */
function valueAt(start: number, stepMs: number, values: readonly number[], at: number): number {
  const i = Math.floor((at - start) / stepMs);
  return i >= 0 && i < values.length ? (values[i] as number) : NaN;
}

/** Which part set the decision's count, for the simulation's `decidedBy` column. */
function decidedBy(d: Decision): string {
  const sources = new Set(d.because.map((r) => r.source));
  if (d.predictive !== undefined && d.replicas === d.predictive && (d.reactive === undefined || d.predictive >= d.reactive)) {
    return d.because.some((r) => r.source === 'forecast' && r.ledScaleIn === true) ? 'forecast-led' : 'forecast';
  }
  if (sources.has('burst')) return 'burst';
  if (sources.has('stabilization')) return 'stabilization';
  if (sources.has('cooldown')) return 'cooldown';
  if (sources.has('tolerance')) return 'tolerance';
  return 'reactive';
}

function plannerPolicy(name: 'hybrid' | 'predictive', options: PlannerPolicyOptions): Policy<PlannerPolicyState> {
  const quantile = options.quantile ?? DEFAULT_QUANTILE;
  const utilization = options.utilization ?? 0.9;
  const refitEvery = options.refitEveryMs ?? HOUR;
  const horizonMs = options.horizonMs ?? 4 * HOUR;
  const historyMs = options.historyMs ?? 14 * DAY;
  const headroom = options.headroom ?? 'adaptive';
  const forecaster: Forecaster = options.forecaster ?? ((h, q, horizon) => quantileForecast(h, q, horizon, options.engines));
  return {
    name,
    init: (setup) => ({
      spec: simulationSpec(setup, quantile, utilization, historyMs, horizonMs, headroom),
      warmupMs: setup.warmupMs,
      tickMs: setup.tickMs,
      planner: initialPlannerState(),
      refits: 0,
    }),
    step(state, observation, history) {
      const { now } = observation;
      let next = state;
      if (state.fittedAt === undefined || now - state.fittedAt >= refitEvery) {
        const fc = forecaster(lastOf(history.trace(), historyMs), quantile, horizonMs);
        const { forecast: _old, ...rest } = next;
        next = { ...rest, fittedAt: now, refits: next.refits + 1, ...(fc && { forecast: fc }) };
      }
      if (Number.isNaN(observation.load)) return hold(next, observation);
      const { decision, state: planner } = decide(
        {
          spec: next.spec,
          now,
          tickMs: next.tickMs,
          observed: { load: observation.load, readyReplicas: observation.ready, currentReplicas: observation.current },
          ...(next.forecast && { forecast: { start: millis(next.forecast.start), stepMs: next.forecast.stepMs, values: next.forecast.values } }),
          ...(next.forecast?.median && { forecastMedian: { start: millis(next.forecast.start), stepMs: next.forecast.stepMs, values: next.forecast.median } }),
          warmupP95Ms: next.warmupMs,
        },
        next.planner,
      );
      next = { ...next, planner };
      const held = heldForecast(next.forecast, now, decision);
      const notes = { decidedBy: decidedBy(decision), ...(held !== undefined && { forecast: held }) };
      if (name === 'predictive') return { state: next, desired: decision.predictive ?? observation.current, ...notes };
      return { state: next, desired: decision.replicas, ...notes };
    },
  };
}

/**
 * The forecast behind a decision, for the chart: the median for the tick about to be served
 * (the quantile forecast when there is no median) and the load the predictive part sized its
 * replicas from (the `forecast` reason's load), both rps.
 */
function heldForecast(f: StoredForecast | undefined, now: number, d: Decision): HeldForecast | undefined {
  if (f === undefined) return undefined;
  const reason = d.because.find((r) => r.source === 'forecast');
  if (reason === undefined || reason.source !== 'forecast') return undefined;
  const median = valueAt(f.start, f.stepMs, f.median ?? f.values, now);
  return { median, provisioned: reason.load };
}

/** Ours: forecast quantile plus target tracking at high utilization with burst mode. */
export function hybridPolicy(options: PlannerPolicyOptions = {}): Policy<PlannerPolicyState> {
  return plannerPolicy('hybrid', options);
}

/** Ours, the forecast alone. */
export function predictivePolicy(options: PlannerPolicyOptions = {}): Policy<PlannerPolicyState> {
  return plannerPolicy('predictive', options);
}
