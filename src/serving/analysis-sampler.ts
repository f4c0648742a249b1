// Per-revision traffic samples for canary analysis (issue 5): the gateway reports every
// finished infer request here, and each analysis interval the controller asks for the
// baseline's and the canary's RevisionWindow (analysis/window.ts) over the same [from, to).
//
// Memory is bounded at any request rate. Per revision, a ring of `retentionMs / bucketMs`
// one-second buckets holds request and error counts and two capped reservoirs (Vitter's
// Algorithm R): latencies and predictions. With the defaults (15 min, 1 s buckets, 200
// latencies and 50 predictions per bucket) that is at most 900 × (200 + 50) × 8 B = 1.8 MB
// of samples per revision, plus about 900 × 40 B of counters, whatever the load. A revision's
// ring is dropped by `forget` and, at the latest, once it has seen no traffic for a whole
// retention period.
//
// The hot path (`record`) counts, draws one random number once a bucket's reservoir is
// full, and writes into typed arrays reused from one retention period to the next. Only a
// response the prediction reservoir keeps is JSON-decoded: with a cap of c and n answers in
// a bucket that is c · (1 + ln(n / c)) decodes on average, e.g. 50 · (1 + ln 200) ≈ 315 a
// second at 10 000 req/s.
//
// Time comes from the injected `now`, randomness from the injected generator: the sampler
// never reads a clock or Math.random, so tests replay it exactly.

import type { RevisionWindow } from '../analysis/window.js';
import type { Random } from '../spec/random.js';

/** nginx's code for "the client closed the connection": counted as a request, not an error, no latency. */
export const CLIENT_CLOSED = 499;

export interface SamplerOptions {
  now: () => number;
  random: Random;
  /** Bucket width; windows are resolved to whole buckets. Default 1000 ms. */
  bucketMs?: number;
  /** How far back windows can reach. Default 15 min. */
  retentionMs?: number;
  /** Latency samples kept per revision per bucket. Default 200. */
  latenciesPerBucket?: number;
  /** Predictions kept per revision per bucket. Default 50. */
  predictionsPerBucket?: number;
  /** Larger response bodies are not decoded (no prediction): an embedding is not a class. Default 64 KiB. */
  maxDecodeBytes?: number;
}

export const SAMPLER_DEFAULTS = {
  bucketMs: 1000,
  retentionMs: 15 * 60_000,
  latenciesPerBucket: 200,
  predictionsPerBucket: 50,
  maxDecodeBytes: 64 * 1024,
} as const;

/** One revision's buckets. Slot i holds bucket `bucket[i]` (NaN while unused). */
class Ring {
  readonly bucket: Float64Array;
  readonly requests: Uint32Array;
  readonly errors: Uint32Array;
  /** Requests offered to each reservoir: the n of Algorithm R. */
  readonly latencySeen: Uint32Array;
  readonly predictionSeen: Uint32Array;
  /** Allocated on a slot's first sample, then reused. A prediction slot holds NaN for an answer that did not decode. */
  readonly latencies: (Float64Array | undefined)[];
  readonly predictions: (Float64Array | undefined)[];
  last = -Infinity;

  constructor(slots: number) {
    this.bucket = new Float64Array(slots).fill(NaN);
    this.requests = new Uint32Array(slots);
    this.errors = new Uint32Array(slots);
    this.latencySeen = new Uint32Array(slots);
    this.predictionSeen = new Uint32Array(slots);
    this.latencies = new Array<Float64Array | undefined>(slots).fill(undefined);
    this.predictions = new Array<Float64Array | undefined>(slots).fill(undefined);
  }
}

export interface SamplerFootprint {
  revisions: number;
  /** Bytes of sample arrays allocated now. */
  sampleBytes: number;
  /** Response bodies JSON-decoded since construction. */
  decodes: number;
}

export class AnalysisSampler {
  readonly #now: () => number;
  readonly #random: Random;
  readonly #bucketMs: number;
  readonly #slots: number;
  readonly #latencyCap: number;
  readonly #predictionCap: number;
  readonly #maxDecodeBytes: number;
  readonly #rings = new Map<string, Ring>();
  #sweptAt = -Infinity;
  #decodes = 0;

