// `rollcast backtest`: every chosen scaling policy against a load trace, offline (issue 4,
// "CLI"). The simulation itself is src/sim/ (runBacktest); this file checks the flags, reads
// the trace, runs the policies one at a time (so a progress bar on a TTY can move and Ctrl-C
// is handled between them) and prints a table, or `--json`.
//
// - `--per-replica N` is a replica's full capacity in requests per second (the trace's counts
//   per step are converted to rps). Omitted: derived so that the 99th percentile of the load
//   in the evaluation window needs 20 replicas (src/sim/backtest.ts), and printed.
// - `--eval-days D` (default 7): the scored window at the end of the trace; everything before
//   it is history the policies learn from, so the window must be shorter than the trace.
// - The oracle always runs (it is cheap): its replica-hours are the table's last column, the
//   physical limit the others are compared with. It is printed only when asked for.
// - `--chart out.html`: one self-contained HTML page (uPlot inlined, no network; see
//   ../chart-html.ts) of the evaluation window: demand in replicas, the forecast band hybrid
//   and predictive held (median and provisioned load, in replicas), and each chosen policy's
//   ready replicas. The path's directory is checked before the (long) simulation runs; the
//   file is written to a temporary name beside it and renamed, so a reader never sees half.
//
// The flag checks and the rendering are pure functions exported for the unit tests;
// `backtestCommand` is the shell around them.

import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import { loadForecastEngines } from '../../controller/augurs.js';
import type { ForecastEngines } from '../../forecast/engines.js';
import type { RegularSeries } from '../../forecast/series.js';
import { parseTraceCsv } from '../../forecast/trace-csv.js';
import { POLICY_NAMES, runBacktest, type PolicyMetrics, type PolicyName, type PolicyOutcome } from '../../sim/index.js';
import { checkDuration, DAY, formatDuration, MINUTE } from '../../spec/duration.js';
import { backtestChartHtml, readUplotAssets, type ChartInput } from '../chart-html.js';
import { CliError } from '../errors.js';
import { formatTable } from '../table.js';
import { isoTime } from './forecast.js';

/** Exit code for a flag the user got wrong (as `forecast` and `load` use); bad file contents exit 1. */
const USAGE = 2;
/** The simulator's tick (runBacktest's default). */
export const TICK_MS = MINUTE;
export const DEFAULT_EVAL_DAYS = 7;
/** Policies that refit forecasts (and so need the augurs engines). */
const FORECASTING: readonly PolicyName[] = ['hybrid', 'predictive', 'aws-like'];

export interface BacktestFlags {
  trace: string;
  perReplica?: string;
  warmup: string;
  policies?: string;
  evalDays?: string;
  json?: boolean;
  chart?: string;
}

/** The flags, checked. */
export interface BacktestPlan {
  readonly trace: string;
  readonly perReplica?: number;
  readonly warmupMs: number;
  readonly policies: readonly PolicyName[];
  readonly evalMs: number;
  readonly json: boolean;
  /** `--chart`: the HTML file to write. */
  readonly chart?: string;
}

/** The `--json` document (shares as fractions). */
export interface BacktestJson {
  readonly perReplica: number;
  readonly warmupMs: number;
  readonly policies: readonly PolicyJson[];
}

export interface PolicyJson {
  readonly policy: string;
  readonly replicaHours: number;
  readonly unservedShare: number;
  readonly underProvisionedTimeShare: number;
  readonly accuracyU: number;
  readonly accuracyO: number;
  readonly timeshareU: number;
  readonly timeshareO: number;
  readonly jitter: number;
  readonly actions: number;
}

// ---------------------------------------------------------------------------------------------
// Pure helpers (flag parsing, rendering)

const DECIMAL = /^\+?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** A finite number > 0 given as text, or a CliError naming the flag. */
export function positiveNumber(text: string, flag: string, what: string): number {
  const n = Number(text.trim());
  if (!DECIMAL.test(text.trim()) || !Number.isFinite(n) || n <= 0) throw new CliError(`${flag} "${text}" must be a positive number (${what})`, USAGE);
  return n;
}

/** `--warmup 2m` → ms (≥ 0). */
export function parseWarmup(text: string): number {
  const d = checkDuration(text.trim());
  if (!d.ok) throw new CliError(`--warmup "${text}" is not a duration: ${d.reason} (e.g. 2m, 90s)`, USAGE);
  return d.ms;
}

