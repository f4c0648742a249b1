// The reactive part's raw recommendation: target tracking with the Kubernetes HPA algorithm
// (kubernetes.io "Horizontal Pod Autoscaling", Algorithm details):
//
//   ratio   = observed per replica / target per replica
//   desired = ⌈ratio × replicas measured⌉, unchanged when |ratio − 1| ≤ tolerance
//
// "Replicas measured" are the ready ones: they produced the observation. For rps and
// concurrency the observation is a total, so the per-replica value is total / ready (and
// desired is simply ⌈total / target⌉); for cpu it is already the average per ready replica.
// As in the HPA, replicas still starting dampen a scale-up: they are counted at zero load,
// and when that brings the ratio back within tolerance nothing more is added (they are about
// to take their share). Over target never proposes fewer replicas than running, under target
// never more (the HPA's same guard), which also makes the result monotone in the load.
// Stabilization windows and cooldowns are applied afterwards (stabilization.ts, cooldown.ts).

import type { ScalingTarget } from '../spec/types.js';
import { assertNever } from '../spec/units.js';
import type { Reason } from './decision.js';
import { ceilReplicas, targetPerReplica } from './target.js';

/**
 * Ratios are quotients of doubles: 616 req/s over 4 replicas at 140 is 1.1000000000000001,
 * and a ratio on the edge of the band written in the spec must count as inside it.
 */
const EDGE_SLACK = 1e-9;

export interface ReactiveObservation {
  /** Total load (rps, concurrency) or average CPU percent per ready replica (cpu). */
  load: number;
  readyReplicas: number;
  currentReplicas: number;
}

export interface ReactiveDesired {
  /** The unstabilized recommendation (what the HPA records in its recommendation history). */
  desired: number;
  reasons: Reason[];
  /**
   * False when nothing could be measured (cpu with no ready replica reporting) and `desired`
   * only holds the current count: as the HPA skips a recommendation when metrics are
   * missing, such a hold is not recorded in the stabilization window.
   */
  measured?: false;
}

/**
 * Examples (target 140 req/s per replica = 200 × 0.7, tolerance 0.1):
 * - 4 ready of 4, 1120 req/s → 280 per replica, ratio 2 → 8 replicas;
 * - 4 ready of 4, 588 req/s → ratio 1.05, within ±10 % → 4 (tolerance);
 * - 4 ready of 6, 700 req/s → ratio 1.25, but 700 / 6 = 117 per replica once the two
 *   starting ones serve → ratio 0.83 ≤ 1.1 → 6 (tolerance, starting replicas);
 * - cpu 90 % on 50 ready, target 75 % → ratio 1.2 → 60 (the Kubernetes v1.33 blog example).
 */
export function reactiveDesired(target: ScalingTarget, tolerance: number, obs: ReactiveObservation): ReactiveDesired {
  const perTarget = targetPerReplica(target);
  const { load, readyReplicas: ready, currentReplicas: current } = obs;
  const metric = target.metric;
  let base: number; // the replicas the observation is spread over
  let observedPerReplica: number;
  switch (metric) {
    case 'rps':
    case 'concurrency':
      // With none ready the total was still measured (requests queued or refused); spread it
      // over the replicas on their way, or one.
      base = ready > 0 ? ready : Math.max(current, 1);
      observedPerReplica = load / base;
      break;
    case 'cpu':
      if (ready === 0) {
        return {
          desired: current,
          reasons: [{ source: 'reactive', observed: load, perReplica: perTarget, ratio: 1, replicas: current, note: 'no ready replica reports CPU: holding the current count' }],
          measured: false,
        };
      }
      base = ready;
      observedPerReplica = load;
      break;
    default:
      return assertNever(metric, 'scaling metric');
  }
  const ratio = observedPerReplica / perTarget;
  if (Math.abs(ratio - 1) <= tolerance + EDGE_SLACK) {
    return { desired: current, reasons: [{ source: 'tolerance', ratio, tolerance }] };
  }
  if (ratio > 1 && base < current) {
    const withStarting = (ratio * base) / current;
    if (withStarting <= 1 + tolerance + EDGE_SLACK) {
      const starting = current - base;
      return {
        desired: current,
        reasons: [{ source: 'tolerance', ratio: withStarting, tolerance, note: `${starting} starting replica${starting === 1 ? '' : 's'} counted at zero load` }],
      };
    }
  }
  const proposal = ceilReplicas(ratio * base);
  const desired = ratio > 1 ? Math.max(proposal, current) : Math.min(proposal, current);
  return { desired, reasons: [{ source: 'reactive', observed: load, perReplica: perTarget, ratio, replicas: desired, observedPerReplica }] };
}
