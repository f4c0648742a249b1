// The simulator's public surface (issue 4, "sim/"): what the CLI's `rollcast backtest` and
// bench/scaling import. Each module's header says why it is built the way it is.

export { awsPolicy, type AwsOptions } from './aws.js';
export { derivePerReplica, makePolicy, P99_REPLICAS, POLICY_NAMES, runBacktest, type BacktestOptions, type BacktestResult, type PolicyName, type PolicyOutcome } from './backtest.js';
export { hpaPolicy, type HpaOptions } from './hpa.js';
export { knativePolicy, type KnativeOptions } from './knative.js';
export { elasticityMetrics, policyMetrics, type ElasticityMetrics, type PolicyMetrics } from './metrics.js';
export { oraclePolicy } from './oracle.js';
export { hybridPolicy, predictivePolicy, type PlannerPolicyOptions } from './planner-policy.js';
export type { HeldForecast, History, Observation, Policy, PolicySetup, PolicyStep } from './policy.js';
export { prepareTrace, simulate, type PreparedTrace, type SimulationInput, type SimulationResult, type SimulationTotals, type TickSeries } from './simulate.js';
export { demandOf, type TraceUnit } from './trace.js';
