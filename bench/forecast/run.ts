// `npm run bench:forecast`: rollcast's forecast() against the baselines and against R's
// forecast package (stlf, mstl, tbats) on the same series in the same run (see BENCHMARKS.md,
// "Forecasting (issue 3)", for the setup and how to read the numbers).
//
// 1. M4 hourly (414 series): forecast 48 points from each series' history; sMAPE, MASE and
//    OWA exactly as M4 scored them, next to the published M4 rows.
// 2. Load traces (../shared/data/traces): one-day forecasts from each day boundary of the last
//    week, fitted on up to 14 days; MASE on the daily seasonal naive's scale, sMAPE, 0.9
//    coverage, time per origin.
// Each part runs the Node side first, then R in one Rscript process (never both at once: the
// machine has two cores and the times must be comparable).
//
// Flags:
//   --part m4|traces|all   --split report|tune   --r / --no-r (default: R when available)
//   --r-methods stlf,mstl,tbats   --traces name1,name2   --m4-limit N   --m4-every K   --json FILE
//   --r-timeout-per-fit S (default 600)   --r-tbats-parallel (default off)   --fit-days N (default 14)

import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { Command, InvalidArgumentError, Option } from 'commander';
import { loadForecastEngines } from '../../src/controller/augurs.js';
import { dataDir, loadM4Hourly, loadPublishedAccuracy, loadTraces, rScript } from './data.js';
import { runM4Part, type M4PartResult } from './m4-part.js';
import { SPLITS, type Split } from './origins.js';
import { detectR, R_MISSING } from './r-side.js';
import { parsePublishedAccuracy, R_METHODS, renderM4, renderTrace, renderTraceSummary, rKey, selectPublished, summarizeTraces, type RMethod } from './report.js';
import { runTracesPart, type TracesPartResult } from './traces-part.js';

