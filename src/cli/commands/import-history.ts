// `rollcast import history NAME --csv FILE [--until TIME] [--scale F] [--no-align] [--json]`:
// seeds a deployment's load history (the series the controller forecasts from) with a
// `timestamp,value` trace, so predictive scaling has weeks of history on its first day.
//
// Alignment (default): a trace from 2019 says nothing about today unless it is moved to today.
// The timestamps are shifted by a whole number of days, so every point keeps its hour of day
// (the forecaster finds the daily and weekly cycles in the data itself, whatever the weekday),
// chosen so that the last point lands at or before the controller's now and within a day of
// it: at most a day lies between the history and the replay of `load --trace`, and history
// exported from monitoring a moment ago is not moved at all. The server
// refuses points after its now, so `--no-align` with a trace that reaches into the future
// fails with the server's message.
//
// The pure parts (shift, points, checks) are exported for the unit tests; `importHistory` is
// the shell (file, clock, PUT).

import { basename } from 'node:path';
import { HISTORY_STEP_MS, MAX_HISTORY_POINTS, type ClockView, type HistoryImport, type HistoryImportResult } from '../../api/autoscaling-views.js';
import type { RegularSeries } from '../../forecast/series.js';
import { parseTraceCsv } from '../../forecast/trace-csv.js';
import { DAY, formatDuration } from '../../spec/duration.js';
import type { ApiClient } from '../client.js';
import { CliError } from '../errors.js';
import { isoTime } from '../forecast-render.js';
import { cutAt, readText } from './forecast.js';

export interface ImportHistoryOptions {
  csv: string;
  until?: string;
  /** Multiplies every value (e.g. 1/60 turns per-minute counts into req/s); default 1. */
  scale?: number;
  /** Commander's `--no-align` sets this to false. */
  align: boolean;
  json?: boolean;
}

/**
 * The shift, a whole number of days, that puts `lastMs` at or before `nowMs` and as close to
 * it as possible: lastMs + shift ∈ (nowMs − 1 day, nowMs]. Negative when the trace ends in
 * the future. Worked example: last point Tue 2024-05-07 10:00, now Thu 2026-11-26 09:00 →
 * 932 days and 23 hours apart → 932 whole days: the last point moves to Wed 2026-11-25 10:00,
 * 23 hours before now, still at 10:00. Equal instants → 0.
 *
 * A point stands for its whole step, and the server takes history whose last step ends by
 * the end of the minute in progress (now + 1 minute): with steps longer than a minute the
 * last step's end is what must fit. Example: 5-minute steps, last point 2 minutes before now
 * → its step would end 3 minutes after now → moved back a day, not refused by the server.
 */
export function alignShiftMs(lastMs: number, nowMs: number, stepMs: number = HISTORY_STEP_MS): number {
  const room = Math.min(nowMs - lastMs, nowMs + HISTORY_STEP_MS - (lastMs + stepMs));
  return Math.floor(room / DAY) * DAY;
}

/** Whether the server accepts the trace's step: a whole number of minutes or a divisor of one (contract). */
export function checkStep(stepMs: number, source: string): void {
  if (stepMs % HISTORY_STEP_MS === 0 || HISTORY_STEP_MS % stepMs === 0) return;
  throw new CliError(`${source}: its step ${formatDuration(stepMs)} is neither a whole number of minutes nor divides a minute (e.g. 10s, 1m, 5m), so it cannot be put on the 1-minute history`);
}

/** The time of the last observed (non-NaN) point, or undefined when there is none. */
export function lastObserved(series: RegularSeries): number | undefined {
  for (let i = series.values.length - 1; i >= 0; i--) if (!Number.isNaN(series.values[i])) return series.start + i * series.stepMs;
  return undefined;
}

/**
 * [time + shift, value × scale] for every observed point (missing rows are left out: a gap
 * in the file stays a gap in the history). A negative value, or one that scaling makes
 * non-finite, is an error naming its time in the file.
 */
