// The backtest: every chosen policy over the same trace, warm-up and replica capacity, scored
// over the same evaluation window (the last 7 days by default; everything before it is
// history the policies may learn from). What `rollcast backtest` and bench/scaling print.
//
// - Replica capacity: given, or derived so that the 99th percentile of the load in the
//   evaluation window needs 20 replicas at full capacity (perReplica = p99 / 20), which makes
//   traces of any size comparable.
// - Each simulation starts `settleMs` (1 hour) before the window, with the replicas a 70 %
//   target would have for the load just before, so no policy is scored on its start-up.
// - The forecasting policies' refits are bounded by their refit interval (hourly for ours,
//   6-hourly for aws-like) over the simulated span only: about 170 + 30 for 7 days.

import type { ForecastEngines } from '../forecast/engines.js';
import { DAY, HOUR, MINUTE } from '../spec/duration.js';
import type { HeadroomMode } from '../spec/types.js';
import { awsPolicy } from './aws.js';
import { hpaPolicy } from './hpa.js';
import { knativePolicy } from './knative.js';
import { policyMetrics, type PolicyMetrics } from './metrics.js';
import { oraclePolicy } from './oracle.js';
import { hybridPolicy, predictivePolicy } from './planner-policy.js';
import type { Policy } from './policy.js';
import { prepareTrace, simulate, type PreparedTrace, type TickSeries } from './simulate.js';
import type { TraceUnit } from './trace.js';
import type { RegularSeries } from '../forecast/series.js';

export const POLICY_NAMES = ['hybrid', 'predictive', 'reactive', 'aws-like', 'knative-like', 'oracle'] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/** Replicas at full capacity the derived perReplica gives the evaluation window's p99. */
export const P99_REPLICAS = 20;

export interface BacktestOptions {
  /** A replica's full capacity, rps; derived from the trace when absent. */
  readonly perReplica?: number;
  readonly warmupMs: number;
  /** Default 60 s. */
  readonly tickMs?: number;
  /** Length of the scored window at the end of the trace; default 7 days. */
  readonly evalMs?: number;
  /** Simulated but unscored time before the window; default 1 hour. */
  readonly settleMs?: number;
  /** How the trace's values are expressed; default per step (counts). */
  readonly unit?: TraceUnit;
  readonly minReplicas?: number;
  readonly maxReplicas?: number;
  /** Replicas at the simulation's start; default: a 70 % target on the load just before. */
  readonly initialReplicas?: number;
  /** Quantile for hybrid/predictive (default planner-policy.ts DEFAULT_QUANTILE). */
  readonly quantile?: number;
  /** hybrid/predictive target utilization (default 0.9). */
  readonly utilization?: number;
  /** hybrid/predictive headroom mode (default 'adaptive'; 'forecast' is the quantile band). */
  readonly headroom?: HeadroomMode;
  /** hybrid/predictive refit interval (default 1 hour). */
  readonly refitEveryMs?: number;
  /** hybrid/predictive forecast horizon (default 4 hours). */
  readonly horizonMs?: number;
  /** Called after each policy's simulation (for a progress bar). */
  readonly onProgress?: (done: number, total: number, policy: string) => void;
}

export interface PolicyOutcome {
  readonly metrics: PolicyMetrics;
  /** Per tick from the simulation's start; `evalFrom` is the first scored tick. */
  readonly series: TickSeries;
  readonly evalFrom: number;
}

export interface BacktestResult {
  readonly perReplica: number;
  /** True when perReplica was derived from the trace's p99. */
  readonly perReplicaDerived: boolean;
  readonly warmupMs: number;
  readonly tickMs: number;
  readonly evalStart: number;
  readonly evalEnd: number;
  readonly policies: readonly PolicyOutcome[];
}

/**
 * The q-quantile of the non-NaN values, linearly interpolated between order statistics
 * (type 7, as R's default and numpy's). [1, 2, 3, 4] at 0.5 → 2.5; at 0.99 → 3.97.
 */
export function quantileOf(values: readonly number[], q: number): number {
  const sorted = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  const b = sorted[Math.min(lo + 1, sorted.length - 1)] as number;
  return a + (h - lo) * (b - a);
}

/** perReplica at which the window's p99 needs P99_REPLICAS replicas: p99 / 20. */
export function derivePerReplica(rps: RegularSeries, from: number, to: number): number {
  const inWindow = rps.values.filter((_, i) => {
    const t = rps.start + i * rps.stepMs;
    return t >= from && t < to;
  });
  const p99 = quantileOf(inWindow, 0.99);
  if (!(p99 > 0)) throw new RangeError(`cannot derive a replica capacity: the load's 99th percentile in the evaluation window is ${p99}`);
  return p99 / P99_REPLICAS;
}

