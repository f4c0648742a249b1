// `npm run bench:serving`: the rollcast gateway against nginx and against no proxy at all,
// on the same worker processes in one run (see BENCHMARKS.md, "Serving: gateway vs nginx
// vs direct", for the setup, the numbers and how to read them).
//
// 1. Start the workers (forked like the local target does), the gateway in its own process,
//    nginx as a child, and the load generator (autocannon) in its own process.
// 2. Check that every path answers the fixed request with the same body.
// 3. Saturation: per round, per path (order rotated each round), a warm-up run and a
//    measured closed-loop run; CPU time of each process is read from /proc around it.
// 4. Paced runs at a third (moderate) and a tenth (light) of direct saturation (median),
//    same rounds.
// 5. Print the table and ratios (medians over rounds); write JSON next to it.
//
// Flags (for experiments; the defaults are what BENCHMARKS.md reports):
//   --workers N --connections N --duration S --paced-duration S --warmup S --rounds N --moderate-connections N
//   --nginx-workers N|auto --paths direct,gateway,gateway-wide,nginx --no-moderate (skips the paced runs)
//   --max-concurrency N --wide-max-concurrency N --prof-gateway DIR --out FILE

import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { admissionLimits } from '../../src/serving/replica-set.js';
import { DEFAULTS } from '../../src/spec/defaults.js';
import { CLOCK_TICKS_PER_SECOND, cpuTicks, killAllNow, machineBusyTicks, stopAll } from './children.js';
import { startGatewayProcess, startLoadProcess, type LoadGenerator, type RunningGateway } from './launch.js';
import type { GatewayProcessConfig, LoadSpec } from './messages.js';
import { findNginx, nginxVersion, startNginx, type RunningNginx } from './nginx.js';
import { PATHS, perRoundRatio, ratios, renderReport, type CpuUse, type PathName, type PathResult } from './report.js';
import { combineRounds, median, roundOrder, type RunSummary } from './stats.js';
import { startWorkers, WORKER_ENTRY, type BenchWorker } from './workers.js';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const MODEL = { name: 'penguins', version: '1', path: join(REPO, 'examples/models/penguins-v1.onnx') };
/** One valid batch-1 request (an Adelie penguin), the same bytes on every path. */
const BODY = JSON.stringify({ inputs: [{ name: 'features', shape: [1, 4], datatype: 'FP32', data: [39.1, 18.7, 181, 3750] }] });
const INFER_PATH = `/v2/models/${MODEL.name}/infer`;

