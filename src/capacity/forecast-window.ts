// Reading the forecast for the predictive part: the largest value over a window of time.
// The planner provisions at `now` for the load at now + buffer, but a forecast is a step
// series and a rise may start anywhere inside [now, now + buffer + one tick]: replicas
// started at the next tick are ready only a tick later than ours, so everything up to then is
// ours to cover. Taking the maximum over the window (rather than the single value at
// now + buffer) means a short peak inside it is not missed and a scale-down waits until the
// whole window has come down.

import type { Millis } from '../spec/units.js';

export interface StepForecast {
  start: Millis;
  stepMs: number;
  values: readonly number[];
}

export type WindowMax =
  | {
      kind: 'covered';
      load: number;
      /** True when the forecast ends before `to`: the maximum is over the part it covers. */
      truncated: boolean;
    }
  | { kind: 'uncovered'; why: string };

/**
 * Maximum of the forecast over the closed interval [from, to]. Step i covers
 * [start + i·step, start + (i+1)·step); NaN steps (no value) are skipped. The forecast must
 * cover `from`, otherwise it is stale or from the future and says so.
 * Example: start 0, step 60 s, values [100, 300, 200, 900]; from 0, to 130 s → steps 0..2 → 300.
 */
export function forecastMax(f: StepForecast, from: number, to: number): WindowMax {
  if (!(f.stepMs > 0) || !Number.isFinite(f.stepMs) || !Number.isFinite(f.start)) {
    return { kind: 'uncovered', why: `forecast has an invalid grid (start ${f.start}, step ${f.stepMs} ms)` };
  }
  const n = f.values.length;
  const end = f.start + n * f.stepMs;
  if (from < f.start || from >= end) {
    return { kind: 'uncovered', why: `forecast covers [${f.start}, ${end}) ms, not now (${from})` };
  }
  const first = Math.floor((from - f.start) / f.stepMs);
  const last = Math.min(n - 1, Math.floor((to - f.start) / f.stepMs));
  let load = -Infinity;
  for (let i = first; i <= last; i++) {
    const v = f.values[i];
    if (v !== undefined && !Number.isNaN(v) && v > load) load = v;
  }
  if (load === -Infinity) return { kind: 'uncovered', why: `forecast has no value between ${from} and ${to} ms` };
  return { kind: 'covered', load: Math.max(0, load), truncated: to >= end };
}
