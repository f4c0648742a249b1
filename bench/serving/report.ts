// The serving benchmark's report: one Markdown table (what BENCHMARKS.md quotes) and the
// ratios the issue asks for. Pure: results in, text out (report.test.ts).

import { median, ratio, type RunSummary } from './stats.js';

/**
 * The paths measured. `gateway-wide` is the same gateway with a larger per-replica admission
 * limit (serving.maxConcurrency), to show what the default limit of 4 costs at saturation.
 */
export const PATHS = ['direct', 'gateway', 'gateway-wide', 'nginx'] as const;
export type PathName = (typeof PATHS)[number];

/** CPU used during a measured run, in cores (CPU-seconds per second of the run). */
export interface CpuUse {
  load: number;
  workers: number;
  /** The gateway process, or nginx's master and workers; 0 for direct. */
  proxy: number;
  /** The whole machine's busy CPU minus the three above: kernel work charged to no process, and anything else running. */
  other: number;
}

export interface PathResult {
  saturation: RunSummary;
  /** Paced at a third of direct saturation. */
  moderate: RunSummary;
  /** Paced at a tenth of direct saturation. */
  light: RunSummary;
  /** CPU during the saturation runs (median over rounds). */
  cpu: CpuUse;
}

export interface ReportInput {
  rounds: number;
  saturationConnections: number;
  moderateConnections: number;
  moderateRate: number;
  lightRate: number;
  /** serving.maxConcurrency of the `gateway` and `gateway-wide` paths. */
  maxConcurrency: number;
  wideMaxConcurrency: number;
  paths: Partial<Record<PathName, PathResult>>;
}

export interface Ratios {
  gatewayOverNginx: number;
  gatewayOverDirect: number;
  nginxOverDirect: number;
  wideOverNginx: number;
  wideOverDirect: number;
  /** Latency added at the moderate rate, ms (path minus direct); NaN when a path was not run. */
  gatewayAddedP50: number;
  gatewayAddedP99: number;
  wideAddedP99: number;
  nginxAddedP50: number;
  nginxAddedP99: number;
  /** The same at the light rate. */
  gatewayAddedLightP50: number;
  gatewayAddedLightP99: number;
  nginxAddedLightP50: number;
  nginxAddedLightP99: number;
}

export function ratios(paths: Partial<Record<PathName, PathResult>>): Ratios {
  const rps = (p: PathName) => paths[p]?.saturation.rps ?? Number.NaN;
  const added = (p: PathName, q: 'p50' | 'p99', at: 'moderate' | 'light' = 'moderate') =>
    (paths[p]?.[at][q] ?? Number.NaN) - (paths.direct?.[at][q] ?? Number.NaN);
  return {
    gatewayOverNginx: ratio(rps('gateway'), rps('nginx')),
    gatewayOverDirect: ratio(rps('gateway'), rps('direct')),
    nginxOverDirect: ratio(rps('nginx'), rps('direct')),
    wideOverNginx: ratio(rps('gateway-wide'), rps('nginx')),
    wideOverDirect: ratio(rps('gateway-wide'), rps('direct')),
    gatewayAddedP50: added('gateway', 'p50'),
    gatewayAddedP99: added('gateway', 'p99'),
    wideAddedP99: added('gateway-wide', 'p99'),
    nginxAddedP50: added('nginx', 'p50'),
    nginxAddedP99: added('nginx', 'p99'),
    gatewayAddedLightP50: added('gateway', 'p50', 'light'),
    gatewayAddedLightP99: added('gateway', 'p99', 'light'),
    nginxAddedLightP50: added('nginx', 'p50', 'light'),
    nginxAddedLightP99: added('nginx', 'p99', 'light'),
  };
}

/** Median over rounds of a[i] / b[i]: paths run back to back within a round, so drift between rounds cancels. */
export function perRoundRatio(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  return median(Array.from({ length: n }, (_, i) => ratio(a[i] as number, b[i] as number)));
}

