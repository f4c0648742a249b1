// Turns the gateway's cumulative request counter, sampled once per controller tick, into
// the deployment's load series: one point per minute (req/s and mean concurrency) for the
// store, and the request rate over the last minute for the planner's reactive part.
//
// Ticks do not fall on minute boundaries, so each tick's requests are spread over the
// minutes its interval covers in proportion to the time in each. Worked example (speedup 1):
// ticks at 12:00:55 and 12:01:05 with 100 requests in between → 50 to the 12:00 minute and
// 50 to 12:01; the 12:00 minute is complete at 12:01:05 and, having been covered for 60 s
// with 6 000 requests, is written as 100 req/s.
//
// Rates are per *real* second. In demo mode the controller clock runs `speedup` times faster
// than real time (a minute of controller time is 60/speedup real seconds), while requests
// arrive in real time: 60 requests in one controller minute at speedup 60 are 60 req/s.
//
// Takes time as an argument and reads no clock (a fake-clock test drives it tick by tick).

export interface FoldedMinute {
  /** The minute's start, epoch ms on the controller clock. */
  start: number;
  /** Requests per real second over the part of the minute that was observed. */
  rps: number;
  /** Mean requests in flight or queued, weighted by time. */
  concurrency: number;
  /** Controller ms of the minute the ticks covered (60 000 unless the controller started or stopped within it). */
  coveredMs: number;
}

export const MINUTE_MS = 60_000;
/** A pause longer than this (a stopped process, a suspended laptop) starts afresh instead of smearing its requests over every minute it missed. */
export const MAX_GAP_MS = 5 * MINUTE_MS;

interface Bucket {
  count: number;
  coveredMs: number;
  concurrencyMs: number;
}

interface Interval {
  from: number;
  to: number;
  count: number;
  concurrency: number;
}

export class LoadFolder {
  readonly #speedup: number;
  readonly #recentMs: number;
  #last: { t: number; arrivals: number } | undefined;
  readonly #buckets = new Map<number, Bucket>();
  #recent: Interval[] = [];

  /** `recentMs`: the window of `recentRate` (controller ms; default one minute). */
  constructor(speedup = 1, recentMs = MINUTE_MS) {
    if (!(speedup > 0) || !Number.isFinite(speedup)) throw new RangeError(`speedup = ${speedup}, must be a finite number > 0`);
    this.#speedup = speedup;
    this.#recentMs = recentMs;
  }

  /**
   * One tick's sample at controller time `t`: the cumulative arrivals and the requests in
   * flight or queued right now. Returns the minutes completed by this tick, oldest first.
   */
  add(t: number, arrivals: number, concurrency: number): FoldedMinute[] {
    const last = this.#last;
    if (last !== undefined && t === last.t) {
      // A second sample at the same instant (two ticks within one clock reading) is not time
      // going backwards: keep the earlier sample as the reference, so the requests counted
      // in between land in the next interval instead of the open minutes being dropped.
      return [];
    }
    this.#last = { t, arrivals };
    if (last === undefined) return [];
    const dt = t - last.t;
    if (dt <= 0 || dt > MAX_GAP_MS) {
      // Time went backwards (a demo clock restarted) or a long pause: no rate can be
      // attributed; the partial minutes are dropped rather than written half-known.
      this.#buckets.clear();
      this.#recent = [];
      return [];
    }
    // A counter below its last value means the gateway restarted and counts from 0 again.
    const delta = arrivals >= last.arrivals ? arrivals - last.arrivals : arrivals;
    this.#recent.push({ from: last.t, to: t, count: delta, concurrency });
    this.#recent = this.#recent.filter((iv) => iv.to > t - this.#recentMs);

    for (let m = Math.floor(last.t / MINUTE_MS) * MINUTE_MS; m < t; m += MINUTE_MS) {
      const overlap = Math.min(t, m + MINUTE_MS) - Math.max(last.t, m);
      if (overlap <= 0) continue;
      const b = this.#buckets.get(m) ?? { count: 0, coveredMs: 0, concurrencyMs: 0 };
      b.count += (delta * overlap) / dt;
      b.coveredMs += overlap;
      b.concurrencyMs += concurrency * overlap;
      this.#buckets.set(m, b);
    }
    const done: FoldedMinute[] = [];
    for (const [start, b] of [...this.#buckets].sort(([a], [c]) => a - c)) {
      if (start + MINUTE_MS > t) continue;
      this.#buckets.delete(start);
      done.push({ start, rps: this.#perRealSecond(b.count, b.coveredMs), concurrency: b.concurrencyMs / b.coveredMs, coveredMs: b.coveredMs });
    }
    return done;
  }

  /** Requests per real second over the last window, or undefined before two ticks. */
  recentRate(): number | undefined {
    const span = this.#recent.reduce((s, iv) => s + (iv.to - iv.from), 0);
    if (span <= 0) return undefined;
    return this.#perRealSecond(
      this.#recent.reduce((s, iv) => s + iv.count, 0),
      span,
    );
  }

  /** Mean concurrency over the last window (time-weighted), or undefined before two ticks. */
  recentConcurrency(): number | undefined {
    const span = this.#recent.reduce((s, iv) => s + (iv.to - iv.from), 0);
    if (span <= 0) return undefined;
    return this.#recent.reduce((s, iv) => s + iv.concurrency * (iv.to - iv.from), 0) / span;
  }

  /** `count` requests over `controllerMs` of controller time, as requests per real second. */
  #perRealSecond(count: number, controllerMs: number): number {
    return controllerMs > 0 ? count / (controllerMs / this.#speedup / 1000) : 0;
  }
}
