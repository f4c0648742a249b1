// LoadFolder driven tick by tick with explicit times (no clock): requests spread over the
// minutes a tick covers, per-real-second rates under speedup, the recent window, counter
// resets, time going backwards and long gaps, and conservation over random tick sequences.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LoadFolder, MAX_GAP_MS, MINUTE_MS, type FoldedMinute } from './load-folder.js';

/** 12:00:00 UTC on a Monday: a minute boundary, so offsets read as clock times. */
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
const s = (seconds: number): number => T0 + seconds * 1000;

/** Feeds [seconds after T0, cumulative arrivals, concurrency] samples; returns every minute emitted, in order. */
function feed(folder: LoadFolder, samples: readonly (readonly [number, number, number?])[]): FoldedMinute[] {
  return samples.flatMap(([sec, arrivals, concurrency]) => folder.add(s(sec), arrivals, concurrency ?? 0));
}

describe('LoadFolder: the worked example in the header', () => {
  it('ticks at 12:00:55 and 12:01:05 with 100 requests in between: 50 to each minute, 12:00 written as 100 req/s', () => {
    const f = new LoadFolder();
    // 12:00:00 → 12:00:55: 5 950 requests (all in the 12:00 minute).
    expect(f.add(s(0), 0, 0)).toEqual([]);
    expect(f.add(s(55), 5950, 0)).toEqual([]);
    // 12:00:55 → 12:01:05: 100 requests, 5 s in each minute → 50 + 50. The 12:00 minute now
    // holds 5 950 + 50 = 6 000 requests over 60 s = 100 req/s.
    const done = f.add(s(65), 6050, 0);
    expect(done).toHaveLength(1);
    expect(done[0]!.start).toBe(T0);
    expect(done[0]!.coveredMs).toBe(60_000);
    expect(done[0]!.rps).toBeCloseTo(100, 9);
    // The 50 credited to 12:01 surface when that minute completes: 12:01:05 → 12:02:00 adds
    // 5 450 more, so 12:01 holds 50 + 5 450 = 5 500 over 60 s.
    const next = f.add(s(120), 11_500, 0);
    expect(next.map((m) => m.start)).toEqual([T0 + MINUTE_MS]);
    expect(next[0]!.rps).toBeCloseTo(5500 / 60, 9);
  });
});