export function importPoints(series: RegularSeries, scale: number, shiftMs: number, source: string): [number, number][] {
  const points: [number, number][] = [];
  for (const [i, raw] of series.values.entries()) {
    if (Number.isNaN(raw)) continue;
    const t = series.start + i * series.stepMs;
    const v = raw * scale;
    if (raw < 0) throw new CliError(`${source}: the value at ${isoTime(t)} is ${raw}; a load cannot be negative`);
    if (!Number.isFinite(v)) throw new CliError(`${source}: the value at ${isoTime(t)} (${raw}) × --scale ${scale} is not a finite number`);
    points.push([t + shiftMs, v]);
  }
  return points;
}

/** `+932 days`, `none`, `-1 day`. */
export function describeShift(shiftMs: number): string {
  if (shiftMs === 0) return 'none';
  const days = shiftMs / DAY;
  return `${days > 0 ? '+' : ''}${days} ${Math.abs(days) === 1 ? 'day' : 'days'}`;
}

/** The trace's exclusive end: one step after its last row. */
function traceEndMs(series: RegularSeries): number {
  return series.start + series.values.length * series.stepMs;
}

/**
 * Where `load --trace` would continue: the controller's now in trace time. Alignment moves
 * by whole days, so up to a day can lie between the last imported point and now; when that
 * runs past the end of the file, there is nothing left to replay, and the note says how to
 * leave some.
 */
export function replayNote(traceNow: number, traceEnd: number, source: string): string {
  const at = `the controller's now is trace time ${isoTime(traceNow)}`;
  if (traceNow < traceEnd) return `${at}: \`rollcast load --trace ${source}\` continues from there`;
  return (
    `${at}, after the end of ${source} (${isoTime(traceEnd)}): \`load --trace\` would have nothing left to replay;` +
    ' to leave some, cut the import with --until at least a day before the end'
  );
}

export async function importHistory(
  api: ApiClient,
  name: string,
  o: ImportHistoryOptions,
  print: (text: string) => void = (t) => void process.stdout.write(t),
): Promise<void> {
  const scale = o.scale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0) throw new CliError(`--scale ${scale} must be a positive number`, 2);
  const parsed = parseTraceCsv(await readText(o.csv, '--csv'), o.csv);
  if (!parsed.ok) throw new CliError(parsed.error);
  const series = cutAt(parsed.series, o.until, o.csv);
  checkStep(series.stepMs, o.csv);
  const last = lastObserved(series);
  if (last === undefined) throw new CliError(`nothing to import: ${o.csv} has no points${o.until === undefined ? '' : ` up to --until ${o.until}`}`);
  const count = series.values.filter((v) => !Number.isNaN(v)).length;
  if (count > MAX_HISTORY_POINTS) {
    throw new CliError(`${o.csv}: ${count} points is more than the ${MAX_HISTORY_POINTS} one import takes; cut it with --until or split the file`);
  }

  const now = o.align ? (await api.get<ClockView>('/api/v1/clock')).now : undefined;
  const shiftMs = now === undefined ? 0 : alignShiftMs(last, now, series.stepMs);
  const body: HistoryImport = { points: importPoints(series, scale, shiftMs, o.csv), stepMs: series.stepMs, shiftMs, source: basename(o.csv) };
  const result = await api.put<HistoryImportResult>(`/api/v1/deployments/${encodeURIComponent(name)}/history`, body);
  if (o.json) return print(`${JSON.stringify(result, null, 2)}\n`);
  const lines = [
    `imported ${result.imported} minutes of history into ${result.deployment} from ${basename(o.csv)} (${body.points.length} points at ${formatDuration(series.stepMs)}${scale === 1 ? '' : `, × ${scale}`})`,
    `  ${isoTime(result.from)} → ${isoTime(result.to)}`,
    `  shifted by ${describeShift(result.shiftMs)}${o.align ? ' to end within the last day of the controller clock' : ''}`,
  ];
  if (now !== undefined) lines.push(`  ${replayNote(now - shiftMs, traceEndMs(parsed.series), o.csv)}`);
  print(`${lines.join('\n')}\n`);
}
