// The analysis sampler on a fake clock: counts and errors by status, window boundaries,
// caps and memory at 10 000 req/s, thinning to a uniform sample, predictions decoded from
// OIP v2 bodies, retention and forget; and a property against a brute-force model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { windowProblems } from '../analysis/window.js';
import { mulberry32 } from '../spec/random.js';
import { AnalysisSampler, CLIENT_CLOSED, predictionOf, SAMPLER_DEFAULTS, type SamplerOptions } from './analysis-sampler.js';

/** A whole second, so 1 s buckets start exactly at T0 + k · 1000. */
const T0 = 1_700_000_000_000;
const MINUTE = 60_000;

function fakeClock(opts: Partial<SamplerOptions> = {}) {
  let t = T0;
  const sampler = new AnalysisSampler({ now: () => t, random: mulberry32(7), ...opts });
  return {
    sampler,
    at: (ms: number): void => {
      t = ms;
    },
  };
}

const oip = (...outputs: unknown[]): Buffer => Buffer.from(JSON.stringify({ model_name: 'm', model_version: '1', outputs }));
const classifier = (...scores: number[]): Buffer => oip({ name: 'probabilities', datatype: 'FP32', shape: [1, scores.length], data: scores });
const scalar = (value: number): Buffer => oip({ name: 'y', datatype: 'FP32', shape: [1, 1], data: [value] });

describe('counts and errors', () => {
  it.each([
    { status: 200, error: false, latency: true, prediction: true },
    { status: 204, error: false, latency: true, prediction: true },
    { status: 400, error: false, latency: true, prediction: false },
    { status: 413, error: false, latency: true, prediction: false },
    // 429 is the gateway's queue being full; window.ts counts no 4xx as an error.
    { status: 429, error: false, latency: true, prediction: false },
    { status: CLIENT_CLOSED, error: false, latency: false, prediction: false },
    { status: 500, error: true, latency: true, prediction: false },
    { status: 502, error: true, latency: true, prediction: false },
    { status: 503, error: true, latency: true, prediction: false },
    { status: 504, error: true, latency: true, prediction: false },
  ])('status $status: error $error, latency sampled $latency, prediction $prediction', ({ status, error, latency, prediction }) => {
    const { sampler } = fakeClock();
    sampler.record('r1', 12.5, status, classifier(0.1, 0.9));
    expect(sampler.window('r1', T0, T0 + 1000)).toEqual({
      requests: 1,
      errors: error ? 1 : 0,
      latenciesMs: latency ? [12.5] : [],
      predictions: prediction ? [1] : [],
    });
  });

  it('keeps revisions apart and returns every sample, in order, below the caps', () => {
    const { sampler, at } = fakeClock();
    sampler.record('base', 10, 200, scalar(0.25));
    sampler.record('canary', 30, 500);
    at(T0 + 400);
    sampler.record('base', 11, 200, scalar(0.75));
    sampler.record('canary', 31, 200, classifier(3, 1, 2));
    expect(sampler.window('base', T0, T0 + MINUTE)).toEqual({ requests: 2, errors: 0, latenciesMs: [10, 11], predictions: [0.25, 0.75] });
    expect(sampler.window('canary', T0, T0 + MINUTE)).toEqual({ requests: 2, errors: 1, latenciesMs: [30, 31], predictions: [0] });
    expect(sampler.window('unknown', T0, T0 + MINUTE)).toEqual({ requests: 0, errors: 0, latenciesMs: [], predictions: [] });
  });

  it('a negative or non-finite latency is counted but not sampled', () => {
    const { sampler } = fakeClock();
    sampler.record('r1', -1, 200);
    sampler.record('r1', Number.NaN, 200);
    sampler.record('r1', Infinity, 200);
    expect(sampler.window('r1', T0, T0 + 1000)).toMatchObject({ requests: 3, latenciesMs: [] });
  });
});