describe('LoadFolder: minutes', () => {
  it('ticks exactly on minute boundaries emit one whole minute per tick', () => {
    const f = new LoadFolder();
    expect(f.add(s(0), 0, 0)).toEqual([]);
    // [12:00, 12:01] covers exactly the 12:00 minute; the loop must not open a 12:01 bucket.
    expect(f.add(s(60), 600, 3)).toEqual([{ start: T0, rps: 10, concurrency: 3, coveredMs: 60_000 }]);
    expect(f.add(s(120), 1800, 5)).toEqual([{ start: T0 + MINUTE_MS, rps: 20, concurrency: 5, coveredMs: 60_000 }]);
  });

  it('ticks every 10 s for 3 minutes at a constant 7 req/s: each complete minute is 7 req/s', () => {
    const f = new LoadFolder();
    // Start 5 s past the minute so ticks straddle no boundary exactly: 12:00:05, :15, … 12:03:05.
    const minutes: FoldedMinute[] = [];
    for (let k = 0; k <= 18; k++) minutes.push(...f.add(s(5 + 10 * k), 7 * 10 * k, 2));
    // 12:00 was covered only from 12:00:05 (55 s); 12:01 and 12:02 whole; 12:03 is still open.
    expect(minutes.map((m) => m.start)).toEqual([T0, T0 + MINUTE_MS, T0 + 2 * MINUTE_MS]);
    expect(minutes.map((m) => m.coveredMs)).toEqual([55_000, 60_000, 60_000]);
    for (const m of minutes) {
      expect(m.rps).toBeCloseTo(7, 9);
      expect(m.concurrency).toBeCloseTo(2, 9);
    }
  });

  it('a controller that starts mid-minute writes the rate over the part it saw', () => {
    const f = new LoadFolder();
    // 12:00:30 → 12:01:00: 300 requests over 30 s → 10 req/s, coveredMs 30 000.
    expect(feed(f, [[30, 1000], [60, 1300]])).toEqual([{ start: T0, rps: 10, concurrency: 0, coveredMs: 30_000 }]);
  });

  it('concurrency is the mean over the minute weighted by time', () => {
    const f = new LoadFolder();
    // 20 s at 1 (the sample at 12:00:20), then 40 s at 4 (the sample at 12:01:00):
    // (1·20 + 4·40) / 60 = 3.
    const [m] = feed(f, [[0, 0, 9], [20, 10, 1], [60, 30, 4]]);
    expect(m!.concurrency).toBeCloseTo(3, 12);
  });

  it('one tick spanning several minutes credits each its share and emits them oldest first', () => {
    const f = new LoadFolder();
    // 12:00:30 → 12:03:30 (180 s) with 1 800 requests: 10/s, so 300 | 600 | 600 | 300.
    const done = feed(f, [[30, 0], [210, 1800]]);
    expect(done.map((m) => [m.start - T0, m.coveredMs])).toEqual([
      [0, 30_000],
      [MINUTE_MS, 60_000],
      [2 * MINUTE_MS, 60_000],
    ]);
    for (const m of done) expect(m.rps).toBeCloseTo(10, 9);
  });

  it('speedup 60: a controller minute is one real second, so 60 requests in it are 60 req/s', () => {
    const f = new LoadFolder(60);
    // Controller ticks every 10 s (1/6 real second), 10 requests each: 60 per controller minute.
    const minutes: FoldedMinute[] = [];
    for (let k = 0; k <= 12; k++) minutes.push(...f.add(s(10 * k), 10 * k, 4));
    expect(minutes.map((m) => m.start)).toEqual([T0, T0 + MINUTE_MS]);
    for (const m of minutes) {
      expect(m.rps).toBeCloseTo(60, 9);
      expect(m.coveredMs).toBe(60_000); // coveredMs stays in controller ms
      expect(m.concurrency).toBe(4); // concurrency is a count, not a rate: no speedup
    }
    expect(f.recentRate()).toBeCloseTo(60, 9);
  });

  it.each([
    { speedup: 1, rps: 5 },
    { speedup: 2, rps: 10 },
    { speedup: 0.5, rps: 2.5 },
    { speedup: 600, rps: 3000 },
  ])('300 requests in one controller minute at speedup $speedup are $rps req/s', ({ speedup, rps }) => {
    const f = new LoadFolder(speedup);
    const [m] = feed(f, [[0, 0], [60, 300]]);
    expect(m!.rps).toBeCloseTo(rps, 9);
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects speedup %s', (speedup) => {
    expect(() => new LoadFolder(speedup)).toThrow(RangeError);
    expect(() => new LoadFolder(speedup)).toThrow(`speedup = ${speedup}, must be a finite number > 0`);
  });
});

describe('LoadFolder: recentRate and recentConcurrency', () => {
  it('are undefined before two ticks', () => {
    const f = new LoadFolder();
    expect(f.recentRate()).toBeUndefined();
    expect(f.recentConcurrency()).toBeUndefined();
    f.add(s(0), 100, 3);
    expect(f.recentRate()).toBeUndefined();
    expect(f.recentConcurrency()).toBeUndefined();
  });

  it('cover the last minute only', () => {
    const f = new LoadFolder();
    // Two minutes at 10 req/s and concurrency 1, then 40 req/s and concurrency 8.
    let arrivals = 0;
    f.add(s(0), arrivals, 0);
    for (let k = 1; k <= 12; k++) f.add(s(10 * k), (arrivals += 100), 1);
    expect(f.recentRate()).toBeCloseTo(10, 9);
    // Half a minute into the new rate: (3·100 + 3·400) / 60 s = 25 req/s; (3·1 + 3·8)/6 = 4.5.
    for (let k = 13; k <= 15; k++) f.add(s(10 * k), (arrivals += 400), 8);
    expect(f.recentRate()).toBeCloseTo(25, 9);
    expect(f.recentConcurrency()).toBeCloseTo(4.5, 9);
    // A full minute of the new rate: the old intervals (ending at or before now − 60 s) are out.
    for (let k = 16; k <= 18; k++) f.add(s(10 * k), (arrivals += 400), 8);
    expect(f.recentRate()).toBeCloseTo(40, 9);
    expect(f.recentConcurrency()).toBeCloseTo(8, 9);
  });

  it('weight concurrency by the time of each interval', () => {
    const f = new LoadFolder();
    // 10 s at 2, then 20 s at 5 → (2·10 + 5·20) / 30 = 4.
    feed(f, [[0, 0, 0], [10, 0, 2], [30, 0, 5]]);
    expect(f.recentConcurrency()).toBeCloseTo(4, 12);
    expect(f.recentRate()).toBe(0);
  });

  it('honour a custom window and the speedup', () => {
    const f = new LoadFolder(10, 20_000);
    // Window 20 controller s: only the last two 10 s intervals, 50 + 70 requests over
    // 20 controller s = 2 real s → 60 req/s.
    feed(f, [[0, 0], [10, 30], [20, 80], [30, 150]]);
    expect(f.recentRate()).toBeCloseTo(60, 9);
  });
});

