// `rollcast load NAME --trace FILE --speedup K [--scale F] [--from TIME] [--duration D]`: a
// trace replayed against the deployment with time compressed K times (trace-pacing.ts has the
// arithmetic), following the controller's clock: the replay starts at the trace time the
// controller is at — its now minus the shift of the last history import — so the live load
// continues the imported history. The send rate is value × F req/s, F as in
// `import history --scale`. Paced here (autocannon has no changing rate) on an undici Pool, with
// at most --connections requests in flight: a request that would exceed that is not sent and is
// counted as skipped, so a slow deployment never builds an unbounded backlog. Ends at the
// trace's end or after --duration of real time (default and limit 30 minutes), or on Ctrl-C,
// with a summary either way.
//
// The loop (`replay`) runs on injected time and sending, so tests run it on a fake clock;
// `loadTrace` is the shell around it. load.ts dispatches here; the fixed-rate form lives there.

import { basename } from 'node:path';
import { SingleBar } from 'cli-progress';
import { Pool } from 'undici';
import { HISTORY_STEP_MS, type ClockView, type HistoryView } from '../../api/autoscaling-views.js';
import { parseTimestamp, parseTraceCsv } from '../../forecast/trace-csv.js';
import { checkDuration, formatDuration } from '../../spec/duration.js';
import { mulberry32, type Random } from '../../spec/random.js';
import type { ApiClient } from '../client.js';
import { CliError } from '../errors.js';
import { isoTime } from '../forecast-render.js';
import { pacingPlan, positionProblem, rateAt, realMsToEnd, RecentRate, requestsDue, traceEnd, traceTimeAt, type PacingPlan } from '../trace-pacing.js';
import { readText } from './forecast.js';
import type { LoadOptions } from './load.js';
import { BODY_POOL, checkConnections, MAX_RPS, requestBodies, USAGE } from './load-shared.js';

export const MAX_TRACE_DURATION_MS = 30 * 60_000;

/** `--duration` of a trace replay: real time, default and at most 30 minutes. */
export function traceDurationMs(text: string | undefined): number {
  if (text === undefined) return MAX_TRACE_DURATION_MS;
  const d = checkDuration(text);
  if (!d.ok || d.ms <= 0) throw new CliError(`--duration "${text}" is not a duration like 30s or 2m${d.ok ? '' : `: ${d.reason}`}`, USAGE);
  if (d.ms > MAX_TRACE_DURATION_MS) throw new CliError(`--duration ${text} is longer than the 30m limit of a trace replay (real time)`, USAGE);
  return d.ms;
}

/** Real time and printing for the trace form; tests pass a fake clock (the replay never reads another). */
export interface LoadEnv {
  /** Monotonic ms. */
  now(): number;
  sleep(ms: number): Promise<void>;
  print(text: string): void;
  /** Show the progress bar (on stderr). */
  progress: boolean;
}

/** What one request came back as: its status code ('200', '429', …) or 'error' (no answer). */
export type Outcome = string;

/** The replay loop's world: real time, waiting, sending. Real in the shell, fake in tests. */
export interface ReplayIo {
  /** Monotonic real time in ms. */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** Sends request number `i` (0, 1, …); resolves with its outcome and never rejects. */
  send(i: number): Promise<Outcome>;
}

export interface ReplayProgress {
  elapsedMs: number;
  traceTime: number;
  /** The trace's rate at this moment, req/s. */
  targetRps: number;
  /** Requests sent per second over the last few seconds. */
  achievedRps: number;
  sent: number;
  ok: number;
  errors: number;
  skipped: number;
}

export interface ReplayResult {
  elapsedMs: number;
  /** Requests the trace asked for in that time (sent + skipped). */
  due: number;
  sent: number;
  ok: number;
  errors: number;
  /** Due while --connections requests were already in flight: not sent. */
  skipped: number;
  statusCounts: Record<string, number>;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  interrupted: boolean;
}

export interface ReplayOptions {
  /** Real ms after which the replay stops (the trace's end or --duration, whichever is first). */
  endMs: number;
  maxInFlight: number;
  /** Wait between pacing steps; requests due within one are sent together. */
  tickMs?: number;
  progressEveryMs?: number;
  signal?: AbortSignal;
  /** Seeds the latency reservoir's sampling. */
  seed?: number;
}