describe('window boundaries: a bucket belongs to [from, to) when its start does', () => {
  // One request at each of these instants (1 s buckets): T0 − 1 is in the bucket before T0.
  const times = [T0 - 1, T0, T0 + 999, T0 + 1000, T0 + 59_999, T0 + 60_000];
  it.each([
    { what: 'the minute [T0, T0 + 60 s): from inclusive, to exclusive', from: T0, to: T0 + MINUTE, requests: 4 },
    { what: 'one second', from: T0, to: T0 + 1000, requests: 2 },
    { what: 'the minute after', from: T0 + MINUTE, to: T0 + 2 * MINUTE, requests: 1 },
    { what: 'the second before', from: T0 - 1000, to: T0, requests: 1 },
    { what: 'unaligned bounds: only the bucket starting at T0 + 1000 starts in [T0 + 500, T0 + 1500)', from: T0 + 500, to: T0 + 1500, requests: 1 },
    { what: 'an interval shorter than a bucket, holding no bucket start', from: T0 + 1, to: T0 + 999, requests: 0 },
    { what: 'to = from', from: T0, to: T0, requests: 0 },
    { what: 'to < from', from: T0 + MINUTE, to: T0, requests: 0 },
  ])('$what → $requests', ({ from, to, requests }) => {
    const { sampler, at } = fakeClock();
    for (const t of times) {
      at(t);
      sampler.record('r1', 5, 200);
    }
    const w = sampler.window('r1', from, to);
    expect(w.requests).toBe(requests);
    expect(w.latenciesMs).toHaveLength(requests);
  });
});

describe('caps and memory', () => {
  /** `rate` requests a second for `seconds`, latencies 0..999 ms and classes 0, 1, 2 in turn. */
  function flood(sampler: AnalysisSampler, at: (ms: number) => void, rate: number, seconds: number): void {
    const bodies = [classifier(0.8, 0.1, 0.1), classifier(0.1, 0.8, 0.1), classifier(0.1, 0.1, 0.8)];
    for (let s = 0; s < seconds; s++) {
      for (let k = 0; k < rate; k++) {
        at(T0 + s * 1000 + Math.floor((k * 1000) / rate));
        sampler.record('r1', k % 1000, 200, bodies[k % 3]);
      }
    }
  }

  it('10 000 req/s for 60 s: every request counted, ≤ 200 latencies and 50 predictions per second kept, few bodies decoded', () => {
    const { sampler, at } = fakeClock();
    flood(sampler, at, 10_000, 60);
    const w = sampler.window('r1', T0, T0 + MINUTE);
    expect(w.requests).toBe(600_000);
    // Every second is at its cap, so thinning keeps them all: 60 × 200 and 60 × 50.
    expect(w.latenciesMs).toHaveLength(60 * 200);
    expect(w.predictions).toHaveLength(60 * 50);
    expect(windowProblems(w)).toEqual([]);
    // A uniform sample of latencies 0..999: mean 499.5, standard error 289 / √12000 ≈ 2.6.
    const mean = w.latenciesMs.reduce((a, b) => a + b, 0) / w.latenciesMs.length;
    expect(mean).toBeGreaterThan(485);
    expect(mean).toBeLessThan(515);
    // Classes in equal thirds: 1000 each expected, binomial sd ≈ 26.
    for (const c of [0, 1, 2]) {
      const n = w.predictions.filter((p) => p === c).length;
      expect(n).toBeGreaterThan(900);
      expect(n).toBeLessThan(1100);
    }
    const { sampleBytes, decodes } = sampler.footprint();
    expect(sampleBytes).toBe(60 * (200 + 50) * 8);
    // Algorithm R decodes c · (1 + ln(n / c)) ≈ 50 · 6.3 ≈ 315 bodies a second, not 10 000.
    expect(decodes).toBeLessThan(60 * 400);
  });

  it('memory stays at the bound once the ring has wrapped: slots are reused, not reallocated', () => {
    const { sampler, at } = fakeClock({ retentionMs: 10_000 });
    expect(sampler.maxSampleBytesPerRevision).toBe(10 * (200 + 50) * 8);
    flood(sampler, at, 2000, 60);
    expect(sampler.footprint().sampleBytes).toBe(sampler.maxSampleBytesPerRevision);
    // Only the last 10 s can be asked for.
    expect(sampler.window('r1', T0, T0 + MINUTE).requests).toBe(10 * 2000);
  });

  it('the default bound is 900 × (200 + 50) × 8 B = 1.8 MB per revision', () => {
    const { sampler } = fakeClock();
    expect(SAMPLER_DEFAULTS).toMatchObject({ retentionMs: 15 * MINUTE, latenciesPerBucket: 200, predictionsPerBucket: 50 });
    expect(sampler.maxSampleBytesPerRevision).toBe(1_800_000);
  });

  it('thins to a uniform sample when some seconds are over the cap (the worked example in window())', () => {
    const { sampler, at } = fakeClock();
    // 59 s at 100 req/s with latency 10 ms, then 1 s at 1000 req/s with latency 100 ms.
    for (let s = 0; s < 60; s++) {
      const busy = s === 59;
      for (let k = 0; k < (busy ? 1000 : 100); k++) {
        at(T0 + s * 1000);
        sampler.record('r1', busy ? 100 : 10, 200);
      }
    }
    const w = sampler.window('r1', T0, T0 + MINUTE);
    expect(w.requests).toBe(6900);
    // f = 200 / 1000 = 0.2 of every second: 59 × 20 quiet + 200 busy = 1380, and the busy
    // second's share of the sample (200 / 1380) is its share of the requests (1000 / 6900).
    expect(w.latenciesMs).toHaveLength(1380);
    expect(w.latenciesMs.filter((x) => x === 100)).toHaveLength(200);
    // Without the busy second nothing is over the cap: every request's latency.
    expect(sampler.window('r1', T0, T0 + 59_000).latenciesMs).toHaveLength(5900);
  });
});

