// `npm run build && node dist/bench/scaling/decompose.js --split tune`: where hybrid's excess
// replica-hours and its unserved load come from (issue 4, tuning aid). Runs hybrid, the oracle
// and the two judged peers with the same setup as run.ts, then splits hybrid's replica-ticks
// above the oracle's, and its unserved load, by the part of the planner that set the count at
// that tick (`decidedBy`: forecast, forecast-led scale-in, reactive, tolerance,
// stabilization, cooldown, burst).
//
// Forecasts are cached on disk (--cache, default $TMPDIR/rollcast-scaling-cache): a refit
// depends only on the history before it, never on the policy, so the cache returns the same
// values the forecaster would and iterating on the planner takes seconds instead of minutes.
// The cache holds the median and the 0.75/0.9/0.95 quantiles of every hourly refit.
// Use only on the tune split while tuning (run.ts says why).

import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { loadForecastEngines } from '../../src/controller/augurs.js';
import { forecast, quantileKey } from '../../src/forecast/forecast.js';
import type { RegularSeries } from '../../src/forecast/series.js';
import { hybridPolicy, runBacktest, type PolicyOutcome } from '../../src/sim/index.js';
import type { StoredForecast } from '../../src/sim/planner-policy.js';
import { MINUTE } from '../../src/spec/duration.js';
import type { HeadroomMode } from '../../src/spec/types.js';
import { dataDir, loadTraces } from '../forecast/data.js';
import { judgeHybrid, markdownTable, percent, times } from './report.js';
import { evalWindow } from './window.js';

const LEVELS = [0.5, 0.75, 0.9, 0.95];


const program = new Command()
  .option('--traces <names>', 'only these traces')
  .option('--split <split>', 'report or tune', 'tune')
  .option('--quantile <q>', 'hybrid quantile', Number)
  .option('--utilization <u>', 'hybrid utilization', Number)
  .option('--headroom <mode>', 'forecast or adaptive')
  .option('--cache <dir>', 'forecast cache directory', join(tmpdir(), 'rollcast-scaling-cache'));

type Cache = Record<string, { start: number; stepMs: number; levels: Record<string, number[]> } | null>;


async function main(): Promise<void> {
  const flags = program.parse().opts<{ traces?: string; split: string; quantile?: number; utilization?: number; headroom?: string; cache: string }>();
  const filter = flags.traces?.split(',').map((s) => s.trim());
  const { traces } = await loadTraces(dataDir(), filter);
  const engines = loadForecastEngines();
  mkdirSync(flags.cache, { recursive: true });
  const rows: string[][] = [];
  let warned = false;
  for (const trace of traces) {
    const series = flags.split === 'tune' ? { ...trace.series, values: trace.series.values.slice(0, trace.series.values.length - Math.round((7 * 86_400_000) / trace.series.stepMs)) } : trace.series;
    const window = evalWindow(series.values.length * series.stepMs, MINUTE);
    if (!window.ok) continue;
    const file = join(flags.cache, `${trace.name}.${flags.split}.json`);
    const cache: Cache = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Cache) : {};
    let dirty = false;
    const forecaster = (history: RegularSeries, q: number, horizonMs: number): StoredForecast | undefined => {
      const key = `${history.start}:${history.values.length}:${horizonMs}`;
      if (!(key in cache)) {
        const horizonSteps = Math.max(1, Math.ceil(horizonMs / history.stepMs));
        const out = history.values.length === 0 ? undefined : forecast({ series: history, horizonSteps, quantiles: LEVELS, nonNegative: true, engines });
        cache[key] = out?.ok === true ? { start: out.forecast.start, stepMs: out.forecast.stepMs, levels: Object.fromEntries(LEVELS.map((l) => [quantileKey(l), [...(out.forecast.quantiles[quantileKey(l)] ?? [])]])) } : null;
        dirty = true;
      }
      const c = cache[key];
      if (c === null || c === undefined) return undefined;
      // Adaptive headroom reads the quantile forecast only for its starting scale: a level
      // that is not cached falls back to the nearest cached one (said once on stderr).
      const nearest = LEVELS.reduce((a, b) => (Math.abs(b - q) < Math.abs(a - q) ? b : a));
      if (nearest !== q && !warned) {
        process.stderr.write(`quantile ${q} not cached: the ${nearest} forecast stands in for it\n`);
        warned = true;
      }
      const values = c.levels[quantileKey(nearest)];
      if (values === undefined) throw new Error(`quantile ${nearest} missing from the cache`);
      return { start: c.start, stepMs: c.stepMs, values, ...(c.levels['0.5'] && { median: c.levels['0.5'] }) };
    };
    const hybrid = hybridPolicy({
      forecaster,
      ...(flags.quantile !== undefined && { quantile: flags.quantile }),
      ...(flags.utilization !== undefined && { utilization: flags.utilization }),
      ...(flags.headroom !== undefined && { headroom: flags.headroom as HeadroomMode }),
    });
    const result = runBacktest(series, { warmupMs: 2 * MINUTE, tickMs: MINUTE, evalMs: window.evalMs }, ['oracle', 'reactive', 'aws-like', hybrid], engines);
    if (dirty) writeFileSync(file, JSON.stringify(cache));
    const [oracle, , , ours] = result.policies as [PolicyOutcome, PolicyOutcome, PolicyOutcome, PolicyOutcome];
    const verdict = judgeHybrid(result.policies.map((p) => p.metrics));
    // Excess replica-ticks and unserved rps·ticks by the part that decided.
    const excess = new Map<string, number>();
    const short = new Map<string, number>();
    let oracleTicks = 0;
    let arrivals = 0;
    const by = ours.series.decidedBy ?? [];
    for (let i = ours.evalFrom; i < ours.series.desired.length; i++) {
      const k = by[i] ?? '?';
      const od = oracle.series.desired[i] as number;
      oracleTicks += od;
      arrivals += ours.series.load[i] as number;
      excess.set(k, (excess.get(k) ?? 0) + (ours.series.desired[i] as number) - od);
      // A shortfall at tick i was decided warm-up ticks earlier at the latest; charge the decision at i − 2.
      const j = Math.max(ours.evalFrom, i - 2);
      const kj = by[j] ?? '?';
      short.set(kj, (short.get(kj) ?? 0) + (ours.series.unserved[i] as number));
    }
    const part = (m: Map<string, number>, total: number) => [...m.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / total).toFixed(3)}`).join(', ');
    const peer = (name: string) => result.policies.find((p) => p.metrics.policy === name)?.metrics;
    const r = peer('reactive');
    const a = peer('aws-like');
    rows.push([
      trace.name.slice(0, 14),
      `${times(verdict?.ratio ?? NaN)} / ${percent(ours.metrics.unservedShare)}`,
      r === undefined ? '' : `${times(r.replicaHours / oracle.metrics.replicaHours)} / ${percent(r.unservedShare)}`,
      a === undefined ? '' : `${times(a.replicaHours / oracle.metrics.replicaHours)} / ${percent(a.unservedShare)}`,
      verdict?.met === true ? 'yes' : 'no',
      part(excess, oracleTicks),
      part(short, arrivals),
    ]);
    process.stderr.write(`${trace.name} done\n`);
  }
  console.log(markdownTable(['trace', 'hybrid ×o / unserved', 'reactive', 'aws-like', 'met', 'excess ÷ oracle by part', 'unserved ÷ arrivals by part (t−2)'], ['l', 'r', 'r', 'r', 'l', 'l', 'l'], rows));
  console.log(`\nmet on ${rows.filter((r) => r[4] === 'yes').length} of ${rows.length}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exitCode = 1;
});
