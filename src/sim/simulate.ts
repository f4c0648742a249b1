// The trace-driven simulator: one policy against one load trace, tick by tick.
//
// Per tick t (instant `now` = the tick's start):
//  1. replicas whose warm-up has ended by `now` become ready;
//  2. the policy decides from what it can observe (the load of the tick just ended, ready and
//     starting replicas, the history so far); the count is clamped to [min, max];
//  3. more replicas than now: new ones start, ready `warmupMs` later (a replica serves a tick
//     only if it is ready at the tick's start, so warm-ups round up to whole ticks); fewer:
//     replicas are removed at once, those still starting first (newest first), then ready
//     ones — nobody pays for a replica after it is told to go;
//  4. the tick is served: capacity = ready × perReplica, served = min(load, capacity), the rest
//     is unserved, and the tick is an SLO miss when load > capacity.
//
// Queue model: nothing is carried over between ticks. Excess load in a tick is dropped (the
// gateway's admission control answers 503/429 once the short queue timeout — 2 s by default,
// far below a tick — has passed), so unserved requests are lost, not served late. A longer
// queue would only move the same shortfall to later ticks as latency, and a request that
// waits a minute has missed any latency SLO anyway; dropping keeps the accounting exact:
// served + unserved = arrivals in every tick.
//
// Cost: a replica is paid for from the moment it is asked for (starting ones cost too) until
// it is removed, so replica-hours = Σ desired × tick.

import { sliceUntil, type RegularSeries } from '../forecast/series.js';
import { HOUR } from '../spec/duration.js';
import { millis, type Millis } from '../spec/units.js';
import type { History, Policy, PolicySetup } from './policy.js';
import { demandOf, tickLoads, toRps, type TickLoads, type TraceUnit } from './trace.js';

/** A trace converted once for any number of simulations: rps at its step, and per tick. */
export interface PreparedTrace {
  readonly rps: RegularSeries;
  readonly ticks: TickLoads;
}

export function prepareTrace(trace: RegularSeries, tickMs: number, unit: TraceUnit = 'perStep'): PreparedTrace {
  const rps = toRps(trace, unit);
  return { rps, ticks: tickLoads(rps, tickMs) };
}

export interface SimulationInput {
  readonly trace: PreparedTrace;
  /** A replica's full capacity, rps. */
  readonly perReplica: number;
  readonly warmupMs: number;
  /** First simulated instant (a tick boundary); default: the trace's start. */
  readonly start?: number;
  /** First scored instant (a tick boundary ≥ start); ticks before it settle the policy. Default: start. */
  readonly evalStart?: number;
  /** Exclusive end; default: the end of the trace's last whole tick. */
  readonly end?: number;
  /** Replicas ready at `start`. */
  readonly initialReplicas: number;
  readonly minReplicas?: number;
  readonly maxReplicas?: number;
  readonly policy: Policy;
}

/** Per tick, from `start` (columns, for a chart). */
export interface TickSeries {
  readonly start: Millis;
  readonly tickMs: number;
  /** Arrivals, rps. */
  readonly load: readonly number[];
  readonly ready: readonly number[];
  /** ready + starting after the tick's decision: what is paid for. */
  readonly desired: readonly number[];
  /** ready × perReplica, rps. */
  readonly capacity: readonly number[];
  /** load − capacity when positive, rps. */
  readonly unserved: readonly number[];
  /**
   * The forecast the policy held at each tick (PolicyStep.forecast), rps; NaN at ticks without
   * one. Present only when the policy annotated at least one tick.
   */
  readonly forecast?: { readonly median: readonly number[]; readonly provisioned: readonly number[] };
  /** PolicyStep.decidedBy per tick ('' where not given); present only when the policy gave one. */
  readonly decidedBy?: readonly string[];
}

/** Sums over the evaluation window. Requests are rps × seconds. */
export interface SimulationTotals {
  readonly ticks: number;
  readonly arrivals: number;
  readonly served: number;
  readonly unserved: number;
  /** Ticks with load > capacity. */
  readonly missTicks: number;
  readonly replicaHours: number;
}

export interface SimulationResult {
  readonly policy: string;
  readonly perReplica: number;
  readonly warmupMs: number;
  readonly series: TickSeries;
  /** Index into `series` of the first scored tick. */
  readonly evalFrom: number;
  readonly totals: SimulationTotals;
}

function checkAligned(name: string, at: number, ticks: TickLoads): number {
  const g = (at - ticks.start) / ticks.tickMs;
  if (!Number.isInteger(g) || g < 0) throw new RangeError(`${name} (${at}) must be a tick boundary at or after the trace's start (${ticks.start}, tick ${ticks.tickMs} ms)`);
  return g;
}

