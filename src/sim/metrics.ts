// How well a policy did, over the evaluation window of a simulation: what it cost, what it
// failed to serve, and the SPEC Research Group's elasticity metrics, which compare two curves
// tick by tick — demand (replicas the load needs at full capacity, ceil(load / perReplica))
// and supply (replicas ready to serve).
//
// The SPEC RG metrics (Herbst et al., "Ready for Rain? A View from SPEC Research on the Future
// of Cloud Metrics", SPEC-RG-2016-01, and the BUNGEE elasticity benchmark), with T the window's
// length, Δt the tick, d_t demand and s_t supply:
//   accuracy_U  = (1/T) Σ max(d_t − s_t, 0) / max(d_t, 1) · Δt   mean relative shortfall
//   accuracy_O  = (1/T) Σ max(s_t − d_t, 0) / max(d_t, 1) · Δt   mean relative excess
//   timeshare_U = (1/T) Σ [d_t > s_t] · Δt                       share of time under-provisioned
//   timeshare_O = (1/T) Σ [s_t > d_t] · Δt                       share of time over-provisioned
//   jitter      = (E_S − E_D) / T                                  adaptations per hour
// where E_S and E_D count the changes of the supply and demand curves. Accuracy is the
// normalised form (each tick's miss divided by its demand, as in the SPEC RG group's later
// "Quantifying Cloud Performance and Dependability", 2018), so traces of any size compare;
// d = 0 is counted as 1 (one replica is the least anyone runs). The unnormalised form of the
// 2016 report (mean replicas short or in excess) is kept alongside as `…Replicas`. Jitter > 0:
// the supply changes more often than the demand (oscillation); < 0: it does not follow the
// demand's changes. Shares are fractions (0.05 = 5 %), not percent.
//
// timeshare_U equals underProvisionedTimeShare by construction: a tick misses exactly when
// demand > supply (trace.ts, demandOf).

import { HOUR } from '../spec/duration.js';
import type { SimulationResult } from './simulate.js';
import { demandOf } from './trace.js';

export interface ElasticityMetrics {
  readonly accuracyU: number;
  readonly accuracyO: number;
  /** Mean replicas short (2016 report's accuracy_U, unnormalised). */
  readonly accuracyUReplicas: number;
  /** Mean replicas in excess. */
  readonly accuracyOReplicas: number;
  readonly timeshareU: number;
  readonly timeshareO: number;
  /** (supply adaptations − demand adaptations) per hour. */
  readonly jitter: number;
}

export interface ElasticityInput {
  readonly demand: readonly number[];
  readonly supply: readonly number[];
  readonly tickMs: number;
  /** The tick before the window, when simulated: its changes into the window count as adaptations. */
  readonly before?: { readonly demand: number; readonly supply: number };
}

/** Number of i where values[i] ≠ values[i − 1], the first compared with `previous` when given. */
export function changes(values: readonly number[], previous?: number): number {
  let count = 0;
  let last = previous;
  for (const v of values) {
    if (last !== undefined && v !== last) count++;
    last = v;
  }
  return count;
}

/** The SPEC RG metrics for two equally long curves; an empty window gives zeros. */
export function elasticityMetrics(input: ElasticityInput): ElasticityMetrics {
  const { demand, supply, tickMs } = input;
  if (demand.length !== supply.length) throw new RangeError(`demand (${demand.length}) and supply (${supply.length}) must be equally long`);
  const n = demand.length;
  if (n === 0) return { accuracyU: 0, accuracyO: 0, accuracyUReplicas: 0, accuracyOReplicas: 0, timeshareU: 0, timeshareO: 0, jitter: 0 };
  let relU = 0;
  let relO = 0;
  let absU = 0;
  let absO = 0;
  let under = 0;
  let over = 0;
  for (let i = 0; i < n; i++) {
    const d = demand[i] as number;
    const s = supply[i] as number;
    const base = Math.max(d, 1);
    if (d > s) {
      under++;
      absU += d - s;
      relU += (d - s) / base;
    } else if (s > d) {
      over++;
      absO += s - d;
      relO += (s - d) / base;
    }
  }
  const hours = (n * tickMs) / HOUR;
  const jitter = (changes(supply, input.before?.supply) - changes(demand, input.before?.demand)) / hours;
  return { accuracyU: relU / n, accuracyO: relO / n, accuracyUReplicas: absU / n, accuracyOReplicas: absO / n, timeshareU: under / n, timeshareO: over / n, jitter };
}

export interface PolicyMetrics extends ElasticityMetrics {
  readonly policy: string;
  /** Σ desired × tick over the window, in replica-hours: what is paid for, starting replicas included. */
  readonly replicaHours: number;
  /** Unserved requests / all requests (0 when nothing arrived). */
  readonly unservedShare: number;
  /** Share of ticks with load > capacity. */
  readonly underProvisionedTimeShare: number;
  /** Changes of the desired count (scaling actions). */
  readonly actions: number;
  readonly arrivals: number;
  readonly served: number;
  readonly unserved: number;
  readonly ticks: number;
}

/** The metrics of one simulation over its evaluation window. */
export function policyMetrics(result: SimulationResult): PolicyMetrics {
  const { series, evalFrom, totals, perReplica } = result;
  const load = series.load.slice(evalFrom);
  const demand = load.map((l) => demandOf(l, perReplica));
  const supply = series.ready.slice(evalFrom);
  const desired = series.desired.slice(evalFrom);
  const prev = evalFrom > 0 ? evalFrom - 1 : undefined;
  const before = prev === undefined ? undefined : { demand: demandOf(series.load[prev] as number, perReplica), supply: series.ready[prev] as number };
  const elasticity = elasticityMetrics({ demand, supply, tickMs: series.tickMs, ...(before && { before }) });
  return {
    policy: result.policy,
    replicaHours: totals.replicaHours,
    unservedShare: totals.arrivals > 0 ? totals.unserved / totals.arrivals : 0,
    underProvisionedTimeShare: totals.ticks > 0 ? totals.missTicks / totals.ticks : 0,
    ...elasticity,
    actions: changes(desired, prev === undefined ? undefined : series.desired[prev]),
    arrivals: totals.arrivals,
    served: totals.served,
    unserved: totals.unserved,
    ticks: totals.ticks,
  };
}
