// How a forecast looks in the terminal, shared by `rollcast forecast --trace` (a forecast
// made here, from a file) and `rollcast forecast NAME` (the one the controller made and
// stored): a chart of the history continued by the forecast band, and a table. Pure string
// building; the commands print.
//
// Both forecasts are read through `ForecastValues`, the fields they share, so the live
// form needs no fake backtest or fit information to be drawn.

import asciichart from 'asciichart';
import { roughDuration } from '../capacity/describe-reason.js';
import { formatDuration } from '../spec/duration.js';
import { formatTable } from './table.js';

export const CHART_COLUMNS = 80;
export const CHART_HEIGHT = 12;
export const TABLE_ROWS = 24;

/** What the chart and the table need of a forecast (offline `Forecast` and `StoredForecastView` both have it). */
export interface ForecastValues {
  readonly start: number;
  readonly stepMs: number;
  readonly mean: readonly number[];
  /** Quantile level as written by `quantileKey` ("0.9") → values. */
  readonly quantiles: Readonly<Record<string, readonly number[]>>;
}

/** ISO-8601 in UTC, without milliseconds when they are zero: `2024-05-01T12:00:00Z`. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/**
 * Averages consecutive buckets of `factor` values (the last bucket may be shorter), ignoring
 * NaN; an all-NaN bucket is NaN.
 */
export function bucketMeans(values: readonly number[], factor: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < values.length; b += factor) {
    let sum = 0;
    let seen = 0;
    for (const v of values.slice(b, b + factor)) {
      if (!Number.isNaN(v)) {
        sum += v;
        seen++;
      }
    }
    out.push(seen === 0 ? NaN : sum / seen);
  }
  return out;
}

/** NaN replaced by the previous value (leading NaN by the first value); all NaN → []. */
export function fillGaps(values: readonly number[]): number[] {
  const first = values.find((v) => !Number.isNaN(v));
  if (first === undefined) return [];
  let last = first;
  return values.map((v) => (Number.isNaN(v) ? last : (last = v)));
}

/** Indices of at most `maxRows` rows, evenly spaced from 0: every `stride`-th step. */
export function sampleIndices(length: number, maxRows: number): { indices: number[]; stride: number } {
  const stride = Math.max(1, Math.ceil(length / maxRows));
  const indices: number[] = [];
  for (let i = 0; i < length; i += stride) indices.push(i);
  return { indices, stride };
}

/** Numbers for people: integers when large, a few decimals when small. */
export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 0.01 || a === 0) return v.toFixed(2);
  return v.toPrecision(3);
}

/** The highest quantile level present in a forecast, with its key. */
export function topQuantile(f: Pick<ForecastValues, 'quantiles'>): { key: string; values: readonly number[] } | undefined {
  const keys = Object.keys(f.quantiles).sort((a, b) => Number(a) - Number(b));
  const key = keys[keys.length - 1];
  const values = key === undefined ? undefined : f.quantiles[key];
  return key === undefined || values === undefined ? undefined : { key, values };
}

/**
 * A chart of the tail of the history continued by the forecast mean (and, drawn beneath, by the
 * highest quantile), at most `columns` wide, with a `^` under the first forecast column.
 * Returns '' when there is nothing finite to draw.
 */
export function renderChart(
  history: readonly number[],
  mean: readonly number[],
  upper: readonly number[] | undefined,
  opts: { columns?: number; height?: number; colors?: boolean; upperLabel?: string } = {},
): string {
  const columns = opts.columns ?? CHART_COLUMNS;
  const h = mean.length;
  // Show about twice the horizon of history (at least 100 points), then pick a bucket size so
  // that history + forecast fit the width, and cut the history to whole buckets so the
  // forecast starts on a bucket boundary.
  const wanted = Math.min(history.length, Math.max(2 * h, 100));
  const factor = Math.max(1, Math.ceil((wanted + h) / columns));
  const tail = wanted >= factor ? wanted - (wanted % factor) : wanted;
  const past = history.slice(history.length - tail);
  const line = fillGaps(bucketMeans([...past, ...mean], factor));
  const band = upper === undefined ? [] : fillGaps(bucketMeans([...past, ...upper], factor));
  if (line.length === 0) return '';
  const all = [...line, ...band];
  const min = Math.min(...all);
  const max = Math.max(...all);
  const labels = [min, max].map(formatValue);
  const width = Math.max(...labels.map((l) => l.length)) + 1;
  const offset = 3;
  const colors = opts.colors ?? false;
  const series = band.length === line.length ? [band, line] : [line];
  const chart = asciichart.plot(series, {
    height: opts.height ?? CHART_HEIGHT,
    offset,
    format: (x: number) => formatValue(x).padStart(width),
    // Drawn in order: the quantile first, so history and mean stay on top where they meet.
    ...(colors && { colors: series.length === 2 ? [asciichart.yellow, asciichart.default] : [asciichart.default] }),
  });
  // Column of point k: the label (width), offset − 2 blanks, the axis, then one cell per point
  // (asciichart draws the segment k → k+1 in the cell after point k).
  const startBucket = Math.floor(tail / factor);
  const marker = `${' '.repeat(width + offset - 2 + startBucket)}^ forecast${factor > 1 ? ` (1 column = ${factor} steps)` : ''}`;
  const legend = upper === undefined ? '' : `\n${' '.repeat(width + offset - 2)}lower line: history then mean; upper line: quantile ${opts.upperLabel ?? ''}`.trimEnd();
  return `${chart}\n${marker}${legend}`;
}

