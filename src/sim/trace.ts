// From a load trace to what the simulator works on: requests per second at every tick.
// A trace comes at its own step (requests per 5 minutes, say); the simulator runs at a tick
// (60 s by default). This module converts counts to rates, fills gaps, and samples the trace
// at the tick — holding a value through its step when the tick is finer, averaging when it
// is coarser — so every policy and every metric sees the same per-tick load.
//
// Gaps (NaN) in the trace are missing data, not silence: the simulator holds the last
// observed rate through them (the first observed rate before it), so a lost scrape does not
// read as a drop to zero traffic. Policies that read the raw history (forecasting ones) still
// see the NaN and handle it themselves.

import { millis, type Millis } from '../spec/units.js';
import type { RegularSeries } from '../forecast/series.js';

/** How a trace's values are expressed: a count per trace step (the usual export) or a rate. */
export type TraceUnit = 'perStep' | 'perSecond';

/**
 * The trace as requests per second, NaN kept. `perStep` divides by the step in seconds:
 * 600 requests per 5 minutes → 2 rps.
 */
export function toRps(trace: RegularSeries, unit: TraceUnit): RegularSeries {
  if (unit === 'perSecond') return trace;
  const seconds = trace.stepMs / 1000;
  return { start: trace.start, stepMs: trace.stepMs, values: trace.values.map((v) => v / seconds) };
}

/**
 * NaN replaced by the last observed value before it; leading NaN by the first observed value.
 * [NaN, 2, NaN, NaN, 5, NaN] → [2, 2, 2, 2, 5, 5]. All NaN (or empty) throws RangeError: there
 * is no load to simulate.
 */
export function holdGaps(values: readonly number[]): number[] {
  const first = values.find((v) => !Number.isNaN(v));
  if (first === undefined) throw new RangeError('the trace has no observed value (all NaN or empty)');
  const out: number[] = new Array<number>(values.length);
  let last = first;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] ?? NaN;
    if (!Number.isNaN(v)) last = v;
    out[i] = last;
  }
  return out;
}

/** Per-tick load in rps on a grid aligned to the trace's start: tick g covers [start + g·tickMs, start + (g+1)·tickMs). */
export interface TickLoads {
  readonly start: Millis;
  readonly tickMs: number;
  readonly loads: readonly number[];
}

/**
 * Samples an rps trace at `tickMs`. One of tick and step must divide the other:
 * - tick ≤ step (60 s ticks, 5-minute trace): each tick holds the rate of the step it falls in;
 * - tick > step (1-hour ticks, 5-minute trace): each tick is the mean of its steps.
 * Only whole ticks inside the trace are produced; gaps are held (`holdGaps`).
 * Worked example: step 300 000, values [1, 3] (rps), tick 60 000 → [1,1,1,1,1,3,3,3,3,3];
 * tick 600 000 → [2].
 */
export function tickLoads(rpsTrace: RegularSeries, tickMs: number): TickLoads {
  const step = rpsTrace.stepMs;
  if (!(tickMs > 0) || !(step > 0)) throw new RangeError(`tick and step must be positive, got tick ${tickMs}, step ${step}`);
  const filled = holdGaps(rpsTrace.values);
  const loads: number[] = [];
  if (tickMs <= step) {
    if (step % tickMs !== 0) throw new RangeError(`the trace step (${step} ms) must be a whole number of ticks (${tickMs} ms)`);
    const perStep = step / tickMs;
    for (const v of filled) for (let k = 0; k < perStep; k++) loads.push(v);
  } else {
    if (tickMs % step !== 0) throw new RangeError(`the tick (${tickMs} ms) must be a whole number of trace steps (${step} ms)`);
    const per = tickMs / step;
    for (let g = 0; (g + 1) * per <= filled.length; g++) {
      let sum = 0;
      for (let k = g * per; k < (g + 1) * per; k++) sum += filled[k] ?? 0;
      loads.push(sum / per);
    }
  }
  return { start: millis(rpsTrace.start), tickMs, loads };
}

/** Slack for float noise: 300 rps at 100 per replica is 3 replicas, not ceil(3.0000000000000004) = 4. */
const EPSILON = 1e-9;

/**
 * Replicas a load needs at full capacity: ceil(load / perReplica), with float noise ignored.
 * 0 → 0, 100 at 100 → 1, 100.5 at 100 → 2. This is the SPEC RG "demand" curve and the
 * simulator's miss test (a tick misses when demand > ready), so both always agree.
 */
export function demandOf(load: number, perReplica: number): number {
  if (!(load > 0)) return 0;
  return Math.max(0, Math.ceil(load / perReplica - EPSILON));
}