/** `--policies a,b` → the names in the order given, without duplicates; default all of them. */
export function parsePolicies(text: string | undefined): PolicyName[] {
  if (text === undefined) return [...POLICY_NAMES];
  const names: PolicyName[] = [];
  for (const raw of text.split(',')) {
    const name = raw.trim();
    if (name === '') continue;
    if (!(POLICY_NAMES as readonly string[]).includes(name)) throw new CliError(`--policies: unknown policy "${name}"; choose from ${POLICY_NAMES.join(', ')}`, USAGE);
    if (!names.includes(name as PolicyName)) names.push(name as PolicyName);
  }
  if (names.length === 0) throw new CliError(`--policies is empty; choose from ${POLICY_NAMES.join(', ')}`, USAGE);
  return names;
}

/** Every flag checked except those that need the trace (the eval window's length). */
export function checkFlags(f: BacktestFlags): BacktestPlan {
  if (f.chart !== undefined && f.chart.trim() === '') throw new CliError('--chart needs a file name, e.g. --chart out.html', USAGE);
  const perReplica = f.perReplica === undefined ? undefined : positiveNumber(f.perReplica, '--per-replica', "a replica's full capacity in requests per second");
  const evalDays = f.evalDays === undefined ? DEFAULT_EVAL_DAYS : positiveNumber(f.evalDays, '--eval-days', 'days scored at the end of the trace');
  const evalMs = Math.round(evalDays * DAY);
  if (evalMs < TICK_MS) throw new CliError(`--eval-days "${f.evalDays}" is shorter than one ${formatDuration(TICK_MS)} tick`, USAGE);
  return {
    trace: f.trace,
    ...(perReplica !== undefined && { perReplica }),
    warmupMs: parseWarmup(f.warmup),
    policies: parsePolicies(f.policies),
    evalMs,
    json: f.json === true,
    ...(f.chart !== undefined && { chart: f.chart }),
  };
}

/** The trace's span (points × step); a CliError when the eval window does not leave history before it. */
export function checkEvalWindow(series: RegularSeries, evalMs: number, source: string): void {
  const spanMs = series.values.length * series.stepMs;
  if (evalMs >= spanMs) {
    throw new CliError(
      `--eval-days ${formatDays(evalMs)} is not shorter than ${source} (${formatDays(spanMs)} days): the evaluation window is the end of the trace and needs history before it`,
      USAGE,
    );
  }
}

/** Days with at most two decimals: 7, 2.5, 0.04. */
export function formatDays(ms: number): string {
  return String(Math.round((ms / DAY) * 100) / 100);
}

/** One policy's row of the `--json` document: exactly the keys, in its order. */
export function policyJson(m: PolicyMetrics): PolicyJson {
  return {
    policy: m.policy,
    replicaHours: m.replicaHours,
    unservedShare: m.unservedShare,
    underProvisionedTimeShare: m.underProvisionedTimeShare,
    accuracyU: m.accuracyU,
    accuracyO: m.accuracyO,
    timeshareU: m.timeshareU,
    timeshareO: m.timeshareO,
    jitter: m.jitter,
    actions: m.actions,
  };
}

export function backtestJson(perReplica: number, warmupMs: number, metrics: readonly PolicyMetrics[]): BacktestJson {
  return { perReplica, warmupMs, policies: metrics.map(policyJson) };
}

/** A number for the table: integers when large, a few decimals when small. */
export function num(v: number, digits = 2): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1000 ? v.toFixed(0) : v.toFixed(digits);
}

/** A capacity with enough significant digits when small: 0.03931 → "0.0393", 1234.5 → "1235". */
export function capacityText(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : String(Number(v.toPrecision(3)));
}

/** A fraction as percent: 0.0123 → "1.23". */
export function pct(share: number): string {
  return Number.isFinite(share) ? (share * 100).toFixed(2) : String(share);
}

/** replica-hours / the oracle's, or "n/a" when the oracle paid nothing. */
export function ratio(value: number, oracle: number | undefined): string {
  return oracle !== undefined && oracle > 0 ? `${(value / oracle).toFixed(3)}×` : 'n/a';
}