/** The chart of a forecast after `history` (values at the forecast's step, ending where it starts). */
export function forecastChart(history: readonly number[], f: ForecastValues, colors: boolean): string {
  const top = topQuantile(f);
  return renderChart(history, f.mean, top?.values, { colors, upperLabel: top?.key ?? '' });
}

/** The forecast table: at most `maxRows` rows (every stride-th step), time, mean, each quantile. */
export function forecastTable(f: ForecastValues, maxRows = TABLE_ROWS): string {
  const keys = Object.keys(f.quantiles).sort((a, b) => Number(a) - Number(b));
  const { indices, stride } = sampleIndices(f.mean.length, maxRows);
  const rows = indices.map((i) => [
    isoTime(f.start + i * f.stepMs),
    formatValue(f.mean[i] ?? NaN),
    ...keys.map((k) => formatValue(f.quantiles[k]?.[i] ?? NaN)),
  ]);
  const table = formatTable(['TIME (UTC)', 'MEAN', ...keys.map((k) => `Q${k}`)], rows);
  return stride > 1 ? `${table}\n(one row every ${stride} steps, i.e. every ${formatDuration(stride * f.stepMs)})` : table;
}

/** Header, a blank line, the chart (when there is anything to draw) and the table, as one text. */
export function forecastText(header: readonly string[], chart: string, f: ForecastValues): string {
  return [...header, '', ...(chart === '' ? [] : [chart, '']), forecastTable(f)].join('\n');
}

// ---------------------------------------------------------------------------------------------
// The live form: a forecast the controller stored, drawn after the history it recorded

/** The per-minute history the admin API answers (`HistoryView`), as far as the chart needs it. */
export interface MinuteHistory {
  readonly start: number;
  readonly stepMs: number;
  readonly values: readonly (number | null)[];
}

/**
 * The recorded history on the forecast's grid, ending where the forecast starts: the points
 * at `start − n·step … start − step`, as many as the history reaches back to, each the mean of
 * the recorded minutes in it (NaN where none was recorded, so a gap stays a gap). A history
 * that stops before the forecast starts is padded with NaN up to it, so the `^` marker stays
 * at the right time. A forecast step that is not a whole number of history steps cannot be
 * matched up: no history then (the chart shows the forecast alone).
 * Worked example: minutes from 10:00, forecast at a 5m step from 10:12 → the buckets start
 * at 09:57, 10:02 and 10:07; the first holds only 10:00 and 10:01, the last 10:07 … 10:11.
 */
export function historyOnForecastGrid(history: MinuteHistory, f: Pick<ForecastValues, 'start' | 'stepMs'>): number[] {
  const factor = f.stepMs / history.stepMs;
  if (!Number.isInteger(factor) || factor < 1 || history.values.length === 0 || f.start <= history.start) return [];
  const buckets = Math.ceil((f.start - history.start) / f.stepMs);
  const first = f.start - buckets * f.stepMs;
  const minutes = Array.from({ length: buckets * factor }, (_, m) => {
    const i = (first + m * history.stepMs - history.start) / history.stepMs;
    const v = Number.isInteger(i) && i >= 0 ? history.values[i] : undefined;
    return v === undefined || v === null ? NaN : v;
  });
  return bucketMeans(minutes, factor);
}

/** The first `steps` steps of a forecast (mean and every quantile); all of it when it is shorter. */
export function firstSteps<F extends ForecastValues>(f: F, steps: number): F {
  const quantiles = Object.fromEntries(Object.entries(f.quantiles).map(([k, v]) => [k, v.slice(0, steps)]));
  return { ...f, mean: f.mean.slice(0, steps), quantiles };
}

/** What the header of `rollcast forecast NAME` says about a stored forecast. */
export interface StoredForecastInfo extends ForecastValues {
  readonly madeAt: number;
  readonly model: string;
  readonly periods: readonly string[];
  readonly quantile: number;
  readonly historyPoints: number;
  readonly notes: readonly string[];
}

/** The header lines of the live form; `now` (the controller's clock) adds the forecast's age. */
export function describeStoredForecast(name: string, f: StoredForecastInfo, opts: { now?: number; cutFrom?: number } = {}): string[] {
  const step = formatDuration(f.stepMs);
  const steps = f.mean.length;
  const age = opts.now === undefined ? '' : ` (${roughDuration(Math.max(0, opts.now - f.madeAt))} ago on the controller's clock)`;
  const lines = [
    `live forecast of ${name}: ${steps} steps of ${step} (${formatDuration(steps * f.stepMs)}) from ${isoTime(f.start)}` +
      (opts.cutFrom !== undefined ? `, the first ${steps} of ${opts.cutFrom} (--horizon)` : ''),
    `made at:   ${isoTime(f.madeAt)}${age}`,
    `model:     ${f.model}`,
    `periods:   ${f.periods.length === 0 ? 'none' : f.periods.join(', ')}`,
    `history:   ${f.historyPoints} points used`,
    `provision: quantile ${f.quantile} (the planner scales for it)`,
  ];
  for (const [i, note] of f.notes.entries()) lines.push(`${i === 0 ? 'notes:' : ''}`.padEnd(11) + note);
  return lines;
}