const positiveInt = (what: string) => (text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${what} must be a whole number ≥ 1`);
  return n;
};

const rMethodList = (text: string): RMethod[] => {
  const list = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = list.filter((m) => !(R_METHODS as readonly string[]).includes(m));
  if (bad.length > 0) throw new InvalidArgumentError(`unknown R method(s) ${bad.join(', ')}; choose from ${R_METHODS.join(', ')}`);
  return list as RMethod[];
};

const program = new Command()
  .name('bench:forecast')
  .description('rollcast forecast() vs seasonal naive, Naive2 and R forecast (stlf, mstl, tbats) on M4 hourly and the load traces')
  .addOption(new Option('--part <part>', 'which part to run').choices(['m4', 'traces', 'all']).default('all'))
  .addOption(new Option('--split <split>', 'report: score the last 48 points / last week; tune: drop those first, score the ones before').choices(SPLITS).default('report'))
  .option('--r', 'run the R side (the default when Rscript and the forecast package are found)')
  .option('--no-r', 'skip the R side')
  .option('--r-methods <list>', 'R methods, comma-separated', rMethodList, [...R_METHODS])
  .option('--r-timeout-per-fit <seconds>', 'stop an R fit after this long and record a timeout', positiveInt('--r-timeout-per-fit'), 600)
  .option('--r-tbats-parallel', "let tbats use R's parallel package (2 cores); off so R's times are single-core like ours", false)
  .option('--traces <names>', 'only these traces (file names without .csv, or prefixes), comma-separated')
  .option('--m4-limit <n>', 'only the first N M4 series (quick runs)', positiveInt('--m4-limit'))
  .option('--m4-every <k>', "only every K-th M4 series (H1, H1+K, …): a fixed sample for R's tbats, which takes ~25 s per hourly series", positiveInt('--m4-every'))
  .option('--fit-days <n>', 'longest fit window for the traces, days', positiveInt('--fit-days'), 14)
  .option('--json <file>', 'write the raw results (per series / per origin scores, R statuses) to FILE');

interface Flags {
  part: 'm4' | 'traces' | 'all';
  split: Split;
  /** undefined: neither --r nor --no-r given (auto). */
  r?: boolean;
  rMethods: RMethod[];
  rTimeoutPerFit: number;
  rTbatsParallel: boolean;
  traces?: string;
  m4Limit?: number;
  m4Every?: number;
  fitDays: number;
  json?: string;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const flags = program.parse().opts<Flags>();
  const dir = dataDir();
  const engines = loadForecastEngines();

  let rVersion: string | undefined;
  let rSkippedBecause = 'disabled with --no-r';
  if (flags.r !== false) {
    const r = detectR();
    if (r.ok) {
      rVersion = r.version;
    } else {
      console.log(R_MISSING);
      log(`  (${r.why})`);
      rSkippedBecause = 'R with the forecast package not found';
    }
  }
  const rMethods = rVersion === undefined ? [] : flags.rMethods;
  const r =
    rVersion === undefined || rMethods.length === 0
      ? undefined
      : { methods: rMethods, version: rVersion, run: { script: rScript(), timeoutPerFitS: flags.rTimeoutPerFit, tbatsParallel: flags.rTbatsParallel } };
  if (rVersion !== undefined && rMethods.length === 0) rSkippedBecause = 'no R method selected';

  console.log(`# Forecasting benchmark (${flags.split} split)`);
  console.log('');
  console.log(`${new Date().toISOString()}; Node ${process.version}; ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}; data ${dir}; R: ${rVersion ?? rSkippedBecause}`);
  console.log('');

  const raw: {
    settings: Flags & { dataDir: string; rVersion?: string };
    m4?: Omit<M4PartResult, 'report'> & Pick<M4PartResult['report'], 'methods' | 'oursModels'>;
    traces?: TracesPartResult;
  } = { settings: { ...flags, dataDir: dir, ...(rVersion !== undefined && { rVersion }) } };
  const saveJson = async () => {
    if (flags.json !== undefined) await writeFile(flags.json, `${JSON.stringify(raw, null, 1)}\n`);
  };
  const partOptions = { split: flags.split, engines, rSkippedBecause, log, ...(r && { r }) };

  if (flags.part === 'm4' || flags.part === 'all') {
    const series = await loadM4Hourly(dir);
    const published = selectPublished(parsePublishedAccuracy(await loadPublishedAccuracy(dir)));
    const result = await runM4Part(series, { ...partOptions, ...(flags.m4Limit !== undefined && { limit: flags.m4Limit }), ...(flags.m4Every !== undefined && { every: flags.m4Every }) });
    console.log(renderM4({ ...result.report, published }));
    console.log('');
    console.log(`Node side ${result.nodeSeconds.toFixed(1)} s${result.rProcessSeconds === undefined ? '' : `, Rscript process ${result.rProcessSeconds.toFixed(0)} s`}.`);
    console.log('');
    const { report, ...rest } = result;
    raw.m4 = { ...rest, methods: report.methods, oursModels: report.oursModels };
    await saveJson();
  }

  if (flags.part === 'traces' || flags.part === 'all') {
    const filter = flags.traces?.split(',').map((s) => s.trim()).filter((s) => s !== '');
    const { traces, unmatched } = await loadTraces(dir, filter);
    if (unmatched.length > 0) log(`--traces: no trace matches ${unmatched.join(', ')}`);
    const result = await runTracesPart(traces, { ...partOptions, fitDays: flags.fitDays });
    console.log(`## Load traces (${flags.split} split): one-day horizon from each day boundary of the last week`);
    console.log('');
    for (const t of result.traces) {
      console.log(renderTrace(t));
      console.log('');
    }
    for (const t of result.tooShort) console.log(`${t.name}: too short for the ${flags.split} split (${t.points} points, ${(t.points / t.day).toFixed(1)} days); not scored.\n`);
    const rKeys = rMethods.map(rKey);
    console.log(renderTraceSummary(summarizeTraces(result.traces, rKeys), rKeys));
    console.log('');
    console.log(
      `MASE: MAE over the day divided by the in-sample MAE of the daily seasonal naive on that origin's fit window (the same scale for every method), averaged over origins. Coverage: share of held-out points at or below the 0.9 quantile (R: upper bound of the 80 % interval). ${result.rNote}`,
    );
    console.log('');
    console.log(`Node side ${result.nodeSeconds.toFixed(1)} s${result.rProcessSeconds === undefined ? '' : `, Rscript process ${result.rProcessSeconds.toFixed(0)} s`}.`);
    raw.traces = result;
    await saveJson();
  }
  if (flags.json !== undefined) log(`raw results written to ${flags.json}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