export function pathLabel(path: PathName, input: Pick<ReportInput, 'maxConcurrency' | 'wideMaxConcurrency'>): string {
  switch (path) {
    case 'direct':
      return 'direct to workers';
    case 'gateway':
      return `rollcast gateway (spec maxConcurrency ${input.maxConcurrency})`;
    case 'gateway-wide':
      return `rollcast gateway (admission limit ${input.wideMaxConcurrency})`;
    case 'nginx':
      return 'nginx';
  }
}

const ms = (v: number) => (Number.isNaN(v) ? '–' : v.toFixed(2));
const rps = (v: number) => (Number.isNaN(v) ? '–' : Math.round(v).toLocaleString('en-US'));
const x = (v: number) => (Number.isNaN(v) ? '–' : `${v.toFixed(2)}×`);
const cores = (v: number) => v.toFixed(2);
const signed = (v: number) => (Number.isNaN(v) ? '–' : `${v >= 0 ? '+' : '−'}${Math.abs(v).toFixed(2)} ms`);


/** Proxy CPU per proxied request in microseconds: cores × 1e6 / (requests per second). */
export function proxyMicrosPerRequest(r: PathResult): number {
  return r.saturation.rps > 0 ? (r.cpu.proxy * 1e6) / r.saturation.rps : Number.NaN;
}

export function renderReport(input: ReportInput): string {
  const r = ratios(input.paths);
  const rows = PATHS.flatMap((name) => {
    const p = input.paths[name];
    if (!p) return [];
    const failures = [p.saturation, p.moderate, p.light].reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0);
    const perReq = name === 'direct' ? '–' : proxyMicrosPerRequest(p).toFixed(0);
    return [
      `| ${pathLabel(name, input)} | ${rps(p.saturation.rps)} | ${ms(p.saturation.p50)} | ${ms(p.saturation.p99)} | ${ms(p.moderate.p50)} | ${ms(p.moderate.p99)} | ${ms(p.light.p50)} | ${ms(p.light.p99)} | ${cores(p.cpu.workers)} / ${cores(p.cpu.proxy)} / ${cores(p.cpu.load)} / ${cores(p.cpu.other)} | ${perReq} | ${failures} |`,
    ];
  });
  const ratioRows: [string, string][] = [
    ['gateway / nginx (throughput)', x(r.gatewayOverNginx)],
    ['gateway / direct (throughput)', x(r.gatewayOverDirect)],
    ['nginx / direct (throughput)', x(r.nginxOverDirect)],
    [`gateway with admission limit ${input.wideMaxConcurrency} / nginx`, x(r.wideOverNginx)],
    [`gateway with admission limit ${input.wideMaxConcurrency} / direct`, x(r.wideOverDirect)],
    ['gateway: latency added at the moderate rate, p50 / p99', `${signed(r.gatewayAddedP50)} / ${signed(r.gatewayAddedP99)}`],
    ['nginx: latency added at the moderate rate, p50 / p99', `${signed(r.nginxAddedP50)} / ${signed(r.nginxAddedP99)}`],
    ['gateway: latency added at the light rate, p50 / p99', `${signed(r.gatewayAddedLightP50)} / ${signed(r.gatewayAddedLightP99)}`],
    ['nginx: latency added at the light rate, p50 / p99', `${signed(r.nginxAddedLightP50)} / ${signed(r.nginxAddedLightP99)}`],
  ];
  return [
    `| path | saturation req/s | sat. p50 ms | sat. p99 ms | moderate p50 ms | moderate p99 ms | light p50 ms | light p99 ms | CPU cores at saturation: workers / proxy / load / other | proxy CPU µs per request | non-2xx + errors |`,
    `|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|`,
    ...rows,
    '',
    `Saturation: ${input.saturationConnections} connections, closed loop. Moderate: ${Math.round(input.moderateRate)} req/s (a third of direct saturation), light: ${Math.round(input.lightRate)} req/s (a tenth), each evenly paced over ${input.moderateConnections} connections. Medians of ${input.rounds} rounds.`,
    '',
    `| ratio | value |`,
    `|---|--:|`,
    ...ratioRows.filter(([, v]) => !v.startsWith('–')).map(([k, v]) => `| ${k} | ${v} |`),
  ].join('\n');
}
