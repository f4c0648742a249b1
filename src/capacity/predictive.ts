// The predictive part: replicas for the load the forecast expects by the time a replica
// started now is ready (issue 4, after AWS predictive scaling):
//
//   replicas = ⌈ q(now + buffer) / (valuePerReplica × utilization) ⌉
//
// where q is the forecast at the spec's quantile, read as its maximum over
// [now, now + buffer + one tick] (forecast-window.ts says why). With adaptive headroom
// (headroom.ts) q(…) is replaced by the median × the learned level and scale, read over
// [now, now + buffer). For the `cpu` metric the
// forecast is a request rate and the learned relation CPU% = slope × rps/replica + intercept
// gives the replicas n with slope × (rps / n) + intercept ≤ target CPU.
//
// maxCapacityBreach: HonorMaxCapacity keeps the result within maxReplicas;
// IncreaseMaxCapacity lets it reach ⌈maxReplicas × (1 + maxCapacityBuffer / 100)⌉ (the spec
// defines the buffer relative to maxReplicas: spec/types.ts PredictiveSpec). Whether the
// result is acted on (ForecastAndScale) or only recorded (ForecastOnly) is the planner's call.

import type { ScalingSpec } from '../spec/types.js';
import { assertNever, millis, type Millis } from '../spec/units.js';
import { schedulingBufferMs } from './buffer.js';
import type { CpuFit } from './cpu-model.js';
import type { Reason } from './decision.js';
import { forecastMax, type StepForecast } from './forecast-window.js';
import { adaptiveLoad, type HeadroomState } from './headroom.js';
import { ceilReplicas, clamp, targetPerReplica } from './target.js';

export interface PredictiveInput {
  spec: ScalingSpec;
  now: Millis;
  tickMs: number;
  forecast?: StepForecast;
  warmupP95Ms?: number;
  /** The learned load → CPU relation; read only for the `cpu` metric. */
  cpuFit?: CpuFit;
  /**
   * Adaptive headroom (headroom.ts): the median forecast and the tracker's state. When given,
   * the load is the median × level × scale instead of the quantile forecast's maximum.
   */
  adaptive?: { median: StepForecast; state: HeadroomState };
}

export type PredictiveResult =
  | {
      kind: 'planned';
      /** Within [minReplicas, ceiling]. */
      replicas: number;
      /** maxReplicas, or the IncreaseMaxCapacity ceiling. */
      ceiling: number;
      reasons: Reason[];
      /** The adaptive headroom state to keep, when it ran. */
      headroom?: HeadroomState;
    }
  | { kind: 'none'; reasons: Reason[] };

/**
 * Highest replica count the predictive part may ask for.
 * Examples: max 10, HonorMaxCapacity → 10; max 10, IncreaseMaxCapacity with 25 % → 13
 * (⌈12.5⌉); max 100 with 10 % → 110 (not 111: 100 × 1.1 is 110.00000000000001 in doubles).
 */
export function predictiveCeiling(spec: ScalingSpec): number {
  const { maxCapacityBreach, maxCapacityBuffer } = spec.predictive;
  switch (maxCapacityBreach) {
    case 'HonorMaxCapacity':
      return spec.maxReplicas;
    case 'IncreaseMaxCapacity':
      return Math.max(spec.maxReplicas, ceilReplicas(spec.maxReplicas * (1 + maxCapacityBuffer / 100)));
    default:
      return assertNever(maxCapacityBreach, 'maxCapacityBreach');
  }
}

/**
 * Target load per replica in the forecast's unit, or why there is none: the metric's own
 * target for rps and concurrency; for cpu the req/s per replica at which the learned line
 * reaches the target CPU, (target − intercept) / slope.
 * Example: cpu target 70 %, slope 1.5 %/(req/s), intercept 10 % → 40 req/s per replica.
 */
function forecastPerReplica(spec: ScalingSpec, cpuFit: CpuFit | undefined): { perReplica: number; reasons: Reason[] } | { why: string } {
  const target = targetPerReplica(spec.target);
  const metric = spec.target.metric;
  switch (metric) {
    case 'rps':
    case 'concurrency':
      return { perReplica: target, reasons: [] };
    case 'cpu': {
      if (cpuFit === undefined) return { why: 'cpu: no load → CPU relation given' };
      if (cpuFit.kind === 'unfit') return { why: cpuFit.why };
      const { slope, intercept, samples } = cpuFit;
      const model: Reason = { source: 'cpu-model', slope, intercept, samples };
      if (!(slope > 0)) return { why: `cpu: learned slope ${slope} %/(req/s) is not positive, so requests do not predict CPU` };
      if (intercept >= target) return { why: `cpu: an idle replica already uses ${intercept} % CPU, at or above the ${target} % target` };
      return { perReplica: (target - intercept) / slope, reasons: [model] };
    }
    default:
      return assertNever(metric, 'scaling metric');
  }
}

/** The predictive recommendation for this tick, or a `no-forecast` reason. Pure; see the header. */
export function planPredictive(input: PredictiveInput): PredictiveResult {
  const { spec, now, tickMs, forecast } = input;
  if (forecast === undefined) return { kind: 'none', reasons: [{ source: 'no-forecast', why: 'no forecast yet' }] };
  const per = forecastPerReplica(spec, input.cpuFit);
  if ('why' in per) return { kind: 'none', reasons: [{ source: 'no-forecast', why: per.why }] };

  const buffer = schedulingBufferMs(spec.predictive.schedulingBuffer, tickMs, input.warmupP95Ms);
  const windowEnd = now + buffer.ms + tickMs;
  let load: number;
  let adaptive: { median: number; multiplier: number; state: HeadroomState } | undefined;
  if (input.adaptive !== undefined) {
    const a = adaptiveLoad(input.adaptive.state, { now, tickMs, bufferMs: buffer.ms, median: input.adaptive.median, quantileForecast: forecast, floor: spec.target.metric === 'cpu' ? 1e-6 : 0.05 * per.perReplica });
    if (a.kind === 'uncovered') return { kind: 'none', reasons: [{ source: 'no-forecast', why: a.why }] };
    load = a.load;
    adaptive = { median: a.median, multiplier: a.multiplier, state: a.state };
  } else {
    const w = forecastMax(forecast, now, windowEnd);
    if (w.kind === 'uncovered') return { kind: 'none', reasons: [{ source: 'no-forecast', why: w.why }] };
    load = w.load;
  }

  const unclamped = ceilReplicas(load / per.perReplica);
  const reasons: Reason[] = [
    ...per.reasons,
    {
      source: 'forecast',
      q: spec.predictive.quantile,
      at: millis(now + buffer.ms),
      load,
      perReplica: per.perReplica,
      replicas: unclamped,
      bufferMs: buffer.ms,
      windowEnd: millis(windowEnd),
      ...(adaptive !== undefined && { median: adaptive.median, multiplier: adaptive.multiplier }),
    },
  ];
  const ceiling = predictiveCeiling(spec);
  const replicas = clamp(unclamped, spec.minReplicas, ceiling);
  if (replicas !== unclamped) reasons.push({ source: 'bounds', min: spec.minReplicas, max: ceiling, unclamped, replicas });
  return {
    kind: 'planned',
    replicas,
    ceiling,
    reasons,
    ...(adaptive !== undefined && { headroom: adaptive.state }),
  };
}
