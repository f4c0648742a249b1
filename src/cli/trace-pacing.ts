// The arithmetic of `rollcast load --trace`: replaying a load trace with time compressed
// `speedup` times. Pure — real time comes in as "elapsed ms since the replay started" — so
// the load loop can be tested on a fake clock.
//
// Two clocks: trace time (the timestamps in the file) and real time (the wall clock the
// requests are sent on). The replay starts at trace time `from` and trace time runs
// `speedup` times faster than real time, as the controller's clock does in demo mode:
//   traceTime(e) = from + e · speedup
// During trace step i the send rate is `rates[i]` requests per *real* second (the trace
// value × --scale, so that the gateway measures what was imported as history). The number
// of requests due after e real ms is the integral of the rate over real time:
//   due(e) = ∫₀^e rate(traceTime(τ)) dτ = (A(traceTime(e)) − A(from)) / speedup,
// where A(x) is the integral of the rate over *trace* time up to x, in req·s, kept as prefix
// sums over whole steps plus the part of the current step.
// Worked example: rate 10 req/s, 1-minute steps, speedup 60 → one trace step lasts 1 s of
// real time; A grows by 10 × 60 = 600 per step and due() by 600 / 60 = 10 per real second.

import type { RegularSeries } from '../forecast/series.js';

export interface PacingPlan {
  /** Trace time of rates[0], epoch ms. */
  readonly start: number;
  readonly stepMs: number;
  /** Requests per real second during each trace step (value × scale; gaps hold the previous value). */
  readonly rates: readonly number[];
  /** prefix[i] = A(start + i·step) = Σ_{j<i} rates[j] · stepMs / 1000; one longer than rates. */
  readonly prefix: readonly number[];
  /** Trace time at real elapsed 0. */
  readonly from: number;
  readonly speedup: number;
}

/** The trace's exclusive end: one step after its last point (the last step is replayed whole). */
export function traceEnd(p: Pick<PacingPlan, 'start' | 'stepMs' | 'rates'>): number {
  return p.start + p.rates.length * p.stepMs;
}

/**
 * A plan from a parsed trace. Missing rows (NaN) hold the previous value: a gap in a trace
 * is a missing measurement, not a minute without traffic. A trace whose first row is missing
 * cannot occur (the parser's first row is always a value); a NaN there would count as 0.
 */
export function pacingPlan(series: RegularSeries, o: { scale: number; from: number; speedup: number }): PacingPlan {
  const rates: number[] = [];
  const prefix: number[] = [0];
  let last = 0;
  for (const v of series.values) {
    if (!Number.isNaN(v)) last = v * o.scale;
    rates.push(last);
    prefix.push((prefix[prefix.length - 1] ?? 0) + (last * series.stepMs) / 1000);
  }
  return { start: series.start, stepMs: series.stepMs, rates, prefix, from: o.from, speedup: o.speedup };
}

/** Why the replay cannot start at `from` (before the first point or at/after the end), or undefined when it can. */
export function positionProblem(p: Pick<PacingPlan, 'start' | 'stepMs' | 'rates'>, from: number): 'before-start' | 'after-end' | undefined {
  if (from < p.start) return 'before-start';
  if (from >= traceEnd(p)) return 'after-end';
  return undefined;
}

/** Trace time after `elapsedMs` of real time. */
export function traceTimeAt(p: PacingPlan, elapsedMs: number): number {
  return p.from + elapsedMs * p.speedup;
}

/** Real ms from the start of the replay to the end of the trace (0 when `from` is already past it). */
export function realMsToEnd(p: PacingPlan): number {
  return Math.max(0, (traceEnd(p) - p.from) / p.speedup);
}

/** The target send rate (req/s) at trace time `t`, or undefined outside the trace. */
export function rateAt(p: PacingPlan, t: number): number | undefined {
  if (t < p.start || t >= traceEnd(p)) return undefined;
  return p.rates[Math.floor((t - p.start) / p.stepMs)];
}

/** A(x): the rate integrated over trace time from the trace's start to x, in req·s; clamped to the trace. */
function integral(p: PacingPlan, x: number): number {
  const end = traceEnd(p);
  if (x <= p.start) return 0;
  if (x >= end) return p.prefix[p.rates.length] ?? 0;
  const i = Math.floor((x - p.start) / p.stepMs);
  return (p.prefix[i] ?? 0) + ((p.rates[i] ?? 0) * (x - (p.start + i * p.stepMs))) / 1000;
}

/**
 * Requests due after `elapsedMs` of real time (a real number; the loop sends ⌊due⌋). Never
 * decreases with elapsedMs, and stops growing at the end of the trace.
 */
export function requestsDue(p: PacingPlan, elapsedMs: number): number {
  return (integral(p, traceTimeAt(p, Math.max(0, elapsedMs))) - integral(p, p.from)) / p.speedup;
}

/**
 * The rate achieved over the last `windowMs` of real time, from (time, running total) samples:
 * (total now − total at the oldest sample still in the window) / the time between them. Needs
 * two samples; with fewer (or no time between them) the rate is 0.
 */
export class RecentRate {
  readonly #samples: { t: number; total: number }[] = [];
  constructor(readonly windowMs = 5_000) {}

  record(t: number, total: number): void {
    this.#samples.push({ t, total });
    // Keep one sample at or before the window's start, so the window is always covered.
    while (this.#samples.length > 2 && (this.#samples[1]?.t ?? t) <= t - this.windowMs) this.#samples.shift();
  }

  /** Per second. */
  rate(): number {
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    if (first === undefined || last === undefined || last.t <= first.t) return 0;
    return ((last.total - first.total) * 1000) / (last.t - first.t);
  }
}