/** The table of policies; `oracleHours` is the oracle's replica-hours (the last column). */
export function policyTable(metrics: readonly PolicyMetrics[], oracleHours: number | undefined): string {
  const header = ['POLICY', 'REPLICA-H', 'UNSERVED %', 'UNDER-PROV TIME %', 'ACCURACY_U', 'ACCURACY_O', 'TIMESHARE_U', 'TIMESHARE_O', 'JITTER/H', 'ACTIONS', 'REPLICA-H / ORACLE'];
  const rows = metrics.map((m) => [
    m.policy,
    num(m.replicaHours, 1),
    pct(m.unservedShare),
    pct(m.underProvisionedTimeShare),
    num(m.accuracyU, 3),
    num(m.accuracyO, 3),
    num(m.timeshareU, 3),
    num(m.timeshareO, 3),
    num(m.jitter, 2),
    String(m.actions),
    ratio(m.replicaHours, oracleHours),
  ]);
  return formatTable(header, rows);
}

/**
 * The chart's input from the chosen policies' outcomes: the evaluation window's ticks (from
 * each outcome's `evalFrom`), the load from the first of them (it is the same trace for all).
 */
export function chartInput(trace: string, perReplica: number, warmupMs: number, outcomes: readonly { name: string; outcome: PolicyOutcome }[]): ChartInput {
  const first = outcomes[0]?.outcome;
  if (first === undefined) throw new RangeError('chart: no policy outcomes');
  const { series, evalFrom } = first;
  return {
    trace,
    perReplica,
    warmupMs,
    tickMs: series.tickMs,
    start: series.start + evalFrom * series.tickMs,
    load: series.load.slice(evalFrom),
    policies: outcomes.map(({ name, outcome }) => {
      if (outcome.series.start !== series.start || outcome.evalFrom !== evalFrom || outcome.series.tickMs !== series.tickMs) {
        throw new RangeError(`chart: ${name}'s ticks do not line up with ${outcomes[0]?.name ?? ''}'s`);
      }
      const f = outcome.series.forecast;
      return {
        name,
        ready: outcome.series.ready.slice(evalFrom),
        ...(f !== undefined && { forecast: { median: f.median.slice(evalFrom), provisioned: f.provisioned.slice(evalFrom) } }),
      };
    }),
  };
}

/** The header lines of the text output. */
export function describeBacktest(input: {
  source: string;
  perReplica: number;
  derived: boolean;
  warmupMs: number;
  evalStart: number;
  evalEnd: number;
  historyMs: number;
  note?: string;
}): string[] {
  const capacity = `${capacityText(input.perReplica)} rps per replica${input.derived ? ' (derived: the evaluation window’s p99 needs 20 replicas; set it with --per-replica)' : ''}`;
  const lines = [
    `backtest of ${input.source}`,
    `evaluated: ${isoTime(input.evalStart)} → ${isoTime(input.evalEnd)} (${formatDays(input.evalEnd - input.evalStart)} days), after ${formatDays(input.historyMs)} days of history`,
    `capacity:  ${capacity}`,
    `warm-up:   ${formatDuration(input.warmupMs)}, tick ${formatDuration(TICK_MS)}`,
    'shares in %; accuracy, timeshare as fractions (SPEC RG); jitter: supply minus demand adaptations per hour',
  ];
  if (input.note !== undefined) lines.push(`warning:   ${input.note}`);
  return lines;
}

// ---------------------------------------------------------------------------------------------
// The shell

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'it is a directory' : e.code === 'EACCES' ? 'permission denied' : e.message;
    throw new CliError(`--trace: cannot read ${path}: ${why}`);
  }
}

/** `--chart`'s path must name a file in an existing directory; checked before the simulation runs. */
async function checkChartPath(path: string): Promise<void> {
  const dir = dirname(resolve(path));
  const kind = await stat(dir).then(
    (st) => (st.isDirectory() ? 'dir' : 'not-dir'),
    () => 'missing',
  );
  if (kind === 'missing') throw new CliError(`--chart: cannot write ${path}: directory ${dir} does not exist`, USAGE);
  if (kind === 'not-dir') throw new CliError(`--chart: cannot write ${path}: ${dir} is not a directory`, USAGE);
  const isDir = await stat(path).then(
    (st) => st.isDirectory(),
    () => false,
  );
  if (isDir) throw new CliError(`--chart: cannot write ${path}: it is a directory`, USAGE);
}

/** Writes `text` to a temporary file beside `path`, then renames it over `path`. */
async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    throw new CliError(`--chart: cannot write ${path}: ${e.code === 'EACCES' ? 'permission denied' : e.message}`);
  }
}