export interface PolicyContext {
  readonly engines?: ForecastEngines;
  readonly quantile?: number;
  readonly utilization?: number;
  readonly headroom?: HeadroomMode;
  readonly refitEveryMs?: number;
  readonly horizonMs?: number;
}

/** A policy by name, with the caller's forecasting engines. */
export function makePolicy(name: PolicyName, context: PolicyContext = {}): Policy {
  const engines = context.engines;
  const ours = {
    ...(engines && { engines }),
    ...(context.quantile !== undefined && { quantile: context.quantile }),
    ...(context.utilization !== undefined && { utilization: context.utilization }),
    ...(context.headroom !== undefined && { headroom: context.headroom }),
    ...(context.refitEveryMs !== undefined && { refitEveryMs: context.refitEveryMs }),
    ...(context.horizonMs !== undefined && { horizonMs: context.horizonMs }),
  };
  switch (name) {
    case 'oracle':
      return oraclePolicy();
    case 'reactive':
      return hpaPolicy();
    case 'knative-like':
      return knativePolicy();
    case 'aws-like':
      return awsPolicy(engines ? { engines } : {});
    case 'predictive':
      return predictivePolicy(ours);
    case 'hybrid':
      return hybridPolicy(ours);
  }
}

/** The window and start of a backtest on a prepared trace. */
export function backtestWindow(trace: PreparedTrace, evalMs: number, settleMs: number): { start: number; evalStart: number; end: number } {
  const { ticks } = trace;
  const endTick = ticks.loads.length;
  const evalTicks = Math.floor(evalMs / ticks.tickMs);
  // Scoring the whole trace (or more) leaves the policies no history to learn from, and a
  // silently shortened window would report numbers for a window nobody asked for.
  if (!(evalTicks >= 1 && evalTicks < endTick)) {
    throw new RangeError(`evaluation window of ${evalTicks} ticks must be at least 1 and shorter than the trace (${endTick} ticks)`);
  }
  const evalTick = endTick - evalTicks;
  const startTick = Math.max(0, evalTick - Math.ceil(settleMs / ticks.tickMs));
  const at = (g: number): number => ticks.start + g * ticks.tickMs;
  return { start: at(startTick), evalStart: at(evalTick), end: at(endTick) };
}

/** Every policy in `policies` over `trace`; see the module comment. */
export function runBacktest(trace: RegularSeries, options: BacktestOptions, policies: readonly (PolicyName | Policy)[], engines?: ForecastEngines): BacktestResult {
  const tickMs = options.tickMs ?? MINUTE;
  const prepared = prepareTrace(trace, tickMs, options.unit ?? 'perStep');
  const { start, evalStart, end } = backtestWindow(prepared, options.evalMs ?? 7 * DAY, options.settleMs ?? HOUR);
  const perReplica = options.perReplica ?? derivePerReplica(prepared.rps, evalStart, end);
  const minReplicas = options.minReplicas ?? 1;
  const startTick = (start - prepared.ticks.start) / tickMs;
  const before = prepared.ticks.loads[Math.max(0, startTick - 1)] ?? 0;
  const initialReplicas = options.initialReplicas ?? Math.max(minReplicas, Math.ceil(before / (perReplica * 0.7)));
  const context: PolicyContext = {
    ...(engines && { engines }),
    ...(options.quantile !== undefined && { quantile: options.quantile }),
    ...(options.utilization !== undefined && { utilization: options.utilization }),
    ...(options.headroom !== undefined && { headroom: options.headroom }),
    ...(options.refitEveryMs !== undefined && { refitEveryMs: options.refitEveryMs }),
    ...(options.horizonMs !== undefined && { horizonMs: options.horizonMs }),
  };
  const outcomes: PolicyOutcome[] = [];
  for (const entry of policies) {
    const policy = typeof entry === 'string' ? makePolicy(entry, context) : entry;
    const result = simulate({
      trace: prepared,
      perReplica,
      warmupMs: options.warmupMs,
      start,
      evalStart,
      end,
      initialReplicas,
      minReplicas,
      ...(options.maxReplicas !== undefined && { maxReplicas: options.maxReplicas }),
      policy,
    });
    outcomes.push({ metrics: policyMetrics(result), series: result.series, evalFrom: result.evalFrom });
    options.onProgress?.(outcomes.length, policies.length, policy.name);
  }
  return { perReplica, perReplicaDerived: options.perReplica === undefined, warmupMs: options.warmupMs, tickMs, evalStart, evalEnd: end, policies: outcomes };
}