const { values: flags } = parseArgs({
  options: {
    workers: { type: 'string', default: '2' },
    connections: { type: 'string', default: '64' },
    'moderate-connections': { type: 'string', default: '48' },
    duration: { type: 'string', default: '6' },
    'paced-duration': { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    rounds: { type: 'string', default: '3' },
    'nginx-workers': { type: 'string', default: '1' },
    paths: { type: 'string', default: PATHS.join(',') },
    'no-moderate': { type: 'boolean', default: false },
    'prof-gateway': { type: 'string' },
    out: { type: 'string' },
    'max-concurrency': { type: 'string' },
    'wide-max-concurrency': { type: 'string', default: '16' },
  },
});

const settings = {
  workers: Number(flags.workers),
  connections: Number(flags.connections),
  moderateConnections: Number(flags['moderate-connections']),
  durationS: Number(flags.duration),
  pacedDurationS: Number(flags['paced-duration']),
  warmupS: Number(flags.warmup),
  rounds: Number(flags.rounds),
  nginxWorkers: flags['nginx-workers'] === 'auto' ? ('auto' as const) : Number(flags['nginx-workers']),
  paths: (flags.paths ?? '').split(',').filter((p): p is PathName => (PATHS as readonly string[]).includes(p)),
  moderate: !flags['no-moderate'],
  // The demo spec's serving section (examples/penguins.yaml = the defaults), on every path.
  serving: { ...DEFAULTS.serving, ...(flags['max-concurrency'] && { maxConcurrency: Number(flags['max-concurrency']) }) },
  wideMaxConcurrency: Number(flags['wide-max-concurrency']),
};

interface Env {
  workers: BenchWorker[];
  gateway?: RunningGateway;
  gatewayWide?: RunningGateway;
  nginx?: RunningNginx;
  load: LoadGenerator;
}

function urlsOf(env: Env, path: PathName): string[] {
  switch (path) {
    case 'direct':
      // One autocannon instance over all workers: connection i goes to worker i mod n, so the
      // connections (and the load) split evenly, and the throughput is the sum.
      return env.workers.map((w) => `http://127.0.0.1:${w.port}${INFER_PATH}`);
    case 'gateway':
      return [`http://127.0.0.1:${env.gateway!.port}${INFER_PATH}`];
    case 'gateway-wide':
      return [`http://127.0.0.1:${env.gatewayWide!.port}${INFER_PATH}`];
    case 'nginx':
      return [`http://127.0.0.1:${env.nginx!.port}${INFER_PATH}`];
  }
}

function proxyPids(env: Env, path: PathName): number[] {
  if (path === 'gateway') return [env.gateway!.pid];
  if (path === 'gateway-wide') return [env.gatewayWide!.pid];
  if (path === 'nginx') return env.nginx!.pids();
  return [];
}

interface Measured {
  summary: RunSummary;
  late: number;
  cpu: CpuUse;
}

async function measure(env: Env, path: PathName, spec: Omit<LoadSpec, 'urls' | 'body'>, warmupS: number): Promise<Measured> {
  const urls = urlsOf(env, path);
  await env.load.run({ ...spec, urls, body: BODY, durationS: warmupS });
  const groups = { load: [env.load.pid], workers: env.workers.map((w) => w.pid), proxy: proxyPids(env, path) };
  const ticks = (pids: number[]) => pids.reduce((sum, pid) => sum + cpuTicks(pid), 0);
  const before = { load: ticks(groups.load), workers: ticks(groups.workers), proxy: ticks(groups.proxy) };
  const machineBefore = machineBusyTicks();
  const started = performance.now();
  const { summary, late } = await env.load.run({ ...spec, urls, body: BODY });
  const seconds = (performance.now() - started) / 1000;
  const toCores = (t: number) => t / CLOCK_TICKS_PER_SECOND / seconds;
  const cores = (k: keyof typeof groups) => toCores(ticks(groups[k]) - before[k]);
  const cpu = { load: cores('load'), workers: cores('workers'), proxy: cores('proxy'), other: 0 };
  cpu.other = toCores(machineBusyTicks() - machineBefore) - cpu.load - cpu.workers - cpu.proxy;
  return { summary, late, cpu };
}

function line(path: PathName, kind: string, round: number, m: Measured): string {
  const s = m.summary;
  const bad = s.non2xx + s.errors + s.timeouts;
  return (
    `  round ${round + 1} ${kind.padEnd(10)} ${path.padEnd(12)} ${s.rps.toFixed(0).padStart(6)} req/s  p50 ${s.p50.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms` +
    `  cpu workers ${m.cpu.workers.toFixed(2)} proxy ${m.cpu.proxy.toFixed(2)} load ${m.cpu.load.toFixed(2)} other ${m.cpu.other.toFixed(2)}` +
    (bad ? `  (${s.non2xx} non-2xx, ${s.errors} errors, ${s.timeouts} timeouts)` : '') +
    (m.late ? `  (${m.late} late sends)` : '')
  );
}

type Phase = 'saturation' | 'moderate' | 'light';

async function phase(env: Env, kind: Phase, spec: Omit<LoadSpec, 'urls' | 'body' | 'durationS'>): Promise<Record<PathName, Measured[]>> {
  const saturation = kind === 'saturation';
  // A paced run needs only its connections open and the code warm; saturation also settles queues.
  const warmupS = saturation ? settings.warmupS : Math.min(1, settings.warmupS);
  const durationS = saturation ? settings.durationS : settings.pacedDurationS;
  // The wide-admission gateway is about throughput; below saturation its admission limit
  // never binds, so the paced phases skip it (keeps the whole run under 4 minutes).
  const paths = saturation ? settings.paths : settings.paths.filter((p) => p !== 'gateway-wide');
  const out = Object.fromEntries(paths.map((p) => [p, [] as Measured[]])) as Record<PathName, Measured[]>;
  for (let round = 0; round < settings.rounds; round++) {
    for (const path of roundOrder(paths, round)) {
      const m = await measure(env, path, { ...spec, durationS }, warmupS);
      out[path].push(m);
      console.log(line(path, kind, round, m));
    }
  }
  return out;
}

/** Every path must answer the fixed request 200 with the same body before anything is measured. */
async function sanityCheck(env: Env): Promise<void> {
  const bodies = new Map<string, string>();
  for (const path of settings.paths) {
    for (const url of urlsOf(env, path)) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`${path} ${url} answered ${res.status}: ${text}`);
      if (path.startsWith('gateway') && !res.headers.get('x-rollcast-revision')) throw new Error('gateway response lacks x-rollcast-revision');
      bodies.set(`${path} ${url}`, text);
    }
  }
  const distinct = new Set(bodies.values());
  if (distinct.size !== 1) throw new Error(`paths answer differently:\n${[...bodies].map(([k, v]) => `${k}: ${v}`).join('\n')}`);
}