describe('predictions', () => {
  it.each([
    { what: 'classifier [1, 3] → argmax', body: classifier(0.1, 0.7, 0.2), expected: 1 },
    { what: 'classifier tie → the lower index', body: classifier(0.4, 0.4, 0.2), expected: 0 },
    { what: 'scalar [1, 1]', body: scalar(0.83), expected: 0.83 },
    { what: 'label [1] (INT64)', body: oip({ name: 'label', datatype: 'INT64', shape: [1], data: [2] }), expected: 2 },
    { what: 'a 0-d scalar', body: oip({ name: 'y', datatype: 'FP64', shape: [], data: [4.5] }), expected: 4.5 },
    { what: 'BOOL', body: oip({ name: 'y', datatype: 'BOOL', shape: [1], data: [true] }), expected: 1 },
    { what: 'nested rows', body: oip({ name: 'p', datatype: 'FP32', shape: [1, 2], data: [[0.3, 0.7]] }), expected: 1 },
    { what: 'only the first output counts', body: oip({ name: 'p', datatype: 'FP32', shape: [1, 2], data: [0.9, 0.1] }, { name: 'label', datatype: 'INT64', shape: [1], data: [1] }), expected: 0 },
    { what: 'not JSON', body: Buffer.from('<html>oops'), expected: undefined },
    { what: 'empty body', body: Buffer.alloc(0), expected: undefined },
    { what: 'JSON null', body: Buffer.from('null'), expected: undefined },
    { what: 'no outputs', body: oip(), expected: undefined },
    { what: 'an error body', body: Buffer.from('{"error":"boom"}'), expected: undefined },
    { what: 'a batch [2, 3]: one request, several rows', body: oip({ name: 'p', datatype: 'FP32', shape: [2, 3], data: [1, 2, 3, 4, 5, 6] }), expected: undefined },
    { what: '1-D [3]: a batch of three, not a classifier', body: oip({ name: 'y', datatype: 'FP32', shape: [3], data: [1, 2, 3] }), expected: undefined },
    { what: 'shape and data disagree', body: oip({ name: 'p', datatype: 'FP32', shape: [1, 3], data: [1, 2] }), expected: undefined },
    { what: 'NaN sent as null', body: oip({ name: 'y', datatype: 'FP32', shape: [1], data: [null] }), expected: undefined },
    { what: 'BYTES', body: oip({ name: 'y', datatype: 'BYTES', shape: [1], data: ['cat'] }), expected: undefined },
    { what: 'a bad shape', body: oip({ name: 'y', datatype: 'FP32', shape: [-1], data: [1] }), expected: undefined },
  ])('$what → $expected', ({ body, expected }) => {
    expect(predictionOf(body)).toBe(expected);
  });

  it('an unparsable 2xx body is a request and a latency with no prediction; the sampler does not throw', () => {
    const { sampler } = fakeClock();
    sampler.record('r1', 8, 200, Buffer.from('{"outputs": [ truncated'));
    sampler.record('r1', 9, 200, classifier(0, 1));
    expect(sampler.window('r1', T0, T0 + 1000)).toEqual({ requests: 2, errors: 0, latenciesMs: [8, 9], predictions: [1] });
  });

  it('a body above maxDecodeBytes is not decoded at all', () => {
    const { sampler } = fakeClock({ maxDecodeBytes: 200 });
    const big = oip({ name: 'p', datatype: 'FP32', shape: [1, 40], data: Array.from({ length: 40 }, (_, i) => i / 40) });
    expect(big.length).toBeGreaterThan(200);
    sampler.record('r1', 1, 200, big);
    sampler.record('r1', 1, 200, classifier(1, 0));
    expect(sampler.window('r1', T0, T0 + 1000).predictions).toEqual([0]);
    expect(sampler.footprint().decodes).toBe(1);
  });
});

