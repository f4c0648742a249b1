// `rollcast backtest --chart out.html`: one self-contained HTML page (no network) with a uPlot
// chart of the evaluation window: demand in replicas (load / perReplica) and each policy's
// ready replicas, as step lines; for a forecasting policy (hybrid, predictive) also the
// forecast band it held — its median and the load it provisioned for — converted to replicas
// the same way as the demand (÷ perReplica), so the band sits on the demand's scale. uPlot's IIFE build and CSS are inlined from node_modules,
// read at run time (`readUplotAssets`); the data is an inline JSON block
// (`<script type="application/json" id="chart-data">`) the page's own script reads.
//
// `backtestChartData` and `backtestChartHtml` are pure (the unit tests call them with
// hand-made input); `readUplotAssets` is the only file access.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { formatDuration } from '../spec/duration.js';

export interface ChartPolicy {
  readonly name: string;
  /** Ready replicas per tick of the evaluation window. */
  readonly ready: readonly number[];
  /**
   * The forecast the policy held per tick (rps; NaN where it had none): the median and the
   * load its predictive part provisioned for (src/sim HeldForecast).
   */
  readonly forecast?: { readonly median: readonly number[]; readonly provisioned: readonly number[] };
}

export interface ChartInput {
  /** The trace's name (the title). */
  readonly trace: string;
  readonly perReplica: number;
  readonly warmupMs: number;
  readonly tickMs: number;
  /** Epoch ms of the evaluation window's first tick. */
  readonly start: number;
  /** Arrivals per tick of the evaluation window, rps. */
  readonly load: readonly number[];
  readonly policies: readonly ChartPolicy[];
}

/** The inline JSON: x in epoch seconds, then one column per series (aligned, uPlot's layout). */
export interface ChartData {
  readonly title: string;
  readonly x: number[];
  /** null is a gap (no forecast at that tick). */
  readonly series: { readonly label: string; readonly values: (number | null)[]; readonly kind?: 'forecast' }[];
  /** Pairs of series indices (into `series`) to shade between: [upper, lower]. */
  readonly bands?: [number, number][];
}

export interface UplotAssets {
  readonly js: string;
  readonly css: string;
}

/** Replica counts with 3 decimals (the file stays small; demand is fractional). */
const round3 = (v: number): number => (Number.isFinite(v) ? Math.round(v * 1000) / 1000 : 0);

/** A capacity with 3 significant digits: 8.1234 → "8.12". */
const capacity = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : String(Number(v.toPrecision(3))));

export function chartTitle(input: Pick<ChartInput, 'trace' | 'perReplica' | 'warmupMs'>): string {
  return `backtest of ${input.trace}: ${capacity(input.perReplica)} rps per replica, warm-up ${formatDuration(input.warmupMs)}`;
}

/** A load in replicas (÷ perReplica, 3 decimals), or null for a gap (NaN). */
const replicasOrGap = (v: number, perReplica: number): number | null => (Number.isFinite(v) ? round3(v / perReplica) : null);

/**
 * The columns: tick timestamps (s), demand in replicas, then each policy's ready replicas,
 * then per forecasting policy its forecast median and provisioned load in replicas, with the
 * band between them listed in `bands`.
 */
export function backtestChartData(input: ChartInput): ChartData {
  const n = input.load.length;
  for (const p of input.policies) {
    if (p.ready.length !== n) throw new RangeError(`chart: ${p.name} has ${p.ready.length} ticks, the load ${n}`);
    if (p.forecast !== undefined && (p.forecast.median.length !== n || p.forecast.provisioned.length !== n)) {
      throw new RangeError(`chart: ${p.name}'s forecast has ${p.forecast.median.length}/${p.forecast.provisioned.length} ticks, the load ${n}`);
    }
  }
  const x = Array.from({ length: n }, (_, i) => (input.start + i * input.tickMs) / 1000);
  const series: ChartData['series'][number][] = [
    { label: 'demand (replicas)', values: input.load.map((l) => round3(l / input.perReplica)) },
    ...input.policies.map((p) => ({ label: p.name, values: p.ready.map(round3) })),
  ];
  const bands: [number, number][] = [];
  for (const p of input.policies) {
    if (p.forecast === undefined) continue;
    series.push({ label: `${p.name} forecast median (replicas)`, kind: 'forecast', values: p.forecast.median.map((v) => replicasOrGap(v, input.perReplica)) });
    series.push({ label: `${p.name} provisioned for (replicas)`, kind: 'forecast', values: p.forecast.provisioned.map((v) => replicasOrGap(v, input.perReplica)) });
    bands.push([series.length - 1, series.length - 2]);
  }
  return { title: chartTitle(input), x, series, ...(bands.length > 0 && { bands }) };
}

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** JSON safe inside a <script> element: no `</script>`, no U+2028/2029 surprises. */
export const scriptJson = (value: unknown): string =>
  JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** The page's own script: reads the JSON block and draws it. Plain ES2017, no modules. */
