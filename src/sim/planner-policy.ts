// Our policies, `hybrid` and `predictive`: the capacity planner (capacity/planner.ts) run in
// the simulator, with our forecaster (forecast.ts) refitted on the history so far.
//
// `--per-replica` is a replica's full capacity. The peers aim at 70 % of it, the way their
// users run them. `hybrid` takes its headroom from the forecast instead: it provisions for the
// forecast's 0.9 quantile at 90 % utilization (the spec's one target serves both parts), and
// its reactive part — HPA-style target tracking at that 90 % with the spec's default
// stabilization and cooldowns, plus burst mode above twice the ready capacity — acts only
// when the load runs past what the forecast provisioned. That is where its savings over a
// blanket 70 % must come from.
//
// `predictive` is the planner's predictive part alone. The spec cannot switch the reactive
// part off (a tolerance near 1 or disableScaleIn would only freeze the count), so the policy
// runs the same planner and uses the predictive recommendation of each decision
// (`decision.predictive`), holding the count while there is no forecast yet.
//
// Forecasts: every `refitEveryMs` (1 hour of simulated time) `forecast()` is refitted on the
// last `historyMs` of the trace seen so far (at the trace's step), `horizonMs` ahead (4 hours,
// enough for any warm-up plus a tick), and the requested quantile is handed to the planner.
// Refits are the expensive part: one per simulated hour is 168 for a 7-day evaluation.
// The scheduling buffer is `auto` with the simulation's warm-up as the measured p95 (warm-up
// + one tick, exactly when a replica started now serves in the simulator).

import { decide, initialPlannerState, type PlannerState } from '../capacity/planner.js';
import type { ForecastEngines } from '../forecast/engines.js';
import { forecast, quantileKey } from '../forecast/forecast.js';
import type { RegularSeries } from '../forecast/series.js';
import { DAY, HOUR, MINUTE, SECOND } from '../spec/duration.js';
import type { ScalingSpec } from '../spec/types.js';
import { millis } from '../spec/units.js';
import { hold, type Policy, type PolicySetup } from './policy.js';

export interface PlannerPolicyOptions {
  readonly engines?: ForecastEngines;
  /** Forecast quantile to provision for (default 0.9). */
  readonly quantile?: number;
  /** Target utilization of full capacity for both parts (default 0.9). */
  readonly utilization?: number;
  readonly refitEveryMs?: number;
  readonly horizonMs?: number;
  readonly historyMs?: number;
}

export interface StoredForecast {
  readonly start: number;
  readonly stepMs: number;
  readonly values: readonly number[];
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
export function simulationSpec(setup: PolicySetup, quantile: number, utilization: number, historyMs: number, horizonMs: number): ScalingSpec {
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
  const outcome = forecast({ series: history, horizonSteps, quantiles: [quantile], nonNegative: true, ...(engines && { engines }) });
  if (!outcome.ok) return undefined;
  const values = outcome.forecast.quantiles[quantileKey(quantile)];
  return values === undefined ? undefined : { start: outcome.forecast.start, stepMs: outcome.forecast.stepMs, values };
}

function plannerPolicy(name: 'hybrid' | 'predictive', options: PlannerPolicyOptions): Policy<PlannerPolicyState> {
  const quantile = options.quantile ?? 0.9;
  const utilization = options.utilization ?? 0.9;
  const refitEvery = options.refitEveryMs ?? HOUR;
  const horizonMs = options.horizonMs ?? 4 * HOUR;
  const historyMs = options.historyMs ?? 14 * DAY;
  return {
    name,
    init: (setup) => ({
      spec: simulationSpec(setup, quantile, utilization, historyMs, horizonMs),
      warmupMs: setup.warmupMs,
      tickMs: setup.tickMs,
      planner: initialPlannerState(),
      refits: 0,
    }),
    step(state, observation, history) {
      const { now } = observation;
      let next = state;
      if (state.fittedAt === undefined || now - state.fittedAt >= refitEvery) {
        const fc = quantileForecast(lastOf(history.trace(), historyMs), quantile, horizonMs, options.engines);
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
          warmupP95Ms: next.warmupMs,
        },
        next.planner,
      );
      next = { ...next, planner };
      if (name === 'predictive') return { state: next, desired: decision.predictive ?? observation.current };
      return { state: next, desired: decision.replicas };
    },
  };
}

/** Ours: forecast quantile plus target tracking at high utilization with burst mode. */
export function hybridPolicy(options: PlannerPolicyOptions = {}): Policy<PlannerPolicyState> {
  return plannerPolicy('hybrid', options);
}

/** Ours, the forecast alone. */
export function predictivePolicy(options: PlannerPolicyOptions = {}): Policy<PlannerPolicyState> {
  return plannerPolicy('predictive', options);
}