  constructor(opts: SamplerOptions) {
    this.#now = opts.now;
    this.#random = opts.random;
    this.#bucketMs = opts.bucketMs ?? SAMPLER_DEFAULTS.bucketMs;
    this.#slots = Math.max(1, Math.ceil((opts.retentionMs ?? SAMPLER_DEFAULTS.retentionMs) / this.#bucketMs));
    this.#latencyCap = opts.latenciesPerBucket ?? SAMPLER_DEFAULTS.latenciesPerBucket;
    this.#predictionCap = opts.predictionsPerBucket ?? SAMPLER_DEFAULTS.predictionsPerBucket;
    this.#maxDecodeBytes = opts.maxDecodeBytes ?? SAMPLER_DEFAULTS.maxDecodeBytes;
  }

  /** The most sample bytes one revision can hold: slots × (latency cap + prediction cap) × 8. */
  get maxSampleBytesPerRevision(): number {
    return this.#slots * (this.#latencyCap + this.#predictionCap) * 8;
  }

  /**
   * One finished infer request, at `now()`. `status` ≥ 500 is an error (gateway or model);
   * 4xx and CLIENT_CLOSED are not. `body` is the response of a 2xx, for predictions.
   */
  record(revision: string, latencyMs: number, status: number, body?: Buffer): void {
    const bucket = Math.floor(this.#now() / this.#bucketMs);
    if (bucket > this.#sweptAt) this.#sweep(bucket);
    let ring = this.#rings.get(revision);
    if (!ring) {
      ring = new Ring(this.#slots);
      this.#rings.set(revision, ring);
    }
    const i = ((bucket % this.#slots) + this.#slots) % this.#slots;
    const held = ring.bucket[i] as number;
    if (held !== bucket) {
      // The slot holds a newer bucket only if the clock stepped back by a whole retention
      // period: such a request is older than anything a window may ask for.
      if (held > bucket) return;
      ring.bucket[i] = bucket;
      ring.requests[i] = 0;
      ring.errors[i] = 0;
      ring.latencySeen[i] = 0;
      ring.predictionSeen[i] = 0;
    }
    if (bucket > ring.last) ring.last = bucket;
    ring.requests[i] = ring.requests[i]! + 1;
    if (status >= 500) ring.errors[i] = ring.errors[i]! + 1;
    if (status !== CLIENT_CLOSED && latencyMs >= 0 && latencyMs < Infinity) {
      const n = (ring.latencySeen[i] = ring.latencySeen[i]! + 1);
      const k = this.#reservoirSlot(n, this.#latencyCap);
      if (k >= 0) (ring.latencies[i] ??= new Float64Array(this.#latencyCap))[k] = latencyMs;
    }
    if (body !== undefined && status >= 200 && status < 300) {
      const n = (ring.predictionSeen[i] = ring.predictionSeen[i]! + 1);
      const k = this.#reservoirSlot(n, this.#predictionCap);
      if (k >= 0) (ring.predictions[i] ??= new Float64Array(this.#predictionCap))[k] = this.#decode(body);
    }
  }

  /**
   * Counts and samples of `revision` over [from, to), resolved to whole buckets: a bucket
   * belongs to the window when its start lies in [from, to) (with 1 s buckets and
   * second-aligned bounds, exactly the requests finished in [from, to)). The window reaches
   * back at most one retention period before `now()`; an unknown revision gives zeros.
   *
   * The samples are thinned so that every request had the same chance to be in them.
   * Why: a bucket above its cap keeps a smaller share of its requests than a quiet one, so
   * concatenating buckets would over-weight quiet seconds — and a 10 % canary is quiet while
   * its baseline is capped, so only the baseline's sample would lean towards low-load
   * latencies. With f = the smallest share kept by any bucket, bucket b contributes f · n_b
   * samples, rounded cumulatively (systematic sampling: floor(Σ + ½) − floor(previous Σ + ½))
   * so the total is round(f · Σ n) and no bucket is rounded away unfairly; within a bucket,
   * evenly spaced reservoir entries. Worked example: 59 s at 100 req/s (all kept, share 1)
   * and 1 s at 1000 req/s (200 kept, share 0.2) → f = 0.2 → 20 from each quiet second and
   * 200 from the busy one: 1380 latencies, a uniform 20 % of the 6900 requests.
   */
  window(revision: string, from: number, to: number): RevisionWindow {
    const ring = this.#rings.get(revision);
    const oldest = Math.floor(this.#now() / this.#bucketMs) - this.#slots + 1;
    const first = Math.max(oldest, Math.ceil(from / this.#bucketMs));
    const last = Math.ceil(to / this.#bucketMs) - 1;
    const slots: number[] = [];
    let requests = 0;
    let errors = 0;
    if (ring) {
      for (let b = first; b <= last && b <= ring.last; b++) {
        const i = ((b % this.#slots) + this.#slots) % this.#slots;
        if (ring.bucket[i] !== b) continue;
        slots.push(i);
        requests += ring.requests[i]!;
        errors += ring.errors[i]!;
      }
    }
    if (!ring || slots.length === 0) return { requests, errors, latenciesMs: [], predictions: [] };
    const latenciesMs = thinned(slots, ring.latencySeen, ring.latencies, this.#latencyCap);
    const predictions = thinned(slots, ring.predictionSeen, ring.predictions, this.#predictionCap).filter((p) => !Number.isNaN(p));
    return { requests, errors, latenciesMs, predictions };
  }

  /** Drop a retired revision's samples. A request still in flight may record a few more; they age out. */
  forget(revision: string): void {
    this.#rings.delete(revision);
  }

  /** Revisions with samples held. */
  revisions(): string[] {
    return [...this.#rings.keys()];
  }

  footprint(): SamplerFootprint {
    let sampleBytes = 0;
    for (const ring of this.#rings.values()) {
      for (const a of ring.latencies) sampleBytes += a?.byteLength ?? 0;
      for (const a of ring.predictions) sampleBytes += a?.byteLength ?? 0;
    }
    return { revisions: this.#rings.size, sampleBytes, decodes: this.#decodes };
  }

  /** Algorithm R: the n-th item (1-based) goes to slot n − 1 while there is room, then replaces slot j with probability cap / n; −1 = not kept. */
  #reservoirSlot(n: number, cap: number): number {
    if (n <= cap) return n - 1;
    // floor(u · n) is uniform on [0, n − 1] because u < 1.
    const j = Math.floor(this.#random() * n);
    return j < cap ? j : -1;
  }

  #decode(body: Buffer): number {
    if (body.length > this.#maxDecodeBytes) return NaN;
    this.#decodes++;
    return predictionOf(body) ?? NaN;
  }

  /** Once per bucket: drop revisions with no traffic for a whole retention period (a revision retired without `forget`). */
  #sweep(bucket: number): void {
    this.#sweptAt = bucket;
    for (const [id, ring] of this.#rings) if (ring.last <= bucket - this.#slots) this.#rings.delete(id);
  }
}

/** Evenly spaced samples from each bucket, f · n_b of them, rounded cumulatively (see `window`). */
function thinned(slots: readonly number[], seen: Uint32Array, samples: readonly (Float64Array | undefined)[], cap: number): number[] {
  let share = 1;
  for (const i of slots) {
    const n = seen[i]!;
    if (n > cap) share = Math.min(share, cap / n);
  }
  const out: number[] = [];
  let wanted = 0;
  for (const i of slots) {
    const n = seen[i]!;
    const values = samples[i];
    if (n === 0 || !values) continue;
    const held = Math.min(n, cap);
    const before = Math.floor(wanted + 0.5);
    wanted += share * n;
    const take = Math.min(held, Math.floor(wanted + 0.5) - before);
    for (let t = 0; t < take; t++) out.push(values[Math.floor(((t + 0.5) * held) / take)]!);
  }
  return out;
}

/**
 * The prediction in an OIP v2 response body, reduced as window.ts asks: the first output;
 * shape [1, k] with k > 1 → the index of the largest value (a classifier; a tie goes to the
 * lower index); a single value (shape [], [1], [1, 1], …) → that value (true/false → 1/0).
 * Anything else — not JSON, no outputs, a batch, strings, a non-finite value — gives
 * undefined: no prediction, never an exception.
 */
export function predictionOf(body: Buffer): number | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  const outputs = (doc as { outputs?: unknown } | null)?.outputs;
  if (!Array.isArray(outputs)) return undefined;
  const output = outputs[0] as { shape?: unknown; data?: unknown } | null | undefined;
  const shape = output?.shape;
  const data = output?.data;
  if (!Array.isArray(shape) || !Array.isArray(data) || !shape.every((d) => Number.isInteger(d) && (d as number) >= 0)) return undefined;
  // Flat row-major data is the protocol's form; some servers nest rows, so flatten.
  const values = (data as unknown[]).flat(Infinity).map((v) => (typeof v === 'boolean' ? Number(v) : v));
  if (!values.every((v): v is number => typeof v === 'number' && Number.isFinite(v))) return undefined;
  const size = (shape as number[]).reduce((a, d) => a * d, 1);
  if (values.length !== size) return undefined;
  if (size === 1) return values[0];
  if (shape.length !== 2 || shape[0] !== 1) return undefined;
  let best = 0;
  for (let j = 1; j < values.length; j++) if (values[j]! > values[best]!) best = j;
  return best;
}
