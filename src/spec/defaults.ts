// Every default of the ModelDeployment spec, in one place and in normalized units, with the
// reason for each value. The schema reads these; nothing else invents a default.

import { DAY, HOUR, MINUTE, SECOND } from './duration.js';
import type { AnalysisMetric, AnalysisSpec, RolloutStep, RolloutStrategy } from './types.js';
import { assertNever, millis } from './units.js';

export const MIB = 1024 * 1024;

export const DEFAULTS = {
  model: {
    // NaN and ±Infinity in a tensor are almost always a bug upstream; refuse them unless asked.
    allowNonFinite: false,
  },
  serving: {
    maxConcurrency: 4,
    queueTimeoutMs: millis(2 * SECOND),
    timeoutMs: millis(10 * SECOND),
    // Bounded so an overload answers 429 quickly instead of growing latency without limit.
    maxQueue: 64,
    maxBodyBytes: 4 * MIB,
    // One thread per replica: replicas, not threads, are the unit the autoscaler adds.
    intraOpThreads: 1,
  },
  scaling: {
    minReplicas: 1,
    maxReplicas: 10,
    // (replicas defaults to minReplicas: a new deployment starts small and scales from there.)
    target: {
      utilization: 0.7,
      // For metric cpu only: a replica is "full" at 100 % of its CPU, so utilization 0.7 = 70 % CPU.
      cpuValuePerReplica: 100,
    },
    predictive: {
      // ForecastOnly, not ForecastAndScale: a new deployment has no history, and a forecast
      // should be seen next to real load (the dashboard plots both) before it may add or
      // remove replicas. AWS recommends the same first step for predictive scaling.
      mode: 'ForecastOnly' as const,
      quantile: 0.9,
      // Two weekly cycles, as AWS predictive scaling uses; enough to see a weekly pattern twice.
      historyMs: millis(14 * DAY),
      horizonMs: millis(48 * HOUR),
      maxCapacityBreach: 'HonorMaxCapacity' as const,
      maxCapacityBuffer: 0,
    },
    reactive: {
      tolerance: 0.1,
      disableScaleIn: false,
      // Scale up at once and soon again; scale down only after 5 minutes of lower load and at
      // most every 5 minutes, as Kubernetes HPA does: flapping costs more than idle replicas.
      scaleUp: { stabilizationMs: millis(0), cooldownMs: millis(60 * SECOND) },
      scaleDown: { stabilizationMs: millis(5 * MINUTE), cooldownMs: millis(300 * SECOND) },
    },
  },
  rollout: {
    strategy: 'canary' as const,
    autoRollback: true,
    // CodeDeployDefault.Linear10PercentEvery1Minute, with an analysis gate after each step.
    linear: { stepWeight: 10, intervalMs: millis(1 * MINUTE) },
  },
} as const;

/** Error rate at most 1 % and p99 latency at most 20 % above the running version. */
export const DEFAULT_ANALYSIS_METRICS: readonly AnalysisMetric[] = [
  { kind: 'error-rate', max: 0.01 },
  { kind: 'latency', quantile: 0.99, maxIncrease: 0.2 },
];

export function defaultAnalysis(): AnalysisSpec {
  return {
    intervalMs: millis(1 * MINUTE),
    // Below ~200 samples a p99 is decided by two requests; the verdict would be noise.
    minSamples: 200,
    metrics: DEFAULT_ANALYSIS_METRICS.map((m) => ({ ...m })),
    failureLimit: 2,
    onInconclusive: 'hold',
  };
}

/**
 * The steps a strategy runs when the spec gives none (`analysis` is the rollout-level one):
 * - canary: 10 % for 5 min, analysis; 50 % for 10 min, analysis; then promote.
 * - linear: see expandLinear (10 % more every minute, each step gated by analysis).
 * - blueGreen: scale the new revision to the old one's size before any traffic moves, switch
 *   all traffic, keep the old revision for 10 min so a rollback is instant, then retire it.
 * - allAtOnce: no steps: switch all traffic (CodeDeployDefault.AllAtOnce).
 * - shadow: run a full-size copy that receives mirrored traffic (responses discarded) for
 *   10 min, judge it on that traffic, then promote.
 */
export function defaultSteps(strategy: RolloutStrategy, analysis: AnalysisSpec): RolloutStep[] {
  const pause = (ms: number): RolloutStep => ({ kind: 'pause', durationMs: millis(ms) });
  const analyse = (): RolloutStep => ({ kind: 'analysis', analysis: { ...analysis, metrics: [...analysis.metrics] } });
  switch (strategy) {
    case 'canary':
      return [
        { kind: 'setWeight', weight: 10 },
        pause(5 * MINUTE),
        analyse(),
        { kind: 'setWeight', weight: 50 },
        pause(10 * MINUTE),
        analyse(),
      ];
    case 'linear':
      return expandLinear(DEFAULTS.rollout.linear.stepWeight, DEFAULTS.rollout.linear.intervalMs, analysis);
    case 'blueGreen':
      return [
        { kind: 'setCanaryScale', scale: { kind: 'weight', weight: 100 } },
        { kind: 'setWeight', weight: 100 },
        pause(10 * MINUTE),
      ];
    case 'allAtOnce':
      return [];
    case 'shadow':
      return [{ kind: 'setCanaryScale', scale: { kind: 'weight', weight: 100 } }, pause(10 * MINUTE), analyse()];
    default:
      return assertNever(strategy, 'strategy');
  }
}

/**
 * `linear: { stepWeight: 30, interval: 2m }` → setWeight 30, pause 2m, analysis, then 60 and
 * 90 likewise; reaching 100 % is the promotion that follows the last step, so it is not a
 * step. Weights stay below 100: 100 / 30 → 30, 60, 90; 100 / 25 → 25, 50, 75.
 */
export function expandLinear(stepWeight: number, intervalMs: number, analysis: AnalysisSpec): RolloutStep[] {
  const steps: RolloutStep[] = [];
  for (let weight = stepWeight; weight < 100; weight += stepWeight) {
    steps.push(
      { kind: 'setWeight', weight },
      { kind: 'pause', durationMs: millis(intervalMs) },
      { kind: 'analysis', analysis: { ...analysis, metrics: [...analysis.metrics] } },
    );
  }
  return steps;
}
