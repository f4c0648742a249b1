// Burst mode, after Knative's panic mode (knative.dev, "Additional autoscaling configuration
// for Knative Pod Autoscaler"): when the load exceeds twice what the ready replicas can
// carry at full capacity, the planner scales up at once to ⌈load / target per replica⌉,
// without waiting for the scale-up stabilization window or cooldown, and while in burst mode
// it never scales down (churn during a burst costs more than a few idle minutes). It leaves
// burst mode once the load has stayed at or below the threshold for PANIC_WINDOW_MS.
//
// Only for the totals metrics (rps, concurrency): the threshold compares a total with the
// ready replicas' capacity. Average CPU cannot exceed 100 % per replica, so "twice the
// capacity" never happens for `cpu`, and burst mode does not apply there.

import type { ScalingTarget } from '../spec/types.js';
import { assertNever, type Millis } from '../spec/units.js';
import { ceilReplicas, targetPerReplica } from './target.js';

/** Load above this multiple of the ready capacity starts burst mode (Knative's panic threshold, 200 %). */
export const BURST_THRESHOLD = 2;

/**
 * How long the load must stay below the threshold before burst mode ends: Knative's default
 * stable window, 60 s, which is also how long its panic mode lasts at least.
 */
export const PANIC_WINDOW_MS = 60_000;

export interface BurstState {
  enteredAt: Millis;
  /** The last tick at which the load was above the threshold. */
  lastAboveAt: Millis;
}

export interface BurstStep {
  /** The state after this tick: null when not in burst mode. */
  state: BurstState | null;
  /** Ready replicas × valuePerReplica (full capacity, not the utilization target). */
  readyCapacity: number;
  /** ⌈load / target per replica⌉ when the load is above the threshold this tick. */
  desired?: number;
}

/**
 * Examples (200 req/s per replica, utilization 0.7): 2 ready, 900 req/s > 2 × 400 → burst,
 * desired ⌈900 / 140⌉ = 7. Later below 800 req/s for 60 s → burst ends.
 */
export function burstStep(target: ScalingTarget, load: number, readyReplicas: number, now: Millis, prev: BurstState | null): BurstStep {
  const metric = target.metric;
  switch (metric) {
    case 'cpu':
      return { state: null, readyCapacity: readyReplicas * target.valuePerReplica };
    case 'rps':
    case 'concurrency':
      break;
    default:
      return assertNever(metric, 'scaling metric');
  }
  const readyCapacity = readyReplicas * target.valuePerReplica;
  if (load > BURST_THRESHOLD * readyCapacity) {
    return {
      state: { enteredAt: prev?.enteredAt ?? now, lastAboveAt: now },
      readyCapacity,
      desired: ceilReplicas(load / targetPerReplica(target)),
    };
  }
  if (prev !== null && now - prev.lastAboveAt < PANIC_WINDOW_MS) return { state: prev, readyCapacity };
  return { state: null, readyCapacity };
}
