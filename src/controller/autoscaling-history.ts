// A deployment's load history between the API and the store: an import (points at the
// user's step) turned into the store's 1-minute points, and stored minutes turned back into
// the regular series the forecaster takes or the view `GET …/history` answers with.

import { HISTORY_STEP_MS, MAX_HISTORY_POINTS, type HistoryImport, type HistoryView, type LastImport } from '../api/autoscaling-views.js';
import type { RegularSeries } from '../forecast/series.js';
import { formatDuration } from '../spec/duration.js';
import { millis } from '../spec/units.js';
import type { LoadPoint, Store } from '../store/index.js';
import { InvalidRequestError } from './errors.js';

// A safe-integer timestamp can still lie outside Date's range (±8.64e15 ms, e.g. microseconds
// from a far-future clock), where toISOString throws a RangeError: the 400 would become a 500.
const iso = (ms: number): string => (Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`);

/**
 * The import as 1-minute points. A step of k whole minutes repeats each value for its k
 * minutes (the values are rates, so a 5-minute average of 120 req/s is 120 req/s in each of
 * its minutes); a step that divides a minute averages the values within each minute. Every
 * problem is a 400 naming the point.
 * Example: stepMs 300 000, points [[0, 10], [300 000, 20]] → minutes 0..4 at 10, 5..9 at 20.
 */
export function importToMinutes(body: HistoryImport, now: number): LoadPoint[] {
  const { points, stepMs } = body;
  if (!Number.isInteger(stepMs) || stepMs <= 0) throw new InvalidRequestError(`stepMs = ${stepMs}, must be a whole number of ms > 0`);
  const whole = stepMs % HISTORY_STEP_MS === 0;
  if (!whole && HISTORY_STEP_MS % stepMs !== 0) throw new InvalidRequestError(`stepMs = ${stepMs}, must be a whole number of minutes or divide a minute (e.g. 300000, 60000, 15000)`);
  if (points.length === 0) throw new InvalidRequestError('points is empty: nothing to import');
  if (points.length > MAX_HISTORY_POINTS) throw new InvalidRequestError(`${points.length} points, at most ${MAX_HISTORY_POINTS} per import`);
  let before: number | undefined;
  points.forEach(([ts, value], i) => {
    if (!Number.isSafeInteger(ts)) throw new InvalidRequestError(`points[${i}]: timestamp ${ts} is not whole epoch milliseconds`);
    // Before 1970 is no load history (and far enough back, no Date: the store's messages would throw).
    if (ts < 0) throw new InvalidRequestError(`points[${i}]: timestamp ${ts} is before 1970-01-01T00:00:00.000Z; epoch milliseconds must be ≥ 0`);
    if (!Number.isFinite(value) || value < 0) throw new InvalidRequestError(`points[${i}] at ${iso(ts)}: value ${value} must be finite and ≥ 0`);
    if (before !== undefined && ts <= before) throw new InvalidRequestError(`points[${i}] at ${iso(ts)} is not after points[${i - 1}] at ${iso(before)}; points must be strictly increasing in time`);
    before = ts;
  });
  // Each point of a k-minute step becomes k minutes: bound the minutes, not only the points,
  // or one point with a step of years would be expanded minute by minute into memory.
  const minutesPerPoint = whole ? stepMs / HISTORY_STEP_MS : 1;
  if (points.length * minutesPerPoint > MAX_HISTORY_POINTS) {
    throw new InvalidRequestError(
      `${points.length} ${points.length === 1 ? 'point' : 'points'} of stepMs = ${stepMs} (${formatDuration(stepMs)}) are ${points.length * minutesPerPoint} minutes; at most ${MAX_HISTORY_POINTS} minutes per import`,
    );
  }
  const last = points.at(-1)![0];
  if (last + stepMs > now + HISTORY_STEP_MS) {
    throw new InvalidRequestError(`history ends at ${iso(last + stepMs)}, after the controller's now (${iso(now)}); shift it into the past (the CLI aligns by whole days unless --no-align)`);
  }
  const minutes = new Map<number, { sum: number; n: number }>();
  const add = (minute: number, value: number): void => {
    const m = minutes.get(minute) ?? { sum: 0, n: 0 };
    m.sum += value;
    m.n += 1;
    minutes.set(minute, m);
  };
  for (const [ts, value] of points) {
    const first = Math.floor(ts / HISTORY_STEP_MS) * HISTORY_STEP_MS;
    if (whole) for (let k = 0; k < stepMs / HISTORY_STEP_MS; k++) add(first + k * HISTORY_STEP_MS, value);
    else add(first, value);
  }
  return [...minutes].sort(([a], [b]) => a - b).map(([ts, m]) => ({ ts, value: m.sum / m.n }));
}

/**
 * Stored minutes in [from, to) as a regular 1-minute series from the first stored point to
 * the last, NaN where a minute is missing (the forecaster fills gaps and says so). Nothing
 * stored → an empty series starting at `from`.
 */
export function loadSeries(store: Store, deployment: string, from: number, to: number): RegularSeries {
  const points = store.loadPoints(deployment, from, to);
  const first = points[0];
  if (first === undefined) return { start: millis(Math.ceil(from / HISTORY_STEP_MS) * HISTORY_STEP_MS), stepMs: HISTORY_STEP_MS, values: [] };
  const length = (points.at(-1)!.ts - first.ts) / HISTORY_STEP_MS + 1;
  const values = new Array<number>(length).fill(Number.NaN);
  for (const p of points) values[(p.ts - first.ts) / HISTORY_STEP_MS] = p.value;
  return { start: millis(first.ts), stepMs: HISTORY_STEP_MS, values };
}

/** The history view: one value per minute over [from, to), null where nothing was recorded. */
export function historyView(store: Store, deployment: string, from: number, to: number): HistoryView {
  const start = Math.ceil(from / HISTORY_STEP_MS) * HISTORY_STEP_MS;
  const length = Math.max(0, Math.ceil((to - start) / HISTORY_STEP_MS));
  const values: (number | null)[] = new Array<number | null>(length).fill(null);
  for (const p of store.loadPoints(deployment, start, to)) values[(p.ts - start) / HISTORY_STEP_MS] = p.value;
  const event = store.listEvents({ deployment, type: 'history.imported', limit: 1 })[0];
  const view: HistoryView = { deployment, stepMs: HISTORY_STEP_MS, start, values };
  if (event) {
    const d = event.data as { from?: number; to?: number; points?: number; shiftMs?: number; source?: string };
    const lastImport: LastImport = { at: event.ts, from: d.from ?? 0, to: d.to ?? 0, points: d.points ?? 0, shiftMs: d.shiftMs ?? 0 };
    if (typeof d.source === 'string') lastImport.source = d.source;
    view.lastImport = lastImport;
  }
  return view;
}

/** Periods in steps → words: [1440, 10080] at 1 minute → ["1d", "7d"]. */
export function describePeriods(periods: readonly number[], stepMs: number): string[] {
  return periods.map((p) => {
    const ms = p * stepMs;
    const day = 24 * 3_600_000;
    if (ms % day === 0) return `${ms / day}d`;
    if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
    return `${ms / 60_000}m`;
  });
}