describe('LoadFolder: counter resets, time going backwards, long gaps', () => {
  it('a counter below its last value counts from 0 again (the gateway restarted)', () => {
    const f = new LoadFolder();
    // 1 000 → 1 100: 100 requests; then 30 (restarted, 30 since) → 30, not −1 070.
    feed(f, [[0, 1000], [10, 1100], [20, 30]]);
    expect(f.recentRate()).toBeCloseTo(130 / 20, 12);
    // The minute collects 100 + 30 + (then 60 − 30 = 30 more by 12:01) = 160 requests over 60 s.
    const done = feed(f, [[60, 60]]);
    expect(done).toHaveLength(1);
    expect(done[0]!.rps).toBeCloseTo(160 / 60, 12);
  });

  it('time going backwards drops the open minutes and the recent window, then starts afresh', () => {
    const f = new LoadFolder();
    expect(feed(f, [[0, 0], [30, 300]])).toEqual([]);
    expect(f.add(s(20), 400, 0)).toEqual([]);
    expect(f.recentRate()).toBeUndefined();
    expect(f.recentConcurrency()).toBeUndefined();
    // From 12:00:20 only: 12:00:20 → 12:01:00 with 400 → 800 is 400 over 40 s.
    expect(f.add(s(60), 800, 1)).toEqual([{ start: T0, rps: 10, concurrency: 1, coveredMs: 40_000 }]);
  });

  it('a repeated sample at the same time loses nothing: its requests go to the next interval', () => {
    const f = new LoadFolder();
    // 12:00:00 → 12:00:30 at 10/s, a second sample at 12:00:30 (100 more), then 12:01:00.
    feed(f, [[0, 0], [30, 300]]);
    expect(f.add(s(30), 400, 0)).toEqual([]);
    expect(f.recentRate()).toBeCloseTo(10, 12);
    const done = f.add(s(60), 600, 0);
    // All 600 requests of the minute are kept: 10 req/s over 60 s.
    expect(done).toEqual([{ start: T0, rps: 10, concurrency: 0, coveredMs: 60_000 }]);
  });

  it('a pause of exactly MAX_GAP_MS is still spread over the minutes it covers', () => {
    const f = new LoadFolder();
    const done = feed(f, [[0, 0], [MAX_GAP_MS / 1000, 3000]]);
    expect(done).toHaveLength(5);
    for (const m of done) {
      expect(m.rps).toBeCloseTo(10, 9);
      expect(m.coveredMs).toBe(60_000);
    }
  });

  it('a pause longer than MAX_GAP_MS starts afresh instead of smearing its requests', () => {
    const f = new LoadFolder();
    feed(f, [[0, 0], [30, 300]]);
    const resume = s(30) + MAX_GAP_MS + 1;
    expect(f.add(resume, 100_000, 0)).toEqual([]);
    expect(f.recentRate()).toBeUndefined();
    // The next tick measures from the resumed sample only: 600 over 10 s.
    f.add(resume + 10_000, 100_600, 0);
    expect(f.recentRate()).toBeCloseTo(60, 9);
  });
});

// --- Conservation over random tick sequences --------------------------------------------

interface Tick {
  /** Controller ms since the previous tick: may be 0, negative, or beyond MAX_GAP_MS. */
  dt: number;
  /** Requests since the previous tick, or, when `reset`, the counter's value after a restart. */
  inc: number;
  reset: boolean;
  concurrency: number;
}

const tick: fc.Arbitrary<Tick> = fc.record({
  dt: fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 1, max: 3 * MINUTE_MS }) },
    { weight: 1, arbitrary: fc.constantFrom(0, -5_000, MAX_GAP_MS, MAX_GAP_MS + 1) },
  ),
  inc: fc.integer({ min: 0, max: 5_000 }),
  // About one tick in twenty sees the gateway restarted.
  reset: fc.integer({ min: 0, max: 19 }).map((r) => r === 0),
  concurrency: fc.integer({ min: 0, max: 50 }),
});
const ticks = fc.array(tick, { minLength: 1, maxLength: 40 });

