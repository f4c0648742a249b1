// Replica arithmetic for a rollout: how many replicas each revision needs for its share of
// the traffic, in the spirit of Argo Rollouts' approximateWeightedCanaryStableReplicaCounts
// (utils/replicaset/canary.go), but rounding *up* on both sides. Argo keeps canary + stable
// equal to spec.replicas and accepts that one side is short by a fraction of a replica; we
// size each side for the load it is routed, so the total may exceed the need by one replica
// but neither side is ever short. Every number here is a whole replica count.
//
// `need` is the total replica count the load needs (the capacity planner's forecast-based
// answer, a whole number ≥ 0). `weight` is an integer percent 0..100 of live traffic.

import type { CanaryScale } from '../spec/types.js';
import { assertNever } from '../spec/units.js';

/**
 * Replicas a revision needs to serve `weight` % of a load that needs `need` replicas:
 * ⌈need × weight / 100⌉, at least 1 when weight > 0 (a revision that receives traffic has a
 * replica to serve it, even when the forecast says no load), 0 when weight is 0.
 *
 *   need 10, weight 10 → 1      need 10, weight 90 → 9     (1 + 9 = 10)
 *   need 7,  weight 10 → 1      need 7,  weight 90 → 7     (⌈0.7⌉ + ⌈6.3⌉ = 8: one spare)
 *   need 0,  weight 10 → 1      need 5,  weight 0  → 0
 *
 * Integer arithmetic (⌊(need·w + 99) / 100⌋), so 3 × 100 / 100 is exactly 3, never 3.0000001.
 */
export function shareOf(need: number, weight: number): number {
  if (weight <= 0) return 0;
  return Math.max(1, Math.floor((need * weight + 99) / 100));
}

/**
 * The largest integer weight 0..100 that `ready` replicas can serve: the inverse of shareOf,
 * i.e. max { w : shareOf(need, w) ≤ ready }. Used by a rollback to move traffic back to the
 * stable revision only as fast as the stable's ready replicas can take it.
 *
 *   need 10, ready 7  → 70       need 7, ready 3 → 42 (⌈7 × 0.42⌉ = 3, ⌈7 × 0.43⌉ = 4)
 *   need 0,  ready 1  → 100      any need, ready 0 → 0       ready ≥ need → 100
 *
 * shareOf(need, w) ≤ ready ⟺ need·w ≤ 100·ready (for ready ≥ 1), so w = ⌊100·ready / need⌋;
 * need 0 never divides: one replica then serves every weight.
 */
export function weightCoveredBy(ready: number, need: number): number {
  if (ready < 1) return 0;
  if (need <= 0 || ready >= need) return 100;
  return Math.min(100, Math.floor((100 * ready) / need));
}

/** Canary and stable replicas for a split of live traffic: each side's shareOf. */
export function splitReplicas(need: number, canaryWeight: number): { canary: number; stable: number } {
  return { canary: shareOf(need, canaryWeight), stable: shareOf(need, 100 - canaryWeight) };
}

/**
 * The canary size a `setCanaryScale` step asks for, or 0 for matchTrafficWeight (the size
 * then follows the weight alone). `weight: p` is p % of the replicas the whole load needs
 * (what the stable revision runs at 100 %), rounded like shareOf: need 8, weight 50 → 4.
 * The rollout never sizes the canary below its traffic share: the caller takes the larger
 * of this and shareOf (Argo lets an explicit scale undercut the weight; we don't, because
 * the capacity invariant would break and a weight step waiting for readiness would stall).
 */
export function canaryScaleReplicas(scale: CanaryScale | null, need: number): number {
  if (scale === null) return 0;
  switch (scale.kind) {
    case 'replicas':
      return scale.replicas;
    case 'weight':
      return shareOf(need, scale.weight);
    case 'matchTrafficWeight':
      return 0;
    default:
      return assertNever(scale, 'canary scale');
  }
}

/** Whether a revision with `ready` replicas can take `weight` % of the load (see shareOf). */
export function covers(ready: number, need: number, weight: number): boolean {
  return ready >= shareOf(need, weight);
}
