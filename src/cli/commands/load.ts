// `rollcast load NAME`: a bounded load generator, in one of two forms.
//
// - `--rps R --duration D`: a fixed rate, sent by autocannon; at most 10 minutes. Here.
// - `--trace FILE --speedup K [--scale F] [--from TIME] [--duration D]`: a trace replayed
//   against the deployment, following the controller's clock. In load-trace.ts.
//
// This file holds the flags of both, which form they ask for, and the fixed-rate form.
// Requests are random but valid (built from the model's signature, seeded; load-shared.ts).

import autocannon from 'autocannon';
import { parseDuration } from '../../spec/duration.js';
import type { ApiClient } from '../client.js';
import { CliError } from '../errors.js';
import { loadTrace, type LoadEnv } from './load-trace.js';
import { BODY_POOL, checkConnections, MAX_RPS, requestBodies, USAGE } from './load-shared.js';

export const MAX_DURATION_MS = 10 * 60_000;

/** The flags of both forms, as commander gives them. */
export interface LoadOptions {
  rps?: number;
  trace?: string;
  speedup?: number;
  scale?: number;
  from?: string;
  duration?: string;
  connections?: number;
  seed: number;
  json?: boolean;
}

export interface LoadReport {
  deployment: string;
  targetRps: number;
  durationS: number;
  requests: number;
  achievedRps: number;
  ok: number;
  errors: number;
  statusCounts: Record<string, number>;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

/** Which form the flags ask for; flags of the other form are errors, not ignored. */
export function checkLoadMode(o: LoadOptions): 'rps' | 'trace' {
  if (o.rps !== undefined && o.trace !== undefined) throw new CliError('--rps and --trace cannot be used together: pick a fixed rate or a trace replay', USAGE);
  if (o.rps === undefined && o.trace === undefined) {
    throw new CliError('give --rps R --duration D (a fixed rate) or --trace FILE --speedup K (a trace replay)', USAGE);
  }
  if (o.rps !== undefined) {
    const given = ([['--speedup', o.speedup], ['--scale', o.scale], ['--from', o.from]] as const).filter(([, v]) => v !== undefined).map(([f]) => f);
    if (given.length > 0) throw new CliError(`${given.join(', ')} ${given.length === 1 ? 'applies' : 'apply'} to --trace only`, USAGE);
    if (o.duration === undefined) throw new CliError('--rps needs --duration: how long, e.g. 30s or 2m (at most 10m)', USAGE);
    return 'rps';
  }
  if (o.speedup === undefined) {
    throw new CliError('--trace needs --speedup K: how many times faster than real time to replay it (the speedup `rollcast up --speedup K` runs at)', USAGE);
  }
  return 'trace';
}

const realEnv: LoadEnv = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  print: (text) => void process.stdout.write(text),
  progress: process.stderr.isTTY === true,
};

export async function load(api: ApiClient, name: string, o: LoadOptions, env: LoadEnv = realEnv): Promise<void> {
  if (checkLoadMode(o) === 'trace') return loadTrace(api, name, o, env);
  await loadRps(api, name, o, o.rps as number, o.duration as string);
}

async function loadRps(api: ApiClient, name: string, o: LoadOptions, rps: number, duration: string): Promise<void> {
  const ms = parseDuration(duration);
  if (ms === undefined || ms <= 0) throw new CliError(`--duration "${duration}" is not a duration like 30s or 2m`, USAGE);
  if (ms > MAX_DURATION_MS) throw new CliError(`--duration ${duration} is longer than the 10m limit of a load run`, USAGE);
  if (rps > MAX_RPS) throw new CliError(`--rps ${rps} is above the limit of ${MAX_RPS}`, USAGE);
  const connections = checkConnections(o.connections ?? 16);

  const { url, bodies } = await requestBodies(api, name, o.seed);
  let next = 0;
  const durationS = Math.max(1, Math.round(ms / 1000));
  const result = await autocannon({
    url: url.toString(),
    connections: Math.min(connections, Math.ceil(rps)),
    duration: durationS,
    overallRate: rps,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, body: bodies[next++ % BODY_POOL] }),
      },
    ],
  });
  const statusCounts: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCounts[code] = (stat as { count: number }).count;
  const errors = result.non2xx + result.errors + result.timeouts;
  const report: LoadReport = {
    deployment: name,
    targetRps: rps,
    durationS,
    requests: result.requests.total,
    achievedRps: Math.round((result.requests.total / durationS) * 10) / 10,
    ok: result['2xx'],
    errors,
    statusCounts,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max, mean: result.latency.mean },
  };
  if (o.json) return void process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  const l = report.latencyMs;
  process.stdout.write(
    [
      `load on ${name}: ${report.requests} requests in ${durationS}s → ${report.achievedRps} req/s (target ${rps})`,
      `  ok ${report.ok}, errors ${errors}${result.errors ? ` (connection errors ${result.errors})` : ''}${result.timeouts ? ` (timeouts ${result.timeouts})` : ''}`,
      `  status codes: ${Object.entries(statusCounts).map(([c, n]) => `${c}×${n}`).join(' ') || '-'}`,
      `  latency ms: p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  max ${l.max}`,
      '',
    ].join('\n'),
  );
  if (errors > 0 && report.ok === 0) throw new CliError(`every request failed (${errors} errors)`);
}
