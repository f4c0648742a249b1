// `knative-like`: the Knative Pod Autoscaler (KPA) with its defaults, on requests per second:
// - target per replica = 70 % of full capacity (`target` × `target-utilization-percentage`);
// - stable window 60 s: desired = ceil(mean rate over the window / target);
// - panic window 6 s (10 % of the stable window): when ceil(panic-window rate / target) is
//   ≥ 2 × the ready replicas (panic threshold 200 %), panic mode starts; in panic the count
//   only rises (max of what panic asks and the most asked for in this panic), and panic ends
//   once a whole stable window has passed without crossing the threshold;
// - max scale-up rate 1000 × ready, max scale-down rate 2 (at most halving per decision);
// - min scale 1 (scale to zero is Knative's default, but a model replica's warm-up makes it
//   the wrong choice for serving; users set min-scale, and the peers here all keep one).
//
// At the simulator's tick (60 s) the windows degenerate: the stable window is exactly the
// tick just ended, and a 6 s panic window cannot be resolved at all — the finest rate there
// is, is the tick's. So the panic rate is the stable rate, panic can only add "no scale-down
// for the next stable window after a burst", and KPA's reaction within seconds becomes a
// reaction at the next tick, the same as the HPA's scale-up. With ticks shorter than 60 s the
// stable window averages the last ceil(60 s / tick) ticks and the panic window the last one.

import { hold, type Policy } from './policy.js';

export interface KnativeOptions {
  readonly utilization?: number;
  readonly stableWindowMs?: number;
  readonly panicThreshold?: number;
  readonly maxScaleDownRate?: number;
  readonly maxScaleUpRate?: number;
}

export interface KnativeState {
  readonly target: number;
  readonly stableTicks: number;
  readonly stableWindowMs: number;
  readonly panicThreshold: number;
  readonly maxScaleDownRate: number;
  readonly maxScaleUpRate: number;
  /** The last loads observed, newest last (at most stableTicks). */
  readonly recent: readonly number[];
  /** When the threshold was last crossed while panicking; undefined: not panicking. */
  readonly panicTime?: number;
  readonly maxPanicPods: number;
}

export function knativePolicy(options: KnativeOptions = {}): Policy<KnativeState> {
  return {
    name: 'knative-like',
    init(setup) {
      const stableWindowMs = options.stableWindowMs ?? 60_000;
      return {
        target: setup.perReplica * (options.utilization ?? 0.7),
        stableTicks: Math.max(1, Math.ceil(stableWindowMs / setup.tickMs)),
        stableWindowMs,
        panicThreshold: options.panicThreshold ?? 2,
        maxScaleDownRate: options.maxScaleDownRate ?? 2,
        maxScaleUpRate: options.maxScaleUpRate ?? 1000,
        recent: [],
        maxPanicPods: 0,
      };
    },
    step(state, observation) {
      if (Number.isNaN(observation.load)) return hold(state, observation);
      const { now } = observation;
      const recent = [...state.recent, observation.load].slice(-state.stableTicks);
      const stableRate = recent.reduce((a, b) => a + b, 0) / recent.length;
      const ready = Math.max(1, observation.ready);
      const lower = Math.floor(ready / state.maxScaleDownRate);
      const upper = Math.ceil(ready * state.maxScaleUpRate);
      const clamp = (n: number): number => Math.min(upper, Math.max(lower, n));
      const stablePods = clamp(Math.ceil(stableRate / state.target - 1e-9));
      const panicPods = clamp(Math.ceil(observation.load / state.target - 1e-9));
      const over = panicPods / ready >= state.panicThreshold;

      let panicTime = state.panicTime;
      let maxPanicPods = state.maxPanicPods;
      if (over) {
        if (panicTime === undefined) maxPanicPods = observation.ready;
        panicTime = now;
      } else if (panicTime !== undefined && panicTime + state.stableWindowMs < now) {
        panicTime = undefined;
        maxPanicPods = 0;
      }
      let desired = stablePods;
      if (panicTime !== undefined) {
        maxPanicPods = Math.max(maxPanicPods, panicPods);
        desired = maxPanicPods;
      }
      const { panicTime: _previous, ...rest } = state;
      const next: KnativeState = panicTime === undefined ? { ...rest, recent, maxPanicPods } : { ...rest, recent, maxPanicPods, panicTime };
      return { state: next, desired };
    },
  };
}
