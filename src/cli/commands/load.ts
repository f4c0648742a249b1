// `rollcast load NAME --rps R --duration D`: a bounded load generator. Requests are random
// but valid (built from the model's signature, seeded), sent through the gateway by
// autocannon at a fixed overall rate; prints achieved rate, errors and latency.

import autocannon from 'autocannon';
import { parseDuration } from '../../spec/duration.js';
import type { ApiClient } from '../client.js';
import { CliError } from '../errors.js';
import { mulberry32 } from '../../spec/random.js';
import { randomRequest } from '../random-request.js';

const MAX_DURATION_MS = 10 * 60_000;
const MAX_RPS = 50_000;
/** Distinct bodies per run: enough variety, without building one per request. */
const BODY_POOL = 256;

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

export async function load(api: ApiClient, name: string, o: { rps: number; duration: string; connections: number; seed: number; json?: boolean }): Promise<void> {
  const ms = parseDuration(o.duration);
  if (ms === undefined || ms <= 0) throw new CliError(`--duration "${o.duration}" is not a duration like 30s or 2m`, 2);
  if (ms > MAX_DURATION_MS) throw new CliError(`--duration ${o.duration} is longer than the 10m limit of a load run`, 2);
  if (o.rps > MAX_RPS) throw new CliError(`--rps ${o.rps} is above the limit of ${MAX_RPS}`, 2);
  if (o.connections < 1 || o.connections > 1024) throw new CliError('--connections must be between 1 and 1024', 2);

  const { base, signature } = await api.servedModel(name);
  const rand = mulberry32(o.seed);
  const bodies = Array.from({ length: BODY_POOL }, () => JSON.stringify(randomRequest(signature, rand)));
  let next = 0;

  const durationS = Math.max(1, Math.round(ms / 1000));
  const result = await autocannon({
    url: new URL(`${base}/infer`, api.url).toString(),
    connections: Math.min(o.connections, Math.ceil(o.rps)),
    duration: durationS,
    overallRate: o.rps,
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
    targetRps: o.rps,
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
      `load on ${name}: ${report.requests} requests in ${durationS}s → ${report.achievedRps} req/s (target ${o.rps})`,
      `  ok ${report.ok}, errors ${errors}${result.errors ? ` (connection errors ${result.errors})` : ''}${result.timeouts ? ` (timeouts ${result.timeouts})` : ''}`,
      `  status codes: ${Object.entries(statusCounts).map(([c, n]) => `${c}×${n}`).join(' ') || '-'}`,
      `  latency ms: p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  max ${l.max}`,
      '',
    ].join('\n'),
  );
  if (errors > 0 && report.ok === 0) throw new CliError(`every request failed (${errors} errors)`);
}