/** Sum of rollcast_requests_total{code="200"} on a gateway: proof its metrics counted the load. */
async function gatewayRequestCount(gateway: RunningGateway): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${gateway.port}/metrics`)).text();
  let total = 0;
  for (const l of text.split('\n')) if (l.startsWith('rollcast_requests_total{') && l.includes('code="200"')) total += Number(l.split(' ').at(-1));
  return total;
}

async function main(): Promise<void> {
  if (!existsSync(WORKER_ENTRY)) throw new Error(`${WORKER_ENTRY} is missing: run \`npm run build\` first`);
  const nginxBinary = settings.paths.includes('nginx') ? findNginx() : undefined;
  if (settings.paths.includes('nginx') && !nginxBinary) throw new Error('nginx not found: run `bash bench/serving/setup.sh` first');
  const cpuModel = cpus()[0]?.model ?? 'unknown';
  const pkg = JSON.parse(await readFile(join(REPO, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const machine = {
    cores: cpus().length,
    cpu: cpuModel,
    node: process.version,
    nginx: nginxBinary ? nginxVersion(nginxBinary) : undefined,
    autocannon: pkg.dependencies.autocannon,
  };
  console.log(`serving benchmark: ${machine.cores} × ${machine.cpu}, node ${machine.node}, nginx ${machine.nginx ?? '(not used)'}, autocannon ${machine.autocannon}`);
  console.log(
    `  ${settings.workers} workers (${MODEL.name}, intraOpThreads ${settings.serving.intraOpThreads}, maxConcurrency ${settings.serving.maxConcurrency}), ` +
      `${settings.connections} connections, ${settings.warmupS} s warm-up + ${settings.durationS} s measured, ${settings.rounds} rounds, nginx worker_processes ${settings.nginxWorkers}, ` +
      `wide gateway admission limit ${settings.wideMaxConcurrency}`,
  );

  const workers = await startWorkers(
    {
      revisionId: 'penguins-r1',
      modelName: MODEL.name,
      modelVersion: MODEL.version,
      modelPath: MODEL.path,
      maxConcurrency: settings.serving.maxConcurrency,
      maxBodyBytes: settings.serving.maxBodyBytes,
      intraOpThreads: settings.serving.intraOpThreads,
    },
    settings.workers,
  );
  const first = workers[0];
  if (!first) throw new Error('no workers');
  const gatewayConfig: GatewayProcessConfig = {
    deployment: 'penguins',
    revisionId: 'penguins-r1',
    modelName: MODEL.name,
    modelVersion: MODEL.version,
    signature: first.signature,
    // The same limits the control plane gives a revision (prefetch included).
    limits: admissionLimits(settings.serving),
    timeoutMs: settings.serving.timeoutMs,
    maxBodyBytes: settings.serving.maxBodyBytes,
    workers: workers.map((w) => ({ replicaId: w.replicaId, port: w.port, ...(w.framePort !== undefined && { framePort: w.framePort }) })),
  };
  const env: Env = {
    workers,
    ...(settings.paths.includes('gateway') && { gateway: await startGatewayProcess(gatewayConfig, flags['prof-gateway']) }),
    ...(settings.paths.includes('gateway-wide') && {
      gatewayWide: await startGatewayProcess({ ...gatewayConfig, limits: { ...gatewayConfig.limits, maxConcurrency: settings.wideMaxConcurrency } }),
    }),
    ...(settings.paths.includes('nginx') && { nginx: await startNginx({ upstreamPorts: workers.map((w) => w.port), workerProcesses: settings.nginxWorkers, keepalive: settings.connections }) }),
    load: await startLoadProcess(),
  };
  await sanityCheck(env);

  const saturation = await phase(env, 'saturation', { connections: settings.connections });
  const directRps = median((saturation.direct ?? []).map((m) => m.summary.rps));
  // A third of direct saturation, rounded to 10 req/s (or a third of the gateway's when direct is not run).
  const base = Number.isNaN(directRps) ? median((saturation.gateway ?? []).map((m) => m.summary.rps)) : directRps;
  const moderateRate = Math.max(10, Math.round(base / 3 / 10) * 10);
  // And a light load, a tenth of direct saturation, where no path is near its limit: what
  // one proxy hop costs by itself.
  const lightRate = Math.max(10, Math.round(base / 10 / 10) * 10);
  const moderate = settings.moderate ? await phase(env, 'moderate', { connections: settings.moderateConnections, paceRps: moderateRate }) : undefined;
  const light = settings.moderate ? await phase(env, 'light', { connections: settings.moderateConnections, paceRps: lightRate }) : undefined;

  const gatewayCounted = env.gateway ? await gatewayRequestCount(env.gateway) : undefined;
  const gatewayAnswered = [...(saturation.gateway ?? []), ...(moderate?.gateway ?? [])].reduce((n, m) => n + m.summary.ok, 0);
  if (gatewayCounted !== undefined) {
    console.log(`  gateway metrics: rollcast_requests_total{code="200"} = ${gatewayCounted} (≥ ${gatewayAnswered} measured 2xx; warm-ups and the check come on top)`);
  }

  const empty: RunSummary = { rps: NaN, answered: 0, ok: 0, non2xx: 0, errors: 0, timeouts: 0, durationS: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const result = (path: PathName): PathResult => {
    const sat = saturation[path] ?? [];
    const mod = moderate?.[path] ?? [];
    const lit = light?.[path] ?? [];
    return {
      saturation: sat.length ? combineRounds(sat.map((m) => m.summary)) : empty,
      moderate: mod.length ? combineRounds(mod.map((m) => m.summary)) : empty,
      light: lit.length ? combineRounds(lit.map((m) => m.summary)) : empty,
      cpu: {
        load: median(sat.map((m) => m.cpu.load)),
        workers: median(sat.map((m) => m.cpu.workers)),
        proxy: median(sat.map((m) => m.cpu.proxy)),
        other: median(sat.map((m) => m.cpu.other)),
      },
    };
  };
  const paths = Object.fromEntries(settings.paths.map((p) => [p, result(p)])) as Partial<Record<PathName, PathResult>>;
  const report = {
    rounds: settings.rounds,
    saturationConnections: settings.connections,
    moderateConnections: settings.moderateConnections,
    moderateRate,
    lightRate,
    maxConcurrency: settings.serving.maxConcurrency,
    wideMaxConcurrency: settings.wideMaxConcurrency,
    paths,
  };
  const rpsOf = (p: PathName) => (saturation[p] ?? []).map((m) => m.summary.rps);
  const perRound = {
    gatewayOverNginx: perRoundRatio(rpsOf('gateway'), rpsOf('nginx')),
    gatewayOverDirect: perRoundRatio(rpsOf('gateway'), rpsOf('direct')),
    nginxOverDirect: perRoundRatio(rpsOf('nginx'), rpsOf('direct')),
    wideOverNginx: perRoundRatio(rpsOf('gateway-wide'), rpsOf('nginx')),
  };
  console.log(`\n${renderReport(report)}\n`);
  console.log(
    `per-round ratios (median): gateway/nginx ${perRound.gatewayOverNginx.toFixed(2)}, gateway/direct ${perRound.gatewayOverDirect.toFixed(2)}, ` +
      `nginx/direct ${perRound.nginxOverDirect.toFixed(2)}, wide gateway/nginx ${perRound.wideOverNginx.toFixed(2)}`,
  );
  const busy = Math.max(...Object.values(saturation).flat().map((m) => m.cpu.other));
  if (busy > 0.15) console.log(`note: up to ${busy.toFixed(2)} cores went to other work on the machine during a measured run; numbers from such rounds are less reliable`);

  const out = flags.out ?? join(REPO, 'bench/results', `serving-${new Date().toISOString().slice(0, 10)}.json`);
  await mkdir(join(out, '..'), { recursive: true });
  const runs = (m?: Record<PathName, Measured[]>) => Object.fromEntries(Object.entries(m ?? {}).map(([k, v]) => [k, v]));
  await writeFile(
    out,
    `${JSON.stringify({ date: new Date().toISOString(), machine, settings: { ...settings, body: BODY, model: MODEL.path.replace(REPO, '') }, ratios: ratios(paths), perRoundRatios: perRound, report, gatewayCounted, runs: { saturation: runs(saturation), moderate: runs(moderate), light: runs(light) } }, null, 2)}\n`,
  );
  console.log(`results: ${out}`);
}

let exitCode = 0;
let interrupted = false;
const onSignal = (signal: NodeJS.Signals) => {
  interrupted = true;
  console.error(`\n${signal}: stopping child processes`);
  void stopAll(2_000).finally(() => process.exit(130));
};
process.once('SIGINT', onSignal);
process.once('SIGTERM', onSignal);
process.once('exit', killAllNow);
try {
  await main();
} catch (e) {
  if (!interrupted) console.error(`bench:serving failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  exitCode = 1;
} finally {
  await stopAll();
}
process.exit(exitCode);