/**
 * The model: each accepted interval [a, b] with `count` requests credits the minutes before
 * B = the last minute boundary its run of ticks reached (a run ends at time going backwards
 * or a gap > MAX_GAP_MS) in proportion to time: count · (min(b, B) − a) / (b − a). A
 * repeated time adds nothing, and its requests are counted in the next interval.
 */
function creditedToCompletedMinutes(start: number, seq: readonly Tick[]): number {
  let total = 0;
  let run: { a: number; b: number; count: number }[] = [];
  const closeRun = (lastT: number): void => {
    const B = Math.floor(lastT / MINUTE_MS) * MINUTE_MS;
    for (const iv of run) total += (iv.count * Math.max(0, Math.min(iv.b, B) - iv.a)) / (iv.b - iv.a);
    run = [];
  };
  let t = start;
  let counter = 0;
  let ref = { t, arrivals: counter };
  for (const k of seq) {
    t += k.dt;
    counter = k.reset ? k.inc : counter + k.inc;
    const dt = t - ref.t;
    if (dt === 0) continue;
    if (dt < 0 || dt > MAX_GAP_MS) {
      closeRun(ref.t);
      ref = { t, arrivals: counter };
      continue;
    }
    const count = counter >= ref.arrivals ? counter - ref.arrivals : counter;
    run.push({ a: ref.t, b: t, count });
    ref = { t, arrivals: counter };
  }
  closeRun(ref.t);
  return total;
}

describe('LoadFolder: conservation (fast-check)', () => {
  it('Σ rps × coveredMs / 1000 / speedup over emitted minutes = the arrivals credited to completed minutes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 * MINUTE_MS }),
        fc.constantFrom(1, 60, 0.5, 7),
        ticks,
        (offset, speedup, seq) => {
          const f = new LoadFolder(speedup);
          const start = T0 + offset;
          let t = start;
          let counter = 0;
          let emitted = 0;
          f.add(t, counter, 0);
          for (const k of seq) {
            t += k.dt;
            counter = k.reset ? k.inc : counter + k.inc;
            const done = f.add(t, counter, k.concurrency);
            // Each call returns minute starts, oldest first, each a covered part of one minute.
            done.forEach((m, i) => {
              expect(m.start % MINUTE_MS).toBe(0);
              expect(m.start + MINUTE_MS).toBeLessThanOrEqual(t);
              expect(m.coveredMs).toBeGreaterThan(0);
              expect(m.coveredMs).toBeLessThanOrEqual(MINUTE_MS);
              expect(m.rps).toBeGreaterThanOrEqual(0);
              expect(m.concurrency).toBeGreaterThanOrEqual(0);
              expect(m.concurrency).toBeLessThanOrEqual(50);
              if (i > 0) expect(m.start).toBeGreaterThan(done[i - 1]!.start);
            });
            emitted += done.reduce((sum, m) => sum + (m.rps * m.coveredMs) / 1000 / speedup, 0);
          }
          const expected = creditedToCompletedMinutes(start, seq);
          expect(Math.abs(emitted - expected)).toBeLessThanOrEqual(1e-6 * Math.max(1, expected));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('with steady ticks ending on a minute boundary, every request is emitted exactly once', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 90_000 }), fc.integer({ min: 0, max: 1000 })), { minLength: 1, maxLength: 30 }),
        ([...steps]) => {
          const f = new LoadFolder();
          let t = T0;
          let counter = 0;
          let emitted = 0;
          f.add(t, 0, 0);
          for (const [dt, inc] of steps) {
            t += dt;
            counter += inc;
            emitted += f.add(t, counter, 1).reduce((sum, m) => sum + (m.rps * m.coveredMs) / 1000, 0);
          }
          // A last tick on the next minute boundary closes every open minute.
          const end = Math.floor(t / MINUTE_MS) * MINUTE_MS + MINUTE_MS;
          emitted += f.add(end, counter, 1).reduce((sum, m) => sum + (m.rps * m.coveredMs) / 1000, 0);
          expect(emitted).toBeCloseTo(counter, 6);
        },
      ),
    );
  });
});