/** The augurs engines when a forecasting policy runs, or a note when they fail to load (the forecast falls back). */
function enginesFor(policies: readonly PolicyName[]): { engines?: ForecastEngines; note?: string } {
  if (!policies.some((p) => FORECASTING.includes(p))) return {};
  try {
    return { engines: loadForecastEngines() };
  } catch (err) {
    return { note: `augurs engines unavailable (${err instanceof Error ? err.message : String(err)}); forecasts use the fallback models` };
  }
}

export async function backtestCommand(flags: BacktestFlags): Promise<void> {
  const plan = checkFlags(flags);
  if (plan.chart !== undefined) await checkChartPath(plan.chart);
  const parsed = parseTraceCsv(await readText(plan.trace), plan.trace);
  if (!parsed.ok) throw new CliError(parsed.error);
  const series = parsed.series;
  checkEvalWindow(series, plan.evalMs, plan.trace);
  const loaded = enginesFor(plan.policies);

  // The oracle first: it is cheap, gives the derived capacity the others then share, and its
  // replica-hours are the reference column.
  const order: PolicyName[] = ['oracle', ...plan.policies.filter((p) => p !== 'oracle')];
  const bar = process.stderr.isTTY
    ? new SingleBar({ format: 'backtest {bar} {value}/{total} policies | {policy}', hideCursor: true, clearOnComplete: true, stream: process.stderr })
    : undefined;
  bar?.start(order.length, 0, { policy: 'oracle' });
  const byName = new Map<PolicyName, PolicyMetrics>();
  const outcomes = new Map<PolicyName, PolicyOutcome>();
  let perReplica = plan.perReplica;
  let window = { evalStart: 0, evalEnd: 0 };
  try {
    for (const [i, name] of order.entries()) {
      bar?.update(i, { policy: name });
      // Drawn now: the policy runs synchronously, so the bar's own timer cannot redraw until it ends.
      bar?.render();
      // Let the event loop run before each policy: the output is flushed and Ctrl-C is handled.
      await new Promise<void>((resolve) => setImmediate(resolve));
      let result;
      try {
        result = runBacktest(series, { warmupMs: plan.warmupMs, evalMs: plan.evalMs, tickMs: TICK_MS, ...(perReplica !== undefined && { perReplica }) }, [name], loaded.engines);
      } catch (err) {
        // The simulator's RangeErrors are about the input (a step that is not a whole number
        // of ticks, a trace without load): the user's to fix, not a crash.
        if (err instanceof RangeError) throw new CliError(`cannot backtest ${plan.trace}: ${err.message}`);
        throw err;
      }
      perReplica = result.perReplica;
      window = { evalStart: result.evalStart, evalEnd: result.evalEnd };
      const outcome = result.policies[0];
      if (outcome !== undefined) {
        byName.set(name, outcome.metrics);
        if (plan.chart !== undefined && plan.policies.includes(name)) outcomes.set(name, outcome);
      }
    }
    bar?.update(order.length, { policy: '' });
  } finally {
    bar?.stop();
  }

  const shown = plan.policies.map((p) => byName.get(p)).filter((m): m is PolicyMetrics => m !== undefined);
  const capacity = perReplica as number;
  const out = (s: string): void => void process.stdout.write(`${s}\n`);
  if (plan.chart !== undefined) {
    const shownOutcomes = plan.policies.flatMap((name) => {
      const outcome = outcomes.get(name);
      return outcome === undefined ? [] : [{ name, outcome }];
    });
    await writeAtomically(plan.chart, backtestChartHtml(chartInput(plan.trace, capacity, plan.warmupMs, shownOutcomes), readUplotAssets()));
    process.stderr.write(`chart written to ${plan.chart}\n`);
  }
  if (plan.json) return out(JSON.stringify(backtestJson(capacity, plan.warmupMs, shown), null, 2));
  const header = describeBacktest({
    source: plan.trace,
    perReplica: capacity,
    derived: plan.perReplica === undefined,
    warmupMs: plan.warmupMs,
    evalStart: window.evalStart,
    evalEnd: window.evalEnd,
    historyMs: window.evalStart - series.start,
    ...(loaded.note !== undefined && { note: loaded.note }),
  });
  out([...header, '', policyTable(shown, byName.get('oracle')?.replicaHours)].join('\n'));
}
