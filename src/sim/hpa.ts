// `reactive`: the Kubernetes Horizontal Pod Autoscaler (autoscaling/v2) with its default
// settings, as its users run it, on an rps-per-pod metric:
// - target: 70 % of a replica's full capacity (averageValue = 0.7 × perReplica);
// - ratio = observed per-pod value / target; |ratio − 1| ≤ tolerance (0.1) → no change; else
//   desired = ceil(ratio × pods). Pods still starting have no metric yet: on a scale-up they
//   count as idle (0), on a scale-down as exactly at target, and when that flips the direction
//   or lands inside the tolerance the HPA keeps the count (the controller's replica calculator);
// - behaviour defaults: scale-up stabilization 0 s, at most max(+100 %, +4 pods) per 15 s;
//   scale-down stabilization 300 s (the highest recommendation of the last 5 minutes wins),
//   at most −100 % per 15 s;
// - sync every 15 s. At a tick ≥ 15 s the HPA syncs once per tick with the tick's load (its
//   extra syncs within the tick would see the same metric; only the scale-up rate limit
//   gains from them, so it is applied once per 15 s in the tick). At a finer tick it syncs
//   every round(15 s / tick) ticks and holds in between.
// It sees the load of the tick just ended (policy.ts), so a step rise is met one tick plus
// the warm-up late.

import { hold, type Policy } from './policy.js';

export interface HpaOptions {
  /** Fraction of perReplica to aim at (default 0.7). */
  readonly utilization?: number;
  readonly tolerance?: number;
  readonly scaleDownStabilizationMs?: number;
  readonly syncPeriodMs?: number;
}

export interface HpaState {
  readonly target: number;
  readonly tolerance: number;
  readonly windowMs: number;
  /** Sync every this many ticks (1 at ticks ≥ the sync period). */
  readonly syncEvery: number;
  /** Scale-up rate-limit periods per sync. */
  readonly periodsPerSync: number;
  /** Recommendations of the stabilization window: [instant, replicas]. */
  readonly recent: readonly (readonly [number, number])[];
}

/**
 * The replica calculator for one sync: the raw recommendation before stabilization.
 * Worked examples (target 70): 5 ready, load 500 → ratio 1.43 → ceil(1.43 × 5) = 8;
 * 5 ready, load 370 → ratio 1.057, inside the tolerance → 5; 4 ready + 2 starting, load 420
 * → ratio over ready 1.5, with the starting pods at 0 it is 1.0 → inside the tolerance → 6.
 */
export function hpaRecommendation(load: number, ready: number, starting: number, target: number, tolerance: number): number {
  const current = ready + starting;
  if (ready === 0 || Number.isNaN(load)) return current; // no metrics: the HPA does not act
  const ratio = load / (ready * target);
  if (starting === 0) {
    if (Math.abs(1 - ratio) <= tolerance) return current;
    return Math.ceil(ratio * ready - 1e-9);
  }
  const assumed = ratio < 1 ? starting * target : 0;
  const adjusted = (load + assumed) / (current * target);
  if (Math.abs(1 - adjusted) <= tolerance || (ratio < 1 && adjusted > 1) || (ratio > 1 && adjusted < 1)) return current;
  const next = Math.ceil(adjusted * current - 1e-9);
  if ((adjusted < 1 && next > current) || (adjusted > 1 && next < current)) return current;
  return next;
}

export function hpaPolicy(options: HpaOptions = {}): Policy<HpaState> {
  return {
    name: 'reactive',
    init(setup) {
      const sync = options.syncPeriodMs ?? 15_000;
      return {
        target: setup.perReplica * (options.utilization ?? 0.7),
        tolerance: options.tolerance ?? 0.1,
        windowMs: options.scaleDownStabilizationMs ?? 300_000,
        syncEvery: Math.max(1, Math.round(sync / setup.tickMs)),
        periodsPerSync: Math.max(1, Math.round(setup.tickMs / sync)),
        recent: [],
      };
    },
    step(state, observation) {
      if (observation.tick % state.syncEvery !== 0 || Number.isNaN(observation.load)) return hold(state, observation);
      const { now, current } = observation;
      const raw = hpaRecommendation(observation.load, observation.ready, observation.starting, state.target, state.tolerance);
      // Stabilization: up uses the minimum of a 0 s window (the raw value); down the maximum of 300 s.
      const recent = [...state.recent.filter(([at]) => at > now - state.windowMs), [now, raw] as const];
      const downLimit = Math.max(...recent.map(([, r]) => r));
      let desired = Math.min(Math.max(current, raw), downLimit);
      // Rate limit on the way up: per 15 s period, the larger of doubling and +4 pods.
      let cap = current;
      for (let p = 0; p < state.periodsPerSync; p++) cap = Math.max(cap * 2, cap + 4);
      desired = Math.min(desired, cap);
      return { state: { ...state, recent }, desired };
    },
  };
}
