import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { capture, startFakeAdmin, type FakeAdmin, type Routes } from '../../../test/cli-live-fake-admin.js';
import type { RegularSeries } from '../../forecast/series.js';
import { mulberry32 } from '../../spec/random.js';
import { millis } from '../../spec/units.js';
import { CliError } from '../errors.js';
import { pacingPlan } from '../trace-pacing.js';
import { LatencySample, MAX_TRACE_DURATION_MS, replay, traceDurationMs, type LoadEnv, type ReplayIo, type ReplayProgress, type TraceLoadReport } from './load-trace.js';
import { load, type LoadOptions } from './load.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 4, 7, 10);
// Per-minute rates 10, 20, (missing: 20), 30 req/s. At ×60 each minute is one real second,
// so the whole trace asks for 10 + 20 + 20 + 30 = 80 requests in 4 s.
const series: RegularSeries = { start: millis(T0), stepMs: MIN, values: [10, 20, NaN, 30] };

async function cliError(p: Promise<unknown> | (() => unknown)): Promise<CliError> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (err) {
    if (err instanceof CliError) return err;
    throw err;
  }
  throw new Error('expected a CliError');
}

/**
 * A fake clock whose sleep advances time and then lets pending promises settle; requests
 * answer after `latencyMs` of fake time (0: at once) with `outcome(i)`.
 */
function fakeIo(o: { latencyMs?: number; outcome?: (i: number) => string; onSleep?: (t: number) => void } = {}): ReplayIo & { maxInFlight: number } {
  let t = 0;
  let inFlight = 0;
  const waiting: { at: number; resolve: () => void }[] = [];
  const io = {
    maxInFlight: 0,
    now: () => t,
    sleep: async (ms: number) => {
      t += ms;
      for (const w of waiting.filter((w) => w.at <= t)) {
        waiting.splice(waiting.indexOf(w), 1);
        w.resolve();
      }
      o.onSleep?.(t);
      await new Promise<void>((resolve) => setImmediate(resolve));
    },
    send: async (i: number) => {
      inFlight++;
      io.maxInFlight = Math.max(io.maxInFlight, inFlight);
      if ((o.latencyMs ?? 0) > 0) await new Promise<void>((resolve) => waiting.push({ at: t + (o.latencyMs ?? 0), resolve }));
      inFlight--;
      return o.outcome?.(i) ?? '200';
    },
  };
  return io;
}

describe('flags', () => {
  it.each<[string | undefined, number]>([
    [undefined, MAX_TRACE_DURATION_MS],
    ['90s', 90_000],
    ['30m', 30 * MIN],
  ])('a replay --duration %s is %d real ms', (text, ms) => expect(traceDurationMs(text)).toBe(ms));

  it.each([
    ['31m', /^--duration 31m is longer than the 30m limit of a trace replay/],
    ['forever', /^--duration "forever" is not a duration like 30s or 2m: cannot read "forever"$/],
    ['0s', /^--duration "0s" is not a duration like 30s or 2m$/],
  ])('rejects a replay --duration %s', async (text, message) => {
    const err = await cliError(() => traceDurationMs(text));
    expect(err.message).toMatch(message);
    expect(err.exitCode).toBe(2);
  });
});

describe('LatencySample', () => {
  it('nearest-rank percentiles, exact mean and max; empty is all 0', () => {
    const s = new LatencySample(mulberry32(1));
    expect(s.summary()).toEqual({ p50: 0, p90: 0, p99: 0, max: 0, mean: 0 });
    for (let ms = 1; ms <= 100; ms++) s.add(ms);
    expect(s.summary()).toEqual({ p50: 50, p90: 90, p99: 99, max: 100, mean: 50.5 });
  });

  it('keeps at most `size` values but still sees every one for max and mean', () => {
    const s = new LatencySample(mulberry32(1), 10);
    for (let ms = 1; ms <= 1000; ms++) s.add(ms);
    const sum = s.summary();
    expect(sum.max).toBe(1000);
    expect(sum.mean).toBe(500.5);
    expect(sum.p50).toBeGreaterThan(0);
  });
});

