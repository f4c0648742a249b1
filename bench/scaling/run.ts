// `npm run build && node dist/bench/scaling/run.js`: every scaling policy on every trace in
// ../shared/data/traces (or ROLLCAST_DATA_DIR/traces) in one run (issue 4, "Benchmark:
// bench/scaling"): per-replica capacity derived so the evaluation window's p99 needs 20
// replicas, warm-up 2 minutes, 1-minute ticks, the last 7 days scored (window.ts for shorter
// traces), earlier data as history. Prints Markdown (per trace, then the summary) on stdout,
// progress on stderr.
//
// Flags: --traces name1,name2 (file names without .csv, or prefixes); --split tune (score the
// week before the last, never seeing it); --quantile, --utilization, --headroom for
// hybrid/predictive. bench/scaling/decompose.ts splits hybrid's excess by planner part.

import { Command } from 'commander';
import { loadForecastEngines } from '../../src/controller/augurs.js';
import { POLICY_NAMES, runBacktest } from '../../src/sim/index.js';
import { MINUTE } from '../../src/spec/duration.js';
import { dataDir, loadTraces } from '../forecast/data.js';
import { renderSummary, renderTrace, type TraceResult } from './report.js';
import { evalWindow } from './window.js';

const WARMUP_MS = 2 * MINUTE;
const TICK_MS = MINUTE;

const program = new Command()
  .name('bench:scaling')
  .description('every scaling policy on every load trace: replica-hours and unserved load against the oracle')
  .option('--traces <names>', 'only these traces (file names without .csv, or prefixes), comma-separated')
  .option('--split <split>', 'report: score the last 7 days; tune: drop them first and score the 7 days before (for tuning without seeing the scored week)', 'report')
  .option('--quantile <q>', 'forecast quantile for hybrid/predictive (default: the simulator default)', Number)
  .option('--utilization <u>', 'target utilization for hybrid/predictive (default: the simulator default)', Number)
  .option('--headroom <mode>', 'hybrid/predictive headroom: adaptive (default) or forecast (the quantile band, as before issue 4\'s structural change)');

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  const flags = program.parse().opts<{ traces?: string; split: string; quantile?: number; utilization?: number; headroom?: string }>();
  if (flags.split !== 'report' && flags.split !== 'tune') throw new Error(`--split must be report or tune, got ${flags.split}`);
  if (flags.headroom !== undefined && flags.headroom !== 'adaptive' && flags.headroom !== 'forecast') throw new Error(`--headroom must be adaptive or forecast, got ${flags.headroom}`);
  const headroom = flags.headroom;
  const dir = dataDir();
  const filter = flags.traces?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const { traces, unmatched } = await loadTraces(dir, filter);
  if (unmatched.length > 0) log(`--traces: no trace matches ${unmatched.join(', ')}`);
  const engines = loadForecastEngines();

  console.log(`# Scaling benchmark (${flags.split} split${flags.quantile === undefined ? '' : `, hybrid quantile ${flags.quantile}`}${flags.utilization === undefined ? '' : `, utilization ${flags.utilization}`}${headroom === undefined ? '' : `, headroom ${headroom}`})`);
  console.log('');
  console.log(
    `${new Date().toISOString()}; Node ${process.version}; data ${dir}; policies ${POLICY_NAMES.join(', ')}; warm-up 2m, tick 1m; ` +
      'per-replica capacity so the evaluation window’s p99 needs 20 replicas; the last 7 days evaluated, earlier data as history.',
  );
  console.log('');

  const results: TraceResult[] = [];
  const skipped: string[] = [];
  for (const trace of traces) {
    // The tune split never sees the scored week: it is cut off before anything runs.
    const series = flags.split === 'tune' ? { ...trace.series, values: trace.series.values.slice(0, trace.series.values.length - Math.round(7 * 86_400_000 / trace.series.stepMs)) } : trace.series;
    const spanMs = series.values.length * series.stepMs;
    const window = evalWindow(spanMs, TICK_MS);
    if (!window.ok) {
      skipped.push(`${trace.name}: ${window.why}; not scored.`);
      continue;
    }
    const began = performance.now();
    let last = began;
    log(`${trace.name}: ${series.values.length} points, evaluating ${(window.evalMs / 86_400_000).toFixed(2)} days`);
    const result = runBacktest(
      series,
      {
        warmupMs: WARMUP_MS,
        tickMs: TICK_MS,
        evalMs: window.evalMs,
        ...(flags.quantile !== undefined && { quantile: flags.quantile }),
        ...(flags.utilization !== undefined && { utilization: flags.utilization }),
        ...(headroom !== undefined && { headroom }),
        onProgress: (done, total, name) => {
          const now = performance.now();
          log(`  ${done}/${total} ${name} ${((now - last) / 1000).toFixed(1)} s`);
          last = now;
        },
      },
      POLICY_NAMES,
      engines,
    );
    const t: TraceResult = {
      name: trace.name,
      stepMs: series.stepMs,
      spanMs,
      evalMs: result.evalEnd - result.evalStart,
      shortened: window.shortened,
      perReplica: result.perReplica,
      seconds: (performance.now() - began) / 1000,
      policies: result.policies.map((p) => p.metrics),
    };
    results.push(t);
    console.log(renderTrace(t));
    console.log('');
  }
  for (const line of skipped) console.log(line);
  if (skipped.length > 0) console.log('');
  console.log('## Summary');
  console.log('');
  console.log(renderSummary(results));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
