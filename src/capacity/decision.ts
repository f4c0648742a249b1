// What the capacity planner answers: a replica count and the reasons for it. ARCHITECTURE.md
// asks that every decision be a value that carries its reasons, so the CLI (`rollcast
// explain`), the dashboard and the event log can say *why* a deployment has 7 replicas
// without re-running anything. Reasons are listed in the order the planner applied them:
// predictive part, reactive part (ratio or tolerance, stabilization, cooldown, burst,
// scale-in), then bounds.
//
// Units: loads are in the spec's metric (req/s, in-flight requests, or CPU percent), except
// in `forecast` reasons for the `cpu` metric, where the forecast is a request rate (req/s)
// turned into replicas through the learned load → CPU relation (`cpu-model` reason).

import type { Millis } from '../spec/units.js';

export type Reason =
  /**
   * Predictive: the forecast at quantile `q` covering `at` (= now + scheduling buffer) is
   * `load` (the maximum over [now, now + buffer + one tick]); `perReplica` is the target load
   * per replica (for cpu: the request rate per replica that keeps CPU at target), so
   * `replicas` = ⌈load / perReplica⌉.
   */
  | {
      source: 'forecast';
      q: number;
      at: Millis;
      load: number;
      perReplica: number;
      replicas: number;
      /** The scheduling buffer used (fixed, or measured warm-up + one tick). */
      bufferMs?: number;
      /** The end of the window the forecast's maximum was taken over. */
      windowEnd?: Millis;
      /**
       * Adaptive headroom (headroom.ts): the median forecast's maximum over the window and the
       * learned multiplier (level × scale), so `load` = median × multiplier.
       */
      median?: number;
      multiplier?: number;
      /**
       * Set when the forecast led a scale-in: the reactive part's scale-down stabilization and
       * cooldown were skipped because the observation agreed with the forecast (planner.ts).
       */
      ledScaleIn?: true;
    }
  /**
   * Reactive (Kubernetes HPA): `ratio` = observed per replica / target per replica, and
   * `replicas` = ⌈ratio × replicas measured⌉. `perReplica` is the *target* load per replica
   * (as in `forecast`); the observed load per replica is `observedPerReplica`.
   */
  | {
      source: 'reactive';
      observed: number;
      perReplica: number;
      ratio: number;
      replicas: number;
      observedPerReplica?: number;
      /** Set when the reactive part could not measure and held the current count. */
      note?: string;
    }
  /** Burst (Knative panic mode): load above twice the ready capacity; never scales down. */
  | {
      source: 'burst';
      observed: number;
      readyCapacity: number;
      replicas: number;
      /** When still in burst below the threshold: the instant burst mode ends unless load rises again. */
      untilMs?: number;
    }
  /** The ratio is within the dead band: no reactive change. */
  | { source: 'tolerance'; ratio: number; tolerance: number; note?: string }
  /** The reactive recommendation was held by the HPA stabilization window of `direction`. */
  | { source: 'stabilization'; direction: 'up' | 'down'; windowMs: number; recommended: number; held: number }
  /** The reactive recommendation was held because the last action in `direction` was too recent. */
  | { source: 'cooldown'; direction: 'up' | 'down'; untilMs: number; held: number }
  /** `disableScaleIn`: the reactive part proposed fewer replicas than running; held at `held`. */
  | { source: 'scale-in-disabled'; held: number }
  /** A recommendation of `unclamped` was clamped into [min, max] (max: the IncreaseMaxCapacity ceiling for the predictive part). */
  | { source: 'bounds'; min: number; max: number; unclamped: number; replicas: number }
  /** ForecastOnly: the predictive part computed `wouldBe` and was recorded, not acted on. */
  | { source: 'forecast-only'; wouldBe: number }
  /** The predictive part had nothing to say this tick, and why. */
  | { source: 'no-forecast'; why: string }
  /** The learned relation CPU% per replica = slope × (req/s per replica) + intercept. */
  | { source: 'cpu-model'; slope: number; intercept: number; samples: number };

export type ReasonSource = Reason['source'];

export interface Decision {
  /** Replicas to run now (what the target should be scaled to). */
  replicas: number;
  /** The predictive recommendation (undefined when predictive is Off or no forecast). */
  predictive?: number;
  /** The reactive recommendation after stabilization/cooldown. */
  reactive?: number;
  /** True when `replicas` differs from the current count. */
  changed: boolean;
  because: Reason[];
}