describe('replay on a fake clock', () => {
  const plan = pacingPlan(series, { scale: 1, from: T0, speedup: 60 });

  it('sends every request the trace asks for, on time', async () => {
    const io = fakeIo();
    const sentAt: number[] = [];
    const timed: ReplayIo = { now: () => io.now(), sleep: (ms) => io.sleep(ms), send: (i) => (sentAt.push(io.now()), io.send(i)) };
    const result = await replay(plan, { endMs: 4000, maxInFlight: 100 }, timed);
    expect(result).toMatchObject({ elapsedMs: 4000, due: 80, sent: 80, ok: 80, errors: 0, skipped: 0, statusCounts: { '200': 80 }, interrupted: false });
    // 10 in the first real second (one every 100 ms, the 10th due at 1000), then 20, 20, 30 per second.
    expect(sentAt.filter((t) => t <= 1000)).toHaveLength(10);
    expect(sentAt.filter((t) => t > 3000)).toHaveLength(30);
    expect(sentAt.slice(0, 3)).toEqual([100, 200, 300]);
  });

  it('counts outcomes by status; anything but 2xx is an error', async () => {
    const io = fakeIo({ outcome: (i) => (i % 4 === 0 ? '503' : i % 4 === 1 ? 'error' : '200') });
    const result = await replay(plan, { endMs: 4000, maxInFlight: 100 }, io);
    expect(result).toMatchObject({ sent: 80, ok: 40, errors: 40, statusCounts: { '200': 40, '503': 20, error: 20 } });
  });

  it('never has more than maxInFlight unanswered; the rest of those due are skipped', async () => {
    // Each answer takes 1 s of fake time; at most 5 at once → at most ~5 per second are sent.
    const io = fakeIo({ latencyMs: 1000 });
    const result = await replay(plan, { endMs: 4000, maxInFlight: 5 }, io);
    expect(io.maxInFlight).toBe(5);
    expect(result.sent + result.skipped).toBe(80);
    expect(result.due).toBe(80);
    expect(result.sent).toBeLessThanOrEqual(25);
    expect(result.skipped).toBeGreaterThanOrEqual(55);
    expect(result.latencyMs.p50).toBeGreaterThanOrEqual(1000);
    expect(result.latencyMs.p50).toBeLessThan(1020);
  });

  it('stops at endMs (the --duration bound) even with trace left', async () => {
    const result = await replay(plan, { endMs: 1500, maxInFlight: 100 }, fakeIo());
    expect(result).toMatchObject({ elapsedMs: 1500, sent: 20 });
  });

  it('stops when the signal aborts (Ctrl-C) and says so', async () => {
    const abort = new AbortController();
    const io = fakeIo({ onSleep: (t) => t >= 2000 && abort.abort() });
    const result = await replay(plan, { endMs: 4000, maxInFlight: 100, signal: abort.signal }, io);
    expect(result).toMatchObject({ elapsedMs: 2000, sent: 30, interrupted: true });
  });

  it('reports progress with trace time, target and achieved rate', async () => {
    const seen: ReplayProgress[] = [];
    await replay(plan, { endMs: 4000, maxInFlight: 100, progressEveryMs: 500 }, fakeIo(), (p) => seen.push(p));
    expect(seen.map((p) => p.elapsedMs)).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000, 3500, 4000]);
    const at1500 = seen[3];
    expect(at1500).toMatchObject({ traceTime: T0 + 90_000, targetRps: 20, sent: 20, errors: 0, skipped: 0 });
    // Sent over the last 5 s: 20 requests in 1.5 s.
    expect(at1500?.achievedRps).toBeCloseTo(20 / 1.5, 6);
    // The last progress is taken as the last requests go out, before they are answered.
    expect(seen.at(-1)).toMatchObject({ elapsedMs: 4000, sent: 80 });
  });
});