/**
 * A bounded sample of latencies for percentiles (reservoir sampling, Vitter's Algorithm R,
 * seeded so a run's report is reproducible); count, mean and max are exact. 30 minutes at a
 * few thousand req/s would otherwise keep millions of numbers.
 */
export class LatencySample {
  readonly #sample: number[] = [];
  #count = 0;
  #sum = 0;
  #max = 0;
  constructor(
    private readonly random: Random,
    private readonly size = 100_000,
  ) {}

  add(ms: number): void {
    this.#count++;
    this.#sum += ms;
    this.#max = Math.max(this.#max, ms);
    if (this.#sample.length < this.size) this.#sample.push(ms);
    else {
      const j = Math.floor(this.random() * this.#count);
      if (j < this.size) this.#sample[j] = ms;
    }
  }

  /** Nearest-rank percentiles of the sample, rounded to 0.1 ms; all 0 when empty. */
  summary(): ReplayResult['latencyMs'] {
    const sorted = [...this.#sample].sort((a, b) => a - b);
    const round = (v: number): number => Math.round(v * 10) / 10;
    const at = (q: number): number => round(sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? 0);
    return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: round(this.#max), mean: this.#count === 0 ? 0 : round(this.#sum / this.#count) };
  }
}

/**
 * Sends the trace's requests on time: every tick, ⌊due(elapsed)⌋ − (sent + skipped) requests
 * go out, as long as fewer than `maxInFlight` are unanswered; the rest of those due are
 * skipped (counted, never queued). Stops at `endMs`, or early when `signal` aborts, then waits
 * for the requests still in flight (each bounded by its own timeout); `elapsedMs` is the
 * sending time, without that wait.
 */
export async function replay(plan: PacingPlan, o: ReplayOptions, io: ReplayIo, onProgress?: (p: ReplayProgress) => void): Promise<ReplayResult> {
  const tickMs = o.tickMs ?? 10;
  const progressEveryMs = o.progressEveryMs ?? 250;
  const latencies = new LatencySample(mulberry32(o.seed ?? 1));
  const statusCounts: Record<string, number> = {};
  const recent = new RecentRate();
  const inFlight = new Set<Promise<void>>();
  let issued = 0;
  let sent = 0;
  let ok = 0;
  let skipped = 0;
  let lastProgress = -Infinity;
  const t0 = io.now();
  let elapsed = 0;

  const progress = (): void => {
    recent.record(elapsed, sent);
    const traceTime = traceTimeAt(plan, elapsed);
    onProgress?.({ elapsedMs: elapsed, traceTime, targetRps: rateAt(plan, traceTime) ?? 0, achievedRps: recent.rate(), sent, ok, errors: sent - ok - inFlight.size, skipped });
  };

  for (;;) {
    elapsed = Math.min(io.now() - t0, o.endMs);
    // The epsilon keeps 9.999999 (float error in the integral) from sending one request late.
    const due = Math.floor(requestsDue(plan, elapsed) + 1e-9);
    while (issued < due) {
      if (inFlight.size >= o.maxInFlight) {
        skipped += due - issued;
        issued = due;
        break;
      }
      const started = io.now();
      const request = io.send(issued).then((outcome) => {
        latencies.add(io.now() - started);
        statusCounts[outcome] = (statusCounts[outcome] ?? 0) + 1;
        if (outcome.startsWith('2')) ok++;
        inFlight.delete(request);
      });
      inFlight.add(request);
      issued++;
      sent++;
    }
    const done = elapsed >= o.endMs || o.signal?.aborted === true;
    if (done || elapsed - lastProgress >= progressEveryMs) {
      lastProgress = elapsed;
      progress();
    }
    if (done) break;
    await io.sleep(Math.min(tickMs, o.endMs - elapsed));
  }
  // Wait for the answers still due, as time passes (each request has its own timeout).
  while (inFlight.size > 0) await io.sleep(tickMs);
  return {
    elapsedMs: elapsed,
    due: issued,
    sent,
    ok,
    errors: sent - ok,
    skipped,
    statusCounts,
    latencyMs: latencies.summary(),
    interrupted: o.signal?.aborted === true,
  };
}

export interface TraceLoadReport {
  deployment: string;
  trace: string;
  speedup: number;
  scale: number;
  /** Trace time the replay started at and reached (ISO-8601). */
  traceFrom: string;
  traceTo: string;
  durationS: number;
  stoppedBy: 'trace-end' | 'duration' | 'interrupted';
  /** Average rate the trace asked for over the run, req/s. */
  targetRps: number;
  due: number;
  requests: number;
  achievedRps: number;
  ok: number;
  errors: number;
  skipped: number;
  statusCounts: Record<string, number>;
  latencyMs: ReplayResult['latencyMs'];
}

/** The controller must run at the replay's speedup, or the live series would not line up with the trace. */
export function checkSpeedup(server: number, wanted: number): void {
  if (Math.abs(server - wanted) > 1e-9 * Math.max(1, wanted)) {
    throw new CliError(
      `the control plane runs at speedup ${server}, not --speedup ${wanted}: restart it with \`rollcast up --speedup ${wanted}\` (or replay with --speedup ${server})`,
    );
  }
}

/** The trace form of `load` (load.ts has checked that the flags ask for it): check, replay, report. */
export async function loadTrace(api: ApiClient, name: string, o: LoadOptions, env: LoadEnv): Promise<void> {
  const path = o.trace as string;
  const speedup = o.speedup as number;
  const scale = o.scale ?? 1;
  if (!(Number.isFinite(speedup) && speedup > 0)) throw new CliError(`--speedup ${speedup} must be a positive number`, USAGE);
  if (!(Number.isFinite(scale) && scale > 0)) throw new CliError(`--scale ${scale} must be a positive number`, USAGE);
  const limitMs = traceDurationMs(o.duration);
  const connections = checkConnections(o.connections ?? 64);
  let fromFlag: number | undefined;
  if (o.from !== undefined) {
    const t = parseTimestamp(o.from.trim());
    if (!t.ok) throw new CliError(`--from "${o.from}" ${t.why}`, USAGE);
    fromFlag = t.ms;
  }
  const parsed = parseTraceCsv(await readText(path, '--trace'), path);
  if (!parsed.ok) throw new CliError(parsed.error);

  const clock = await api.get<ClockView>('/api/v1/clock');
  const clockAt = env.now();
  checkSpeedup(clock.speedup, speedup);
  let shiftMs = 0;
  if (fromFlag === undefined) {
    const history = await api.get<HistoryView>(`/api/v1/deployments/${encodeURIComponent(name)}/history?from=${clock.now - HISTORY_STEP_MS}&to=${clock.now}`);
    if (history.lastImport === undefined) {
      throw new CliError(`${name} has no imported history, so where the controller's clock is in the trace is unknown: run \`rollcast import history ${name} --csv ${path} --until TIME\` first, or give --from TIME`);
    }
    shiftMs = history.lastImport.shiftMs;
    if (history.lastImport.source !== undefined && history.lastImport.source !== basename(path)) {
      process.stderr.write(`note: the last history import of ${name} was from ${history.lastImport.source}, this replay is of ${basename(path)}\n`);
    }
  }
  const { url, bodies } = await requestBodies(api, name, o.seed);
  // The controller's clock has moved on while the requests above were answered.
  const from = fromFlag ?? clock.now + (env.now() - clockAt) * speedup - shiftMs;
  const plan = pacingPlan(parsed.series, { scale, from, speedup });
  const problem = positionProblem(plan, from);
  if (problem !== undefined) {
    const where = fromFlag !== undefined ? `--from ${isoTime(from)}` : `the controller's clock (${isoTime(clock.now)}) is at trace time ${isoTime(from)}, which`;
    throw new CliError(
      problem === 'before-start'
        ? `${where} is before the first point of ${path} (${isoTime(plan.start)})`
        : `${where} is at or after the end of ${path} (${isoTime(traceEnd(plan))}): nothing left to replay. Import the history with --until at least a day before the end (alignment moves it by whole days, so up to a day lies between the last imported point and now), or give --from TIME`,
    );
  }
  // A loop, not Math.max(...rates): a trace may have millions of points, too many arguments for a call.
  let peak = 0;
  for (let i = Math.floor((from - plan.start) / plan.stepMs); i < plan.rates.length; i++) peak = Math.max(peak, plan.rates[i] ?? 0);
  if (peak > MAX_RPS) throw new CliError(`${path} peaks at ${Math.round(peak)} req/s (values × --scale ${scale}), above the limit of ${MAX_RPS}; lower --scale`, USAGE);
  const endMs = Math.min(realMsToEnd(plan), limitMs);

  const pool = new Pool(url.origin, { connections, headersTimeout: 30_000, bodyTimeout: 30_000 });
  const io: ReplayIo = {
    now: () => env.now(),
    sleep: (ms) => env.sleep(ms),
    send: async (i) => {
      try {
        const res = await pool.request({ path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[i % BODY_POOL] });
        await res.body.dump();
        return String(res.statusCode);
      } catch {
        return 'error';
      }
    },
  };
  const abort = new AbortController();
  const onSigint = (): void => abort.abort();
  process.once('SIGINT', onSigint);
  const bar = env.progress
    ? new SingleBar({
        format: 'replay {bar} {percentage}% | trace {trace} | target {target} req/s | achieved {achieved} req/s | ok {ok} errors {errors} skipped {skipped}',
        hideCursor: true,
        clearOnComplete: true,
        stream: process.stderr,
      })
    : undefined;
  bar?.start(Math.max(1, Math.round(endMs)), 0, { trace: isoTime(from), target: 0, achieved: 0, ok: 0, errors: 0, skipped: 0 });
  let result: ReplayResult;
  try {
    result = await replay(plan, { endMs, maxInFlight: connections, signal: abort.signal, seed: o.seed }, io, (p) =>
      bar?.update(Math.round(p.elapsedMs), {
        trace: isoTime(Math.floor(p.traceTime / 1000) * 1000),
        target: p.targetRps.toFixed(1),
        achieved: p.achievedRps.toFixed(1),
        ok: p.ok,
        errors: p.errors,
        skipped: p.skipped,
      }),
    );
  } finally {
    bar?.stop();
    process.removeListener('SIGINT', onSigint);
    await pool.close();
  }

  const seconds = result.elapsedMs / 1000;
  const round1 = (v: number): number => Math.round(v * 10) / 10;
  const report: TraceLoadReport = {
    deployment: name,
    trace: path,
    speedup,
    scale,
    traceFrom: isoTime(from),
    traceTo: isoTime(Math.round(traceTimeAt(plan, result.elapsedMs))),
    durationS: round1(seconds),
    stoppedBy: result.interrupted ? 'interrupted' : result.elapsedMs >= realMsToEnd(plan) ? 'trace-end' : 'duration',
    targetRps: seconds > 0 ? round1(result.due / seconds) : 0,
    due: result.due,
    requests: result.sent,
    achievedRps: seconds > 0 ? round1(result.sent / seconds) : 0,
    ok: result.ok,
    errors: result.errors,
    skipped: result.skipped,
    statusCounts: result.statusCounts,
    latencyMs: result.latencyMs,
  };
  env.print(o.json ? `${JSON.stringify(report, null, 2)}\n` : traceReportText(report, connections));
  if (report.errors > 0 && report.ok === 0) throw new CliError(`every request failed (${report.errors} errors)`);
}

/** The text summary of a replay. */
export function traceReportText(r: TraceLoadReport, connections: number): string {
  const stopped = { 'trace-end': 'reached the end of the trace', duration: 'reached --duration', interrupted: 'interrupted' }[r.stoppedBy];
  const l = r.latencyMs;
  return [
    `trace replay on ${r.deployment}: ${r.trace} from ${r.traceFrom} to ${r.traceTo} at ×${r.speedup}${r.scale === 1 ? '' : `, values × ${r.scale}`} (${r.durationS < 60 ? `${r.durationS}s` : formatDuration(Math.round(r.durationS) * 1000)} real; ${stopped})`,
    `  ${r.requests} requests → ${r.achievedRps} req/s (the trace asked for ${r.due}, ${r.targetRps} req/s on average)` +
      (r.skipped > 0 ? `; skipped ${r.skipped} with ${connections} already in flight (--connections)` : ''),
    `  ok ${r.ok}, errors ${r.errors}`,
    `  status codes: ${Object.entries(r.statusCounts).map(([c, n]) => `${c}×${n}`).join(' ') || '-'}`,
    `  latency ms: p50 ${l.p50}  p90 ${l.p90}  p99 ${l.p99}  max ${l.max}`,
    '',
  ].join('\n');
}
