// The normalized ModelDeployment: what every other module receives after parsing. All
// defaults are applied, durations are `Millis` numbers in fields ending in `Ms`, rollout
// steps are a discriminated union with the strategy's default steps already filled in,
// and every analysis step carries its complete analysis settings. Nothing here needs the
// original YAML to be understood. The YAML shape is documented in ARCHITECTURE.md ("The
// spec") and by the files in examples/.

import type { Millis } from './units.js';

export const API_VERSION = 'rollcast.dev/v1alpha1';
export const KIND = 'ModelDeployment';

export interface ModelDeployment {
  apiVersion: typeof API_VERSION;
  kind: typeof KIND;
  metadata: Metadata;
  spec: DeploymentSpec;
}

export interface Metadata {
  /** DNS-1123 label (lowercase alphanumerics and '-', ≤ 63 chars): it appears in URLs and ids. */
  name: string;
  /** Kubernetes-style labels; `{}` when none were given. */
  labels: Record<string, string>;
}

export interface DeploymentSpec {
  model: ModelRef;
  serving: ServingSpec;
  scaling: ScalingSpec;
  rollout: RolloutSpec;
}

export interface ModelRef {
  /** Served as /v2/models/{name}: lowercase alphanumerics, '-', '.', '_', ≤ 63 chars. */
  name: string;
  /** Always a string: `version: 2` in YAML becomes "2", and `1.10` keeps its digits. */
  version: string;
  /** As written: a path relative to the spec file (resolving it is the shell's job). */
  uri: string;
  /** Lowercase hex SHA-256 of the model file; `undefined` means the file is not pinned. */
  sha256?: string;
  /** Whether NaN/±Infinity in inputs or outputs are accepted (default false: rejected). */
  allowNonFinite: boolean;
}

export interface ServingSpec {
  /** Requests one replica runs at the same time. */
  maxConcurrency: number;
  /** Longest a request may wait for a free slot before it is rejected (≤ timeoutMs). */
  queueTimeoutMs: Millis;
  /** Deadline for a whole request, queueing included. */
  timeoutMs: Millis;
  /** Requests allowed to wait per deployment; beyond this the gateway answers 429 at once. */
  maxQueue: number;
  /** Largest accepted request body, in bytes (≤ 64 MiB). */
  maxBodyBytes: number;
  /** ONNX Runtime intra-op threads per replica. */
  intraOpThreads: number;
}

export type ScalingMetric = 'rps' | 'concurrency' | 'cpu';

/**
 * Target tracking. Desired load per replica = valuePerReplica × utilization, for every
 * metric; e.g. rps with valuePerReplica 200 and utilization 0.7 aims at 140 req/s per
 * replica. For `cpu`, valuePerReplica is the CPU percent at which a replica counts as full
 * (default 100), so `utilization: 0.7` means 70 % average CPU, as in AWS target tracking.
 */
export interface ScalingTarget {
  metric: ScalingMetric;
  /** rps: req/s one replica sustains; concurrency: in-flight requests; cpu: percent (0, 100]. */
  valuePerReplica: number;
  /** Fraction of valuePerReplica to aim at, in (0, 1]. */
  utilization: number;
}

export type PredictiveMode = 'Off' | 'ForecastOnly' | 'ForecastAndScale';
/**
 * Where the predictive part's headroom comes from. `forecast`: the forecast at `quantile`
 * (the forecaster's conformal band). `adaptive`: the median forecast corrected by the load
 * just observed and scaled by the `quantile` of the planner's own recent forecast errors,
 * learned online (capacity/headroom.ts); with it the forecast may also lead a scale-in when
 * the observation agrees (capacity/planner.ts).
 */
export type HeadroomMode = 'forecast' | 'adaptive';
export type MaxCapacityBreach = 'HonorMaxCapacity' | 'IncreaseMaxCapacity';

/** How far ahead of a forecast rise replicas are started. */
export type SchedulingBuffer =
  | { kind: 'auto' } // the measured p95 replica warm-up time
  | { kind: 'fixed'; durationMs: Millis };

export interface PredictiveSpec {
  /** ForecastOnly (default) records forecasts without acting; ForecastAndScale acts on them. */
  mode: PredictiveMode;
  /** Forecast quantile to provision for, in (0, 1); 0.9 = enough for 9 minutes in 10. */
  quantile: number;
  /** Load history used to fit the forecast (≥ 1 day). */
  historyMs: Millis;
  /** How far ahead to forecast (≤ historyMs). */
  horizonMs: Millis;
  schedulingBuffer: SchedulingBuffer;
  maxCapacityBreach: MaxCapacityBreach;
  /** Percent above maxReplicas the forecast may go; always 0 with HonorMaxCapacity. */
  maxCapacityBuffer: number;
  /** Where the headroom comes from (HeadroomMode); absent means `forecast`, the default. */
  headroom?: HeadroomMode;
}