describe('rollcast load NAME --trace (fake admin API and gateway)', () => {
  const SHIFT = 133 * 7 * 86_400_000;
  let dir: string;
  let trace: string;
  let fake: FakeAdmin;
  const deployment = { spec: { spec: { model: { name: 'penguin' }, scaling: { target: { metric: 'rps' } } } } };
  const signature = { inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 4] }], outputs: [] };
  const routes = (over: Routes = {}): Routes => ({
    'GET /api/v1/clock': { json: { now: T0 + SHIFT, speedup: 60 } },
    'GET /api/v1/deployments/web/history': { json: { deployment: 'web', stepMs: MIN, start: T0 + SHIFT - MIN, values: [10], lastImport: { at: 0, from: 0, to: 0, points: 10, shiftMs: SHIFT, source: 'trace.csv' } } },
    'GET /api/v1/deployments/web': { json: deployment },
    'GET /v2/models/penguin': { json: signature },
    'POST /v2/models/penguin/infer': { json: { outputs: [] } },
    ...over,
  });
  /** Fake time: sleeping advances it; the replay's requests are real HTTP to the fake. */
  function env(out: { print: (t: string) => void }): LoadEnv {
    let t = 0;
    return { now: () => t, sleep: async (ms) => void (t += ms, await new Promise<void>((r) => setImmediate(r))), print: out.print, progress: false };
  }
  const opts = (o: Partial<LoadOptions> = {}): LoadOptions => ({ trace, speedup: 60, seed: 1, connections: 1024, ...o });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rollcast-load-'));
    trace = join(dir, 'trace.csv');
    await writeFile(trace, 'timestamp,value\n2024-05-07T10:00:00Z,10\n2024-05-07T10:01:00Z,20\n2024-05-07T10:03:00Z,30\n');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));
  afterEach(() => fake?.close());

  it('replays from where the controller clock is in the trace, to its end', async () => {
    fake = await startFakeAdmin(routes());
    const out = capture();
    await load(fake.api, 'web', opts({ json: true }), env(out));
    const report = JSON.parse(out.text) as TraceLoadReport;
    expect(report).toMatchObject({
      deployment: 'web',
      speedup: 60,
      scale: 1,
      traceFrom: '2024-05-07T10:00:00Z',
      traceTo: '2024-05-07T10:04:00Z',
      durationS: 4,
      stoppedBy: 'trace-end',
      due: 80,
      requests: 80,
      ok: 80,
      errors: 0,
      skipped: 0,
      statusCounts: { '200': 80 },
    });
    const posts = fake.received.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(80);
    expect(posts[0]?.body).toMatchObject({ inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 4] }] });
  });

  it('--from, --scale and --duration: from 10:02 at half the rate for 1.5 s', async () => {
    fake = await startFakeAdmin(routes());
    const out = capture();
    await load(fake.api, 'web', opts({ from: '2024-05-07T10:02:00Z', scale: 0.5, duration: '1500ms' }), env(out));
    // 10 in the first second (20 × 0.5), then 15 per second for half a second → 17.
    expect(out.text).toMatch(/^trace replay on web: .*trace\.csv from 2024-05-07T10:02:00Z to 2024-05-07T10:03:30Z at ×60, values × 0\.5 \(1\.5s real; reached --duration\)\n/);
    expect(out.text).toMatch(/^ {2}17 requests → 11\.3 req\/s \(the trace asked for 17, 11\.3 req\/s on average\)$/m);
    expect(out.text).toMatch(/^ {2}status codes: 200×17$/m);
    // --from needs no imported history.
    expect(fake.received.some((r) => r.url.includes('/history'))).toBe(false);
  });

  it.each<[string, Routes, Partial<LoadOptions>, RegExp, number]>([
    ['a server at another speedup', { 'GET /api/v1/clock': { json: { now: T0, speedup: 1 } } }, {}, /^the control plane runs at speedup 1, not --speedup 60: restart it with `rollcast up --speedup 60`/, 1],
    [
      'no imported history',
      { 'GET /api/v1/deployments/web/history': { json: { deployment: 'web', stepMs: MIN, start: 0, values: [] } } },
      {},
      /^web has no imported history, .*run `rollcast import history web --csv .*trace\.csv --until TIME` first, or give --from TIME$/,
      1,
    ],
    [
      'a controller clock past the trace',
      { 'GET /api/v1/clock': { json: { now: T0 + SHIFT + 4 * MIN, speedup: 60 } } },
      {},
      /^the controller's clock \(.*\) is at trace time 2024-05-07T10:04:00Z, which is at or after the end of .*trace\.csv \(2024-05-07T10:04:00Z\): nothing left to replay\. Import the history with --until/,
      1,
    ],
    ['--from before the trace', {}, { from: '2024-05-07T09:00:00Z' }, /^--from 2024-05-07T09:00:00Z is before the first point of .*trace\.csv \(2024-05-07T10:00:00Z\)$/, 1],
    ['--from that is no time', {}, { from: 'noon' }, /^--from "noon" is neither ISO-8601/, 2],
    ['a rate above the limit', {}, { scale: 10_000 }, /trace\.csv peaks at 300000 req\/s \(values × --scale 10000\), above the limit of 50000; lower --scale$/, 2],
    ['a missing trace file', {}, { trace: '/nonexistent/t.csv' }, /^--trace: cannot read \/nonexistent\/t\.csv: no such file$/, 1],
    ['an unknown deployment', { 'GET /api/v1/deployments/web': { status: 404, json: { error: 'deployment "web" not found' } } }, {}, /^GET \/api\/v1\/deployments\/web failed with 404: deployment "web" not found$/, 1],
  ])('%s: a clear error, nothing sent', async (_, over, o, message, code) => {
    fake = await startFakeAdmin(routes(over));
    const err = await cliError(load(fake.api, 'web', opts(o), env(capture())));
    expect(err.message).toMatch(message);
    expect(err.exitCode).toBe(code);
    expect(fake.received.filter((r) => r.method === 'POST')).toHaveLength(0);
  });

  it('every request failing is an error after the summary', async () => {
    fake = await startFakeAdmin(routes({ 'POST /v2/models/penguin/infer': { status: 503, json: { error: 'no replica' } } }));
    const out = capture();
    const err = await cliError(load(fake.api, 'web', opts({ duration: '1s' }), env(out)));
    expect(err.message).toBe('every request failed (10 errors)');
    expect(out.text).toMatch(/status codes: 503×10/);
  });
});
