// What a scaling policy is to the simulator: a pure step function. At every tick it gets its
// own state, what an operator could observe at that instant, and the load history so far,
// and returns its next state and the replicas it wants. It never sees the future — the
// simulator hands it only completed history — except the oracle, which says so
// (`seesFuture`) and alone is given `history.loadAhead`.
//
// Timing, the same for every policy: a decision at tick t (instant `now`, the tick's start)
// sees the load of the tick that just ended (t − 1), never of tick t itself, which has not
// happened yet. Its new replicas start at `now`; they serve from the first tick that begins
// at or after `now + warmup`.

import type { RegularSeries } from '../forecast/series.js';
import type { Millis } from '../spec/units.js';

/** Fixed facts of a simulation, given to a policy once. */
export interface PolicySetup {
  /** A replica's full capacity in requests per second (the oracle provisions exactly to it). */
  readonly perReplica: number;
  /** Time from starting a replica to it serving. */
  readonly warmupMs: number;
  readonly tickMs: number;
  /** The trace's own step (history points are this far apart). */
  readonly traceStepMs: number;
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

/** What an operator sees at the start of a tick. */
export interface Observation {
  /** Tick index from the start of the simulation (0, 1, …). */
  readonly tick: number;
  /** The tick's start. */
  readonly now: Millis;
  /** Mean rps over the tick that just ended; NaN when there is none (the trace starts now). */
  readonly load: number;
  /** Replicas serving now. */
  readonly ready: number;
  /** Replicas started and still warming up. */
  readonly starting: number;
  /** ready + starting: the replica count last asked for (what is paid for). */
  readonly current: number;
}

/** The history a policy may read at a tick. */
export interface History {
  /**
   * The trace in rps up to now: only points whose whole step has ended (start + step ≤ now),
   * gaps as NaN. Built on each call (a copy), so call it when refitting, not every tick.
   */
  trace(): RegularSeries;
  /**
   * Oracle only (set when the policy `seesFuture`): the rps of tick `tick + offset`, offset 0 being
   * the tick about to be served; NaN past the end of the trace.
   */
  readonly loadAhead?: (offset: number) => number;
}

/**
 * What a forecasting policy held at a tick, in rps, for charts and diagnosis: the forecast's
 * median for the tick about to be served and the load it provisioned for (the level its
 * replicas were sized from, before dividing by a replica's capacity). Absent for policies
 * without a forecast, and at ticks where there was none yet.
 */
export interface HeldForecast {
  readonly median: number;
  readonly provisioned: number;
}

export interface PolicyStep<S> {
  readonly state: S;
  /** Replicas wanted from now on (ready + starting); the simulator clamps to [min, max]. */
  readonly desired: number;
  /** Optional annotation: the forecast behind this decision (see HeldForecast). */
  readonly forecast?: HeldForecast;
  /** Optional annotation: which part of the policy set `desired` (e.g. `forecast`, `reactive`, `burst`). */
  readonly decidedBy?: string;
}

/**
 * A scaling policy. `S` is its private state, a plain value; `step` must be pure (same inputs,
 * same output) so a simulation is reproducible and truncating the trace cannot change the past.
 * Methods (not function properties) so a `Policy<HpaState>` can sit in a `Policy[]` list.
 */
export interface Policy<S = unknown> {
  readonly name: string;
  /** True only for the oracle: it is given `history.loadAhead`. */
  readonly seesFuture?: boolean;
  init(setup: PolicySetup): S;
  step(state: S, observation: Observation, history: History): PolicyStep<S>;
}

/** The policy keeps what it has: used when there is nothing to act on (no observation yet). */
export function hold<S>(state: S, observation: Observation): PolicyStep<S> {
  return { state, desired: observation.current };
}
