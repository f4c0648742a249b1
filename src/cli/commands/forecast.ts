// `rollcast forecast`: offline forecasts from files, no control plane needed.
//
// - `--trace FILE.csv --horizon 1d`: a `timestamp,value` load trace (optionally cut at
//   `--until`), forecast `--horizon` ahead; prints a header, a terminal chart and a table, or
//   the whole Forecast as JSON with `--json`.
// - `--m4 FILE --horizon 48 --season 24 --out F.csv`: every series of an M4-layout file,
//   written as `id,F1..Fh` (the M4 submission layout) through a temp file and a rename.
//
// The flag checks, the downsampling and the rendering are pure functions exported for the
// unit tests; `forecastCommand` is the shell around them (files, engines, progress bar).

import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import asciichart from 'asciichart';
import { SingleBar } from 'cli-progress';
import { loadForecastEngines } from '../../controller/augurs.js';
import type { ForecastEngines } from '../../forecast/engines.js';
import { DEFAULT_QUANTILES, forecast, quantileKey, type Forecast, type ForecastOutcome } from '../../forecast/forecast.js';
import { M4ParseError, parseM4Csv, type M4Series } from '../../forecast/m4.js';
import { sliceUntil, type RegularSeries } from '../../forecast/series.js';
import { parseTimestamp, parseTraceCsv } from '../../forecast/trace-csv.js';
import { checkDuration, DAY, formatDuration } from '../../spec/duration.js';
import { millis } from '../../spec/units.js';
import { CliError } from '../errors.js';
import { formatTable } from '../table.js';

/** Exit code for a flag the user got wrong (as `load` uses); bad file contents exit 1. */
const USAGE = 2;
/** A bound on the horizon so a typo (`--horizon 1000w`) does not allocate millions of values. */
export const MAX_HORIZON_STEPS = 100_000;
export const CHART_COLUMNS = 80;
export const CHART_HEIGHT = 12;
export const TABLE_ROWS = 24;

export interface ForecastOptions {
  trace?: string;
  m4?: string;
  until?: string;
  horizon: string;
  quantiles?: string;
  json?: boolean;
  season?: string;
  out?: string;
  skipInsufficient?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Pure helpers (flag parsing, downsampling, rendering)

/** Which mode the flags ask for; every flag that does not apply to it is an error, not ignored. */
export function checkMode(o: ForecastOptions): 'trace' | 'm4' {
  if (o.trace !== undefined && o.m4 !== undefined) throw new CliError('--trace and --m4 cannot be used together: pick one input', USAGE);
  if (o.trace === undefined && o.m4 === undefined) {
    throw new CliError('nothing to forecast: give --trace FILE.csv (timestamp,value) or --m4 FILE (M4 layout)', USAGE);
  }
  const misplaced = (flags: [string, unknown][], mode: string): void => {
    const given = flags.filter(([, v]) => v !== undefined && v !== false).map(([f]) => f);
    if (given.length > 0) throw new CliError(`${given.join(', ')} ${given.length === 1 ? 'applies' : 'apply'} to ${mode} only`, USAGE);
  };
  if (o.trace !== undefined) {
    misplaced([['--season', o.season], ['--out', o.out], ['--skip-insufficient', o.skipInsufficient]], '--m4');
    return 'trace';
  }
  misplaced([['--until', o.until], ['--quantiles', o.quantiles], ['--json', o.json]], '--trace');
  if (o.season === undefined) throw new CliError('--m4 needs --season: the steps per day (24 for hourly series)', USAGE);
  if (o.out === undefined) throw new CliError('--m4 needs --out FILE.csv for the forecasts', USAGE);
  return 'm4';
}

/** `--quantiles 0.5,0.9`: levels in (0, 1), returned sorted and without duplicates. */
export function parseQuantiles(text: string | undefined): number[] {
  if (text === undefined) return [...DEFAULT_QUANTILES];
  const levels = new Set<number>();
  for (const raw of text.split(',')) {
    const cell = raw.trim();
    const q = Number(cell);
    if (cell === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(cell) || !(q > 0 && q < 1)) {
      throw new CliError(`--quantiles: "${cell}" is not a level strictly between 0 and 1 (e.g. --quantiles 0.5,0.9)`, USAGE);
    }
    levels.add(Number(quantileKey(q)));
  }
  return [...levels].sort((a, b) => a - b);
}

/** `--horizon 1d` at the series' step → steps; a positive whole number of steps or a CliError. */
export function horizonSteps(text: string, stepMs: number): number {
  const d = checkDuration(text);
  if (!d.ok) throw new CliError(`--horizon "${text}" is not a duration: ${d.reason} (e.g. 1d, 48h, 30m)`, USAGE);
  if (d.ms <= 0) throw new CliError(`--horizon "${text}" must be longer than zero`, USAGE);
  if (d.ms % stepMs !== 0) {
    throw new CliError(`--horizon "${text}" is not a whole number of the series' ${formatDuration(stepMs)} steps`, USAGE);
  }
  const steps = d.ms / stepMs;
  if (steps > MAX_HORIZON_STEPS) {
    throw new CliError(`--horizon "${text}" is ${steps} steps of ${formatDuration(stepMs)}; at most ${MAX_HORIZON_STEPS}`, USAGE);
  }
  return steps;
}

/** A whole number ≥ 1 given as text (`--horizon 48` with --m4, `--season 24`). */
export function positiveInt(text: string, flag: string, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) {
    throw new CliError(`${flag} "${text}" must be a whole number of ${what} (at least 1)`, USAGE);
  }
  return n;
}