const PAGE_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('chart-data').textContent);
  var colors = ['#222222', '#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];
  var stepped = uPlot.paths.stepped({ align: 1 });
  var series = [{ label: 'time (UTC)', value: '{YYYY}-{MM}-{DD} {HH}:{mm}' }];
  data.series.forEach(function (s, i) {
    if (s.kind === 'forecast') {
      series.push({ label: s.label, stroke: '#9467bd', width: 1, dash: [2, 3], paths: stepped, points: { show: false } });
      return;
    }
    series.push({ label: s.label, stroke: colors[i % colors.length], width: i === 0 ? 2 : 1.5, dash: i === 0 ? [6, 3] : undefined, paths: stepped, points: { show: false } });
  });
  // uPlot series indices are shifted by one: index 0 is x.
  var bands = (data.bands || []).map(function (b) { return { series: [b[0] + 1, b[1] + 1], fill: 'rgba(148,103,189,0.15)' }; });
  var columns = [data.x].concat(data.series.map(function (s) { return s.values; }));
  var el = document.getElementById('chart');
  var size = function () { return { width: Math.max(400, window.innerWidth - 40), height: Math.max(300, window.innerHeight - 160) }; };
  var opts = Object.assign(size(), {
    tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
    series: series,
    bands: bands,
    axes: [{}, { label: 'replicas' }],
    scales: { x: { time: true } },
    cursor: { drag: { x: true, y: false } },
  });
  var plot = new uPlot(opts, columns, el);
  window.addEventListener('resize', function () { plot.setSize(size()); });
})();
`;

/** The whole page. `assets` is uPlot's JS and CSS (readUplotAssets), inlined. */
export function backtestChartHtml(input: ChartInput, assets: UplotAssets): string {
  const data = backtestChartData(input);
  // Defensive: neither asset should close its element early.
  const js = assets.js.replace(/<\/script/gi, '<\\/script');
  const css = assets.css.replace(/<\/style/gi, '<\\/style');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(data.title)}</title>`,
    `<style>${css}</style>`,
    '<style>body{font-family:system-ui,sans-serif;margin:20px;color:#222}h1{font-size:1.1em;font-weight:600}p{color:#555;font-size:.9em}</style>',
    '</head>',
    '<body>',
    `<h1>${escapeHtml(data.title)}</h1>`,
    `<p>Evaluation window, one point per ${escapeHtml(formatDuration(input.tickMs))} tick (UTC). Dashed: demand in replicas (load ÷ per-replica capacity); solid: each policy’s ready replicas; dotted, shaded between: the forecast a forecasting policy held (its median, and the load it provisioned for), in replicas. Drag to zoom, double-click to reset.</p>`,
    '<div id="chart"></div>',
    `<script type="application/json" id="chart-data">${scriptJson(data)}</script>`,
    `<script>${js}</script>`,
    `<script>${PAGE_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * uPlot's IIFE build and CSS, read from the installed package. Its package.json has no
 * `exports` map that would list the dist files, so the package's main entry is resolved and
 * its directory (dist/) used.
 */
export function readUplotAssets(): UplotAssets {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('uplot'));
  return {
    js: readFileSync(join(dist, 'uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(join(dist, 'uPlot.min.css'), 'utf8'),
  };
}
