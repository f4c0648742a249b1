// `rollcast forecast`: forecasts from files, offline, or the live one the controller made.
//
// - `NAME`: the forecast the controller stored for deployment NAME (admin API, see
//   api/autoscaling-views.ts), drawn after the load history it recorded; `--horizon` shows
//   only its first part. No forecast yet is an expected state: the reason is printed, exit 0.
// - `--trace FILE.csv --horizon 1d`: a `timestamp,value` load trace (optionally cut at
//   `--until`), forecast `--horizon` ahead; prints a header, a terminal chart and a table, or
//   the whole Forecast as JSON with `--json`.
// - `--m4 FILE --horizon 48 --season 24 --out F.csv`: every series of an M4-layout file,
//   written as `id,F1..Fh` (the M4 submission layout) through a temp file and a rename.
//
// The flag checks are pure functions exported for the unit tests, the rendering lives in
// ../forecast-render.ts (shared by the offline and the live form); `forecastCommand` is the
// shell around them (files, engines, admin API, progress bar).

import { randomBytes } from 'node:crypto';
import { readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { ClockView, ForecastView, HistoryView } from '../../api/autoscaling-views.js';
import type { ForecastEngines } from '../../forecast/engines.js';
import { DEFAULT_QUANTILES, forecast, quantileKey, type Forecast, type ForecastOutcome } from '../../forecast/forecast.js';
import { M4ParseError, parseM4Csv, type M4Series } from '../../forecast/m4.js';
import { sliceUntil, type RegularSeries } from '../../forecast/series.js';
import { parseTimestamp, parseTraceCsv } from '../../forecast/trace-csv.js';
import { checkDuration, DAY, formatDuration } from '../../spec/duration.js';
import { millis } from '../../spec/units.js';
import type { ApiClient } from '../client.js';
import { CliError } from '../errors.js';
import { describeStoredForecast, firstSteps, forecastChart, forecastText, historyOnForecastGrid, isoTime } from '../forecast-render.js';

// `rollcast backtest` imports isoTime from here; it now lives with the other rendering helpers.
export { isoTime } from '../forecast-render.js';

/** Exit code for a flag the user got wrong (as `load` uses); bad file contents exit 1. */
const USAGE = 2;
/** A bound on the horizon so a typo (`--horizon 1000w`) does not allocate millions of values. */
export const MAX_HORIZON_STEPS = 100_000;
/** The longest history the admin API returns in one GET (api/autoscaling-routes.ts). */
const MAX_HISTORY_VIEW_MS = 14 * DAY;

export interface ForecastOptions {
  trace?: string;
  m4?: string;
  until?: string;
  /** Required with --trace and --m4; with NAME it only shortens what is shown. */
  horizon?: string;
  quantiles?: string;
  json?: boolean;
  season?: string;
  out?: string;
  skipInsufficient?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Pure helpers (flag parsing, downsampling, rendering)

/**
 * Which mode the arguments ask for; every flag that does not apply to it is an error, not
 * ignored. `name` is the optional positional deployment name (the live form).
 */
export function checkMode(o: ForecastOptions, name?: string): 'live' | 'trace' | 'm4' {
  if (o.trace !== undefined && o.m4 !== undefined) throw new CliError('--trace and --m4 cannot be used together: pick one input', USAGE);
  const misplaced = (flags: [string, unknown][], mode: string): void => {
    const given = flags.filter(([, v]) => v !== undefined && v !== false).map(([f]) => f);
    if (given.length > 0) throw new CliError(`${given.join(', ')} ${given.length === 1 ? 'applies' : 'apply'} to ${mode} only`, USAGE);
  };
  if (name !== undefined) {
    const file = o.trace !== undefined ? '--trace' : o.m4 !== undefined ? '--m4' : undefined;
    if (file !== undefined) {
      throw new CliError(`a deployment name ("${name}") and ${file} cannot be used together: NAME shows its live forecast, ${file} forecasts a file`, USAGE);
    }
    misplaced([['--until', o.until], ['--quantiles', o.quantiles], ['--season', o.season], ['--out', o.out], ['--skip-insufficient', o.skipInsufficient]], 'the file forms (--trace, --m4)');
    return 'live';
  }
  if (o.trace === undefined && o.m4 === undefined) {
    throw new CliError('nothing to forecast: give --trace FILE.csv (timestamp,value), --m4 FILE (M4 layout), or a deployment NAME for its live forecast', USAGE);
  }
  if (o.trace !== undefined) {
    misplaced([['--season', o.season], ['--out', o.out], ['--skip-insufficient', o.skipInsufficient]], '--m4');
    if (o.horizon === undefined) throw new CliError('--trace needs --horizon: how far ahead, as a duration (e.g. --horizon 1d)', USAGE);
    return 'trace';
  }
  misplaced([['--until', o.until], ['--quantiles', o.quantiles], ['--json', o.json]], '--trace');
  if (o.horizon === undefined) throw new CliError('--m4 needs --horizon: how many steps ahead (e.g. --horizon 48)', USAGE);
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

/** A text file named by `flag`, or a CliError saying why it cannot be read. */
export async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new CliError(`${flag}: cannot read ${path}: ${why}`);
  }
}

/**
 * The augurs engines, or none (the forecast notes which models were skipped) if they fail to
 * load. Imported here, not at the top, so the live form does not load the WASM glue.
 */
async function engines(): Promise<{ engines?: ForecastEngines; note?: string }> {
  try {
    const { loadForecastEngines } = await import('../../controller/augurs.js');
    return { engines: loadForecastEngines() };
  } catch (err) {
    return { note: `augurs engines unavailable (${err instanceof Error ? err.message : String(err)})` };
  }
}

/** `rollcast forecast [NAME] …`; `api` and `print` are used by the live form only. */
export async function forecastCommand(o: ForecastOptions, name: string | undefined, api: ApiClient, print = (text: string): void => void process.stdout.write(text)): Promise<void> {
  const mode = checkMode(o, name);
  if (mode === 'live') await liveForecast(api, name as string, o, print);
  else if (mode === 'trace') await traceForecast(o, o.trace as string);
  else await m4Forecast(o, o.m4 as string);
}

/** Prints one block of text and a newline. */
function out(s: string): void {
  process.stdout.write(`${s}\n`);
}

async function liveForecast(api: ApiClient, name: string, o: ForecastOptions, print: (s: string) => void): Promise<void> {
  const path = `/api/v1/deployments/${encodeURIComponent(name)}`;
  const view = await api.get<ForecastView>(`${path}/forecast`);
  if (view.forecast === null) {
    if (o.json) return print(`${JSON.stringify(view, null, 2)}\n`);
    return print(`no forecast for ${name} yet: ${view.why ?? 'the controller has not made one'}\n`);
  }
  const stored = view.forecast;
  const steps = o.horizon === undefined ? stored.mean.length : horizonSteps(o.horizon, stored.stepMs);
  const f = steps < stored.mean.length ? firstSteps(stored, steps) : stored;
  if (o.json) return print(`${JSON.stringify({ ...view, forecast: f }, null, 2)}\n`);

  // History for context: the chart shows about twice the horizon of it; at least a day, and at
  // most the 14 days the server answers in one request.
  const from = f.start - Math.min(MAX_HISTORY_VIEW_MS, Math.max(DAY, 2 * f.mean.length * f.stepMs));
  const [history, clock] = await Promise.all([
    api.get<HistoryView>(`${path}/history?from=${from}&to=${f.start}`),
    api.get<ClockView>('/api/v1/clock'),
  ]);
  const header = describeStoredForecast(name, f, { now: clock.now, ...(f !== stored && { cutFrom: stored.mean.length }) });
  if (steps > stored.mean.length) {
    header.push(`warning:   --horizon ${o.horizon} is longer than the stored forecast (${formatDuration(stored.mean.length * stored.stepMs)}); showing all of it`);
  }
  const chart = forecastChart(historyOnForecastGrid(history, f), f, process.stdout.isTTY === true);
  print(`${forecastText(header, chart, f)}\n`);
}

async function traceForecast(o: ForecastOptions, path: string): Promise<void> {
  const quantiles = parseQuantiles(o.quantiles);
  const parsed = parseTraceCsv(await readText(path, '--trace'), path);
  if (!parsed.ok) throw new CliError(parsed.error);
  const steps = horizonSteps(o.horizon as string, parsed.series.stepMs);
  const series = cutAt(parsed.series, o.until, path);
  const loaded = await engines();
  const outcome = forecast({ series, horizonSteps: steps, quantiles, ...(loaded.engines && { engines: loaded.engines }) });
  if (!outcome.ok) throw new CliError(`cannot forecast ${path}: ${outcome.insufficient.message}`);
  const f = outcome.forecast;
  if (o.json) return out(JSON.stringify(forecastJson(f), null, 2));

  const lastMs = series.start + (series.values.length - 1) * series.stepMs;
  const missingRows = series.values.filter((v) => Number.isNaN(v)).length;
  const header = describeForecast(f, { source: path, points: series.values.length, missingRows, lastMs, horizonSteps: steps });
  if (loaded.note !== undefined) header.push(`warning:   ${loaded.note}`);
  out(forecastText(header, forecastChart(series.values, f, process.stdout.isTTY === true), f));
}

async function m4Forecast(o: ForecastOptions, path: string): Promise<void> {
  const steps = positiveInt(o.horizon as string, '--horizon', 'steps with --m4');
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

  const loaded = await engines();
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