/** `--season` (steps per day) → the step in ms; the step must be a whole number of ms. */
export function seasonStepMs(text: string): number {
  const season = positiveInt(text, '--season', 'steps per day');
  if (DAY % season !== 0) throw new CliError(`--season ${season} does not divide a day (86400000 ms) into whole milliseconds`, USAGE);
  return DAY / season;
}

/** The series up to `--until` (inclusive), or a CliError when it is unreadable or before the data. */
export function cutAt(series: RegularSeries, until: string | undefined, source: string): RegularSeries {
  if (until === undefined) return series;
  const t = parseTimestamp(until.trim());
  if (!t.ok) throw new CliError(`--until "${until}" ${t.why}`, USAGE);
  if (t.ms < series.start) {
    throw new CliError(`--until "${until}" is before the first point of ${source} (${isoTime(series.start)})`, USAGE);
  }
  return sliceUntil(series, t.ms);
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
export function topQuantile(f: Forecast): { key: string; values: readonly number[] } | undefined {
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

/** The header lines of the text output. */
export function describeForecast(f: Forecast, input: { source: string; points: number; missingRows: number; lastMs: number; horizonSteps: number }): string[] {
  const step = formatDuration(f.stepMs);
  const chosen = f.backtest.candidates.find((c) => c.model === f.backtest.chosen);
  const periods = f.periods.length === 0 ? 'none' : f.periods.map((p) => `${p} (${formatDuration(p * f.stepMs)})`).join(', ');
  const components = f.components.length > 1 ? ` = ${f.components.map((c) => `${c.weight.toFixed(2)}·${c.model}`).join(' + ')}` : '';
  const fit = f.fit;
  const lines = [
    `forecast of ${input.source}: ${input.horizonSteps} steps of ${step} (${formatDuration(input.horizonSteps * f.stepMs)}) after ${isoTime(input.lastMs)}`,
    `history:   ${input.points} points at ${step}${input.missingRows > 0 ? `, ${input.missingRows} missing rows` : ''}`,
    `model:     ${f.model}${components}`,
    `periods:   ${periods}`,
    `fit:       ${fit.points} points at ${formatDuration(fit.stepMs)}, ${fit.imputed} imputed, ${fit.cleaned} cleaned${fit.aggregated ? `; aggregated ×${fit.aggregated.factor} (${fit.aggregated.reason})` : ''}`,
    `backtest:  chosen ${f.backtest.chosen}, MASE ${chosen === undefined ? 'n/a' : chosen.mase.toFixed(3)}` +
      (f.backtest.origins > 0 ? ` (${f.backtest.origins} origins × ${f.backtest.horizonSteps} steps, scaled by ${f.backtest.scaledBy})` : ''),
  ];
  for (const [i, note] of f.notes.entries()) lines.push(`${i === 0 ? 'notes:' : ''}`.padEnd(11) + note);
  return lines;
}

/** The forecast table: at most `maxRows` rows (every stride-th step), time, mean, each quantile. */
export function forecastTable(f: Forecast, maxRows = TABLE_ROWS): string {
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

/** The `--json` document: the Forecast with `start` as ISO-8601 and `startMs` as epoch ms. */
export function forecastJson(f: Forecast): Record<string, unknown> {
  return {
    model: f.model,
    periods: f.periods,
    stepMs: f.stepMs,
    start: new Date(f.start).toISOString(),
    startMs: f.start,
    mean: f.mean,
    quantiles: f.quantiles,
    backtest: f.backtest,
    components: f.components,
    fit: f.fit,
    notes: f.notes,
  };
}

/** One CSV cell: quoted only when it must be. */
export function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** `id,F1,…,Fh` then one line per forecast; values as JavaScript prints them (round-trip exact). */
export function m4Csv(horizon: number, rows: readonly { id: string; mean: readonly number[] }[]): string {
  const header = ['id', ...Array.from({ length: horizon }, (_, i) => `F${i + 1}`)].join(',');
  return [header, ...rows.map((r) => [csvCell(r.id), ...r.mean.map(String)].join(','))].join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// The shell

async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new CliError(`${flag}: cannot read ${path}: ${why}`);
  }
}

/** The augurs engines, or none (the forecast notes which models were skipped) if they fail to load. */
function engines(): { engines?: ForecastEngines; note?: string } {
  try {
    return { engines: loadForecastEngines() };
  } catch (err) {
    return { note: `augurs engines unavailable (${err instanceof Error ? err.message : String(err)})` };
  }
}

export async function forecastCommand(o: ForecastOptions): Promise<void> {
  if (checkMode(o) === 'trace') await traceForecast(o, o.trace as string);
  else await m4Forecast(o, o.m4 as string);
}

async function traceForecast(o: ForecastOptions, path: string): Promise<void> {
  const quantiles = parseQuantiles(o.quantiles);
  const parsed = parseTraceCsv(await readText(path, '--trace'), path);
  if (!parsed.ok) throw new CliError(parsed.error);
  const steps = horizonSteps(o.horizon, parsed.series.stepMs);
  const series = cutAt(parsed.series, o.until, path);
  const loaded = engines();
  const outcome = forecast({ series, horizonSteps: steps, quantiles, ...(loaded.engines && { engines: loaded.engines }) });
  if (!outcome.ok) throw new CliError(`cannot forecast ${path}: ${outcome.insufficient.message}`);
  const f = outcome.forecast;
  const out = (s: string): void => void process.stdout.write(`${s}\n`);
  if (o.json) return out(JSON.stringify(forecastJson(f), null, 2));

  const lastMs = series.start + (series.values.length - 1) * series.stepMs;
  const missingRows = series.values.filter((v) => Number.isNaN(v)).length;
  const header = describeForecast(f, { source: path, points: series.values.length, missingRows, lastMs, horizonSteps: steps });
  if (loaded.note !== undefined) header.push(`warning:   ${loaded.note}`);
  const top = topQuantile(f);
  const chart = renderChart(series.values, f.mean, top?.values, { colors: process.stdout.isTTY === true, upperLabel: top?.key ?? '' });
  out([...header, '', ...(chart === '' ? [] : [chart, '']), forecastTable(f)].join('\n'));
}

async function m4Forecast(o: ForecastOptions, path: string): Promise<void> {
  const steps = positiveInt(o.horizon, '--horizon', 'steps with --m4');
  const stepMs = seasonStepMs(o.season as string);
  const outPath = o.out as string;
  const text = await readText(path, '--m4');
  let all: M4Series[];
  try {
    all = parseM4Csv(text);
  } catch (err) {
    if (err instanceof M4ParseError) throw new CliError(`${path}: ${err.message}`);
    throw err;
  }
  if (all.length === 0) throw new CliError(`${path}: no series after the header`);

  const loaded = engines();
  const rows: { id: string; mean: readonly number[] }[] = [];
  const skipped: string[] = [];
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'forecast {bar} {value}/{total} series | {id}', hideCursor: true, clearOnComplete: true, stream: process.stderr })
    : undefined;
  bar?.start(all.length, 0, { id: '' });
  try {
    for (const [i, s] of all.entries()) {
      bar?.update(i, { id: s.id });
      const outcome: ForecastOutcome = forecast({
        series: { start: millis(0), stepMs, values: s.values },
        horizonSteps: steps,
        ...(loaded.engines && { engines: loaded.engines }),
      });
      if (!outcome.ok) {
        if (!o.skipInsufficient) {
          throw new CliError(`${path}: series ${JSON.stringify(s.id)}: ${outcome.insufficient.message} (--skip-insufficient leaves such series out)`);
        }
        skipped.push(s.id);
      } else {
        const bad = outcome.forecast.mean.findIndex((v) => !Number.isFinite(v));
        if (bad >= 0) throw new CliError(`series ${JSON.stringify(s.id)}: the forecast has a non-finite value at F${bad + 1}`);
        rows.push({ id: s.id, mean: outcome.forecast.mean });
      }
      // Let the event loop run between series: the bar redraws and Ctrl-C is handled.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    bar?.update(all.length, { id: '' });
  } finally {
    bar?.stop();
  }

  // A temp file beside the target and a rename: the target is either the old file or the whole new one.
  const temp = join(dirname(outPath), `.${basename(outPath)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, m4Csv(steps, rows), { flag: 'wx' });
    await rename(temp, outPath);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    throw new CliError(`--out: cannot write ${outPath}: ${e.code === 'ENOENT' ? 'no such directory' : e.code === 'EACCES' ? 'permission denied' : e.message}`);
  }
  const skippedText = skipped.length === 0 ? '' : `; skipped ${skipped.length} with too little history (${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', …' : ''})`;
  const note = loaded.note === undefined ? '' : `; ${loaded.note}`;
  process.stderr.write(`forecast ${rows.length} of ${all.length} series, ${steps} steps of ${formatDuration(stepMs)} → ${outPath}${skippedText}${note}\n`);
}