export interface ScaleDirection {
  /** Look-back window, as the Kubernetes HPA: scale up only to the lowest and down only to the highest recommendation within it. */
  stabilizationMs: Millis;
  /** Minimum time after a scaling action in this direction before the next one. */
  cooldownMs: Millis;
}

export interface ReactiveSpec {
  /** Relative deviation from target ignored, in [0, 1); 0.1 = ±10 % dead band. */
  tolerance: number;
  /** True: the reactive loop only adds replicas (the forecast may still lower them). */
  disableScaleIn: boolean;
  scaleUp: ScaleDirection;
  scaleDown: ScaleDirection;
}

export interface ScalingSpec {
  /** Initial replica count, within [minReplicas, maxReplicas]; defaults to minReplicas. */
  replicas: number;
  minReplicas: number;
  maxReplicas: number;
  target: ScalingTarget;
  predictive: PredictiveSpec;
  reactive: ReactiveSpec;
}

export type RolloutStrategy = 'canary' | 'linear' | 'blueGreen' | 'allAtOnce' | 'shadow';
export type LatencyQuantile = 0.5 | 0.95 | 0.99;

/** One check comparing the new revision (canary) with the running one (baseline). */
export type AnalysisMetric =
  /** Fraction of canary requests that fail, at most `max` (0..1). */
  | { kind: 'error-rate'; max: number }
  /**
   * Canary latency at `quantile`: at most `maxMs` absolute and/or at most `maxIncrease`
   * relative to the baseline (0.2 = 20 % slower). At least one bound is present.
   */
  | { kind: 'latency'; quantile: LatencyQuantile; maxMs?: Millis; maxIncrease?: number }
  /** Population stability index of the prediction distribution vs the baseline. */
  | { kind: 'output-drift'; maxPsi: number };

export type OnInconclusive = 'hold' | 'rollback';

export interface AnalysisSpec {
  /** How often the canary is evaluated. */
  intervalMs: Millis;
  /** Fewer samples per revision than this → Inconclusive, never Pass or Fail. */
  minSamples: number;
  /** Non-empty, at most one metric per kind (and per quantile for latency). */
  metrics: AnalysisMetric[];
  /** Failed evaluations tolerated; one more fails the analysis (Argo Rollouts semantics). */
  failureLimit: number;
  onInconclusive: OnInconclusive;
}

/** How many replicas the new revision runs, independently of its traffic weight. */
export type CanaryScale =
  | { kind: 'replicas'; replicas: number }
  | { kind: 'weight'; weight: number } // percent of the stable revision's replicas
  | { kind: 'matchTrafficWeight' }; // the default: follow the traffic weight

/**
 * A rollout is this list of steps run in order; after the last one the new revision gets
 * 100 % of traffic and the old one is retired.
 */
export type RolloutStep =
  | { kind: 'setWeight'; weight: number } // integer percent of live traffic, 0..100
  | { kind: 'pause'; durationMs?: Millis } // undefined: wait for a manual promote
  | { kind: 'analysis'; analysis: AnalysisSpec } // rollout-level analysis with the step's overrides
  | { kind: 'setCanaryScale'; scale: CanaryScale };

export interface RolloutSpec {
  strategy: RolloutStrategy;
  /** Resolved: the strategy's defaults when none were given, `linear` expanded. */
  steps: RolloutStep[];
  /** Rollout-level analysis settings (each analysis step has its own resolved copy). */
  analysis: AnalysisSpec;
  /** Roll back automatically when an analysis fails. */
  autoRollback: boolean;
}

/** One problem in a spec: `path = given, message`, e.g. `spec.scaling.maxReplicas = 0, must be ≥ minReplicas (1)`. */
export interface SpecIssue {
  /** Dotted path to the offending value, e.g. `spec.rollout.steps[2].setWeight`; '' for the whole document. */
  path: string;
  /** The rule, phrased for the person who wrote the spec: "must be ≥ minReplicas (1)". */
  message: string;
  /** The value given, rendered compactly (`0`, `"5x"`); absent when the value is missing. */
  given?: string;
  /** Where in the YAML source, e.g. `penguins.yaml:12:18`; absent for JSON input. */
  at?: string;
}

/**
 * The outcome of parsing. On success `raw` is the document as written, as plain JSON (what
 * the store keeps; `validateDeploymentObject(raw)` gives the same spec back), and `warnings`
 * are lines like issues for settings that are valid but probably not what was meant.
 */
export type ParseResult =
  | { ok: true; spec: ModelDeployment; warnings: string[]; raw: Record<string, unknown> }
  | { ok: false; issues: SpecIssue[] };