describe('retention and forget', () => {
  it('a window reaches back one retention period (15 min) from now, and an idle revision is dropped after it', () => {
    const { sampler, at } = fakeClock();
    sampler.record('old', 5, 200);
    at(T0 + 15 * MINUTE - 1);
    expect(sampler.window('old', T0, T0 + 1000).requests).toBe(1);
    at(T0 + 15 * MINUTE);
    expect(sampler.window('old', T0, T0 + 1000).requests).toBe(0);
    expect(sampler.revisions()).toEqual(['old']);
    // The next record anywhere sweeps revisions with nothing inside the retention period.
    sampler.record('new', 5, 200);
    expect(sampler.revisions()).toEqual(['new']);
    expect(sampler.footprint().revisions).toBe(1);
  });

  it('a slot is reused when the ring wraps, and a request from before the slot’s bucket (clock stepped back) is ignored', () => {
    const { sampler, at } = fakeClock();
    sampler.record('r1', 5, 200);
    at(T0 + 15 * MINUTE); // same slot as T0
    sampler.record('r1', 6, 500);
    at(T0);
    sampler.record('r1', 7, 200);
    at(T0 + 15 * MINUTE);
    expect(sampler.window('r1', T0 + 15 * MINUTE, T0 + 16 * MINUTE)).toEqual({ requests: 1, errors: 1, latenciesMs: [6], predictions: [] });
  });

  it('forget drops a revision’s samples and leaves the others', () => {
    const { sampler } = fakeClock();
    sampler.record('r1', 5, 200, scalar(1));
    sampler.record('r2', 5, 200, scalar(2));
    sampler.forget('r1');
    expect(sampler.revisions()).toEqual(['r2']);
    expect(sampler.window('r1', T0, T0 + 1000)).toEqual({ requests: 0, errors: 0, latenciesMs: [], predictions: [] });
    expect(sampler.window('r2', T0, T0 + 1000).predictions).toEqual([2]);
  });
});

it('property: counts match a brute-force count, windows are always sound, samples never exceed the caps', () => {
  const event = fc.record({
    dt: fc.integer({ min: 0, max: 1500 }),
    status: fc.constantFrom(200, 200, 200, 400, 429, 500, 503, CLIENT_CLOSED),
    latency: fc.integer({ min: 0, max: 500 }),
    body: fc.constantFrom('classifier', 'scalar', 'junk', 'none'),
  });
  fc.assert(
    fc.property(fc.array(event, { maxLength: 200 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), (events, a, b) => {
      // Tiny caps so thinning and reservoir replacement happen at this scale.
      const { sampler, at } = fakeClock({ latenciesPerBucket: 3, predictionsPerBucket: 2, retentionMs: 10 * MINUTE });
      let t = T0;
      const recorded: { t: number; status: number }[] = [];
      for (const e of events) {
        t += e.dt;
        at(t);
        const body = e.body === 'classifier' ? classifier(0.2, 0.8) : e.body === 'scalar' ? scalar(3) : e.body === 'junk' ? Buffer.from('{') : undefined;
        sampler.record('r', e.latency, e.status, body);
        recorded.push({ t, status: e.status });
      }
      const from = T0 + Math.min(a, b) * 1000;
      const to = T0 + Math.max(a, b) * 1000;
      const w = sampler.window('r', from, to);
      const inside = recorded.filter((r) => r.t >= from && r.t < to);
      expect(w.requests).toBe(inside.length);
      expect(w.errors).toBe(inside.filter((r) => r.status >= 500).length);
      expect(windowProblems(w)).toEqual([]);
      const seconds = new Set(inside.map((r) => Math.floor(r.t / 1000))).size;
      expect(w.latenciesMs.length).toBeLessThanOrEqual(3 * seconds);
      expect(w.predictions.length).toBeLessThanOrEqual(2 * seconds);
      expect(w.predictions.every((p) => p === 1 || p === 3)).toBe(true);
    }),
    { seed: 5, numRuns: 300 },
  );
});