/** Runs `policy` over the trace; see the module comment for the model. */
export function simulate(input: SimulationInput): SimulationResult {
  const { ticks } = input.trace;
  const { perReplica, warmupMs, policy } = input;
  const tickMs = ticks.tickMs;
  if (!(perReplica > 0)) throw new RangeError(`perReplica must be positive, got ${perReplica}`);
  if (!(warmupMs >= 0)) throw new RangeError(`warmupMs must be ≥ 0, got ${warmupMs}`);
  const minReplicas = input.minReplicas ?? 1;
  const maxReplicas = input.maxReplicas ?? Number.POSITIVE_INFINITY;
  if (!(Number.isInteger(minReplicas) && minReplicas >= 0 && maxReplicas >= minReplicas)) throw new RangeError(`replica bounds must satisfy 0 ≤ min ≤ max, got [${minReplicas}, ${maxReplicas}]`);
  const g0 = checkAligned('start', input.start ?? ticks.start, ticks);
  const gEval = checkAligned('evalStart', input.evalStart ?? ticks.start + g0 * tickMs, ticks);
  const gEnd = input.end === undefined ? ticks.loads.length : Math.min(ticks.loads.length, checkAligned('end', input.end, ticks));
  if (gEval < g0 || gEval > gEnd) throw new RangeError(`evalStart must lie in [start, end]`);
  if (!(Number.isInteger(input.initialReplicas) && input.initialReplicas >= 0)) throw new RangeError(`initialReplicas must be a whole number ≥ 0, got ${input.initialReplicas}`);

  const setup: PolicySetup = { perReplica, warmupMs, tickMs, traceStepMs: input.trace.rps.stepMs, minReplicas, maxReplicas };
  let state = policy.init(setup);
  let ready = input.initialReplicas;
  /** Ready-at instants of starting replicas, oldest first. */
  let starting: number[] = [];
  const n = gEnd - g0;
  const out = { load: new Array<number>(n), ready: new Array<number>(n), desired: new Array<number>(n), capacity: new Array<number>(n), unserved: new Array<number>(n) };
  const tickSeconds = tickMs / 1000;
  let arrivals = 0;
  let served = 0;
  let unserved = 0;
  let missTicks = 0;
  let replicaTicks = 0;
  const median = new Array<number>(n).fill(NaN);
  const provisioned = new Array<number>(n).fill(NaN);
  const decidedBy = new Array<string>(n).fill('');
  let annotated = false;
  let explained = false;

  const promote = (now: number): void => {
    let k = 0;
    while (k < starting.length && (starting[k] as number) <= now) k++;
    if (k > 0) {
      ready += k;
      starting = starting.slice(k);
    }
  };

  for (let g = g0; g < gEnd; g++) {
    const i = g - g0;
    const now = millis(ticks.start + g * tickMs);
    promote(now);
    const current = ready + starting.length;
    const history: History = {
      trace: () => sliceUntil(input.trace.rps, now - input.trace.rps.stepMs),
      ...(policy.seesFuture === true && { loadAhead: (offset: number) => ticks.loads[g + offset] ?? NaN }),
    };
    const observation = { tick: i, now, load: g >= 1 ? (ticks.loads[g - 1] as number) : NaN, ready, starting: starting.length, current };
    const next = policy.step(state, observation, history);
    state = next.state;
    if (next.forecast !== undefined) {
      median[i] = next.forecast.median;
      provisioned[i] = next.forecast.provisioned;
      annotated = true;
    }
    if (next.decidedBy !== undefined) {
      decidedBy[i] = next.decidedBy;
      explained = true;
    }
    if (!Number.isFinite(next.desired)) throw new RangeError(`policy ${policy.name} asked for ${next.desired} replicas at tick ${i}`);
    const desired = Math.min(maxReplicas, Math.max(minReplicas, Math.ceil(next.desired)));
    if (desired > current) {
      for (let k = current; k < desired; k++) starting.push(now + warmupMs);
      promote(now); // a warm-up of 0 serves at once
    } else if (desired < current) {
      let remove = current - desired;
      const fromStarting = Math.min(remove, starting.length);
      starting = starting.slice(0, starting.length - fromStarting);
      remove -= fromStarting;
      ready -= remove;
    }

    const load = ticks.loads[g] as number;
    const capacity = ready * perReplica;
    const miss = demandOf(load, perReplica) > ready;
    const short = miss ? load - capacity : 0;
    out.load[i] = load;
    out.ready[i] = ready;
    out.desired[i] = desired;
    out.capacity[i] = capacity;
    out.unserved[i] = short;
    if (g >= gEval) {
      arrivals += load * tickSeconds;
      unserved += short * tickSeconds;
      served += (load - short) * tickSeconds;
      if (miss) missTicks++;
      replicaTicks += desired;
    }
  }

  return {
    policy: policy.name,
    perReplica,
    warmupMs,
    series: {
      start: millis(ticks.start + g0 * tickMs),
      tickMs,
      ...out,
      ...(annotated && { forecast: { median, provisioned } }),
      ...(explained && { decidedBy }),
    },
    evalFrom: gEval - g0,
    totals: { ticks: gEnd - gEval, arrivals, served, unserved, missTicks, replicaHours: (replicaTicks * tickMs) / HOUR },
  };
}
