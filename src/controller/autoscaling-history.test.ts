// A deployment's load history between the API and the store: imports turned into 1-minute
// points (repeated or averaged, every rejection with its message), stored minutes turned
// into the forecaster's regular series (gaps as NaN) and into the history view (gaps as
// null, the last import from its event), and period lengths in words.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { HISTORY_STEP_MS, MAX_HISTORY_POINTS, type HistoryImport } from '../api/autoscaling-views.js';
import { openStore, type Store } from '../store/index.js';
import { describePeriods, historyView, importToMinutes, loadSeries } from './autoscaling-history.js';
import { InvalidRequestError } from './errors.js';

const MIN = HISTORY_STEP_MS;
/** Monday 5 January 2026, 00:00 UTC. */
const DAY0 = Date.UTC(2026, 0, 5);
const NOW = DAY0 + 7 * 24 * 60 * MIN;

const body = (stepMs: number, points: [number, number][]): HistoryImport => ({ stepMs, points });

/** The error `fn` throws (fails the test when it does not throw). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('importToMinutes', () => {
  it('the worked example: 5-minute steps repeat each value for its five minutes', () => {
    const minutes = importToMinutes(body(5 * MIN, [[0, 10], [5 * MIN, 20]]), 10 * MIN);
    expect(minutes).toEqual([
      ...[0, 1, 2, 3, 4].map((k) => ({ ts: k * MIN, value: 10 })),
      ...[5, 6, 7, 8, 9].map((k) => ({ ts: k * MIN, value: 20 })),
    ]);
  });

  it('1-minute steps pass through, one point per minute', () => {
    const pts: [number, number][] = [[DAY0, 1], [DAY0 + MIN, 2.5], [DAY0 + 3 * MIN, 0]];
    expect(importToMinutes(body(MIN, pts), NOW)).toEqual([
      { ts: DAY0, value: 1 },
      { ts: DAY0 + MIN, value: 2.5 },
      { ts: DAY0 + 3 * MIN, value: 0 }, // the missing minute stays missing
    ]);
  });

  it('sub-minute steps are averaged within each minute', () => {
    // 15 s steps: minute 0 holds 1, 2, 3, 4 → 2.5; minute 1 holds 10 and 20 only → 15.
    const pts: [number, number][] = [
      [DAY0, 1],
      [DAY0 + 15_000, 2],
      [DAY0 + 30_000, 3],
      [DAY0 + 45_000, 4],
      [DAY0 + 60_000, 10],
      [DAY0 + 75_000, 20],
    ];
    expect(importToMinutes(body(15_000, pts), NOW)).toEqual([
      { ts: DAY0, value: 2.5 },
      { ts: DAY0 + MIN, value: 15 },
    ]);
  });

  it('a step that is a whole number of minutes but not aligned lands in the minutes it starts in', () => {
    // 2-minute step at 00:00:30 → minutes 00:00 and 00:01.
    expect(importToMinutes(body(2 * MIN, [[DAY0 + 30_000, 7]]), NOW)).toEqual([
      { ts: DAY0, value: 7 },
      { ts: DAY0 + MIN, value: 7 },
    ]);
  });

  it('history may end in the minute in progress, and not later', () => {
    const now = DAY0 + 10 * MIN + 1;
    // The last step ends at now + 1 min − 1 ms: accepted (the minute in progress).
    expect(importToMinutes(body(MIN, [[DAY0 + 10 * MIN, 5]]), now)).toEqual([{ ts: DAY0 + 10 * MIN, value: 5 }]);
    // Ending exactly one minute after now is still accepted; one ms more is not.
    expect(() => importToMinutes(body(MIN, [[now, 5]]), now)).not.toThrow();
    expect(() => importToMinutes(body(MIN, [[now + 1, 5]]), now)).toThrow(InvalidRequestError);
  });

  it.each([
    { what: 'a zero step', stepMs: 0, message: 'stepMs = 0, must be a whole number of ms > 0' },
    { what: 'a negative step', stepMs: -60_000, message: 'stepMs = -60000, must be a whole number of ms > 0' },
    { what: 'a fractional step', stepMs: 1.5, message: 'stepMs = 1.5, must be a whole number of ms > 0' },
    { what: 'a NaN step', stepMs: Number.NaN, message: 'stepMs = NaN, must be a whole number of ms > 0' },
    {
      what: '90 s (neither whole minutes nor a divisor)',
      stepMs: 90_000,
      message: 'stepMs = 90000, must be a whole number of minutes or divide a minute (e.g. 300000, 60000, 15000)',
    },
    {
      what: '7 s (does not divide a minute)',
      stepMs: 7_000,
      message: 'stepMs = 7000, must be a whole number of minutes or divide a minute (e.g. 300000, 60000, 15000)',
    },
  ])('rejects $what', ({ stepMs, message }) => {
    const err = thrown(() => importToMinutes(body(stepMs, [[DAY0, 1]]), NOW));
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect(err).toMatchObject({ name: 'InvalidRequestError', message });
  });

  it.each([
    { what: 'no points', pts: [] as [number, number][], message: 'points is empty: nothing to import' },
    {
      what: 'a fractional timestamp',
      pts: [[DAY0, 1], [DAY0 + 60_000.5, 1]] as [number, number][],
      message: `points[1]: timestamp ${DAY0 + 60_000.5} is not whole epoch milliseconds`,
    },
    { what: 'a NaN timestamp', pts: [[Number.NaN, 1]] as [number, number][], message: 'points[0]: timestamp NaN is not whole epoch milliseconds' },
    {
      what: 'an unsafe integer timestamp',
      pts: [[2 ** 53, 1]] as [number, number][],
      message: `points[0]: timestamp ${2 ** 53} is not whole epoch milliseconds`,
    },
    {
      what: 'a negative value',
      pts: [[DAY0, 1], [DAY0 + MIN, -1]] as [number, number][],
      message: 'points[1] at 2026-01-05T00:01:00.000Z: value -1 must be finite and ≥ 0',
    },
    { what: 'a NaN value', pts: [[DAY0, Number.NaN]] as [number, number][], message: 'points[0] at 2026-01-05T00:00:00.000Z: value NaN must be finite and ≥ 0' },
    {
      what: 'an infinite value',
      pts: [[DAY0, Number.POSITIVE_INFINITY]] as [number, number][],
      message: 'points[0] at 2026-01-05T00:00:00.000Z: value Infinity must be finite and ≥ 0',
    },
    {
      what: 'a repeated timestamp',
      pts: [[DAY0, 1], [DAY0 + MIN, 1], [DAY0 + MIN, 2]] as [number, number][],
      message:
        'points[2] at 2026-01-05T00:01:00.000Z is not after points[1] at 2026-01-05T00:01:00.000Z; points must be strictly increasing in time',
    },
    {
      what: 'a timestamp going back',
      pts: [[DAY0 + MIN, 1], [DAY0, 1]] as [number, number][],
      message:
        'points[1] at 2026-01-05T00:00:00.000Z is not after points[0] at 2026-01-05T00:01:00.000Z; points must be strictly increasing in time',
    },
    {
      what: 'history ending after now',
      pts: [[NOW, 1], [NOW + MIN, 1]] as [number, number][],
      message:
        "history ends at 2026-01-12T00:02:00.000Z, after the controller's now (2026-01-12T00:00:00.000Z); shift it into the past (the CLI aligns by whole days unless --no-align)",
    },
  ])('rejects $what', ({ pts, message }) => {
    const err = thrown(() => importToMinutes(body(MIN, pts), NOW));
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as Error).message).toBe(message);
  });

  it('rejects more than MAX_HISTORY_POINTS points, and accepts exactly that many', () => {
    const pts = (n: number): [number, number][] => Array.from({ length: n }, (_, i): [number, number] => [i * MIN, 1]);
    const now = (MAX_HISTORY_POINTS + 1) * MIN;
    expect(() => importToMinutes(body(MIN, pts(MAX_HISTORY_POINTS + 1)), now)).toThrow(
      new InvalidRequestError(`${MAX_HISTORY_POINTS + 1} points, at most ${MAX_HISTORY_POINTS} per import`),
    );
    expect(importToMinutes(body(MIN, pts(MAX_HISTORY_POINTS)), now)).toHaveLength(MAX_HISTORY_POINTS);
  });

  it('bounds the minutes a whole-minute step expands to, not only the points: one point of a year is refused at once', () => {
    const year = 365 * 24 * 60 * MIN;
    const err = thrown(() => importToMinutes(body(year, [[0, 1]]), NOW));
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as Error).message).toBe(`1 point of stepMs = ${year} (365d) are 525600 minutes; at most ${MAX_HISTORY_POINTS} minutes per import`);
    // Exactly the bound is accepted: 1 000 points of 200 minutes.
    const pts = Array.from({ length: 1000 }, (_, i): [number, number] => [DAY0 - 200 * 1000 * MIN + i * 200 * MIN, 1]);
    expect(importToMinutes(body(200 * MIN, pts), NOW)).toHaveLength(MAX_HISTORY_POINTS);
  });

  it('refuses a timestamp before 1970 as a 400 naming the point (the store could not even print it)', () => {
    const err = thrown(() => importToMinutes(body(MIN, [[-8_700_000_000_000_000, 1]]), NOW));
    expect(err).toBeInstanceOf(InvalidRequestError);
    expect((err as Error).message).toBe('points[0]: timestamp -8700000000000000 is before 1970-01-01T00:00:00.000Z; epoch milliseconds must be ≥ 0');
  });

  it('reports a timestamp beyond what a date can show as a 400, not a crash', () => {
    // 8.7e15 ms is a safe integer but past the last instant Date can represent (8.64e15),
    // e.g. microseconds sent where milliseconds are expected from a far-future clock.
    const far = 8_700_000_000_000_000;
    const negative = thrown(() => importToMinutes(body(MIN, [[far, -1]]), NOW));
    expect(negative).toBeInstanceOf(InvalidRequestError);
    expect((negative as Error).message).toBe('points[0] at 8700000000000000 ms: value -1 must be finite and ≥ 0');
    const future = thrown(() => importToMinutes(body(MIN, [[far, 1]]), NOW));
    expect(future).toBeInstanceOf(InvalidRequestError);
    expect((future as Error).message).toMatch(/^history ends at 8700000000060000 ms, after the controller's now \(2026-01-12T00:00:00.000Z\)/);
  });

  it('property: whole-minute steps write k minutes per point, each with its point value', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 30 }),
        (k, values) => {
          const step = k * MIN;
          const pts = values.map((v, i): [number, number] => [DAY0 + i * step, v]);
          const minutes = importToMinutes(body(step, pts), NOW);
          expect(minutes).toHaveLength(values.length * k);
          minutes.forEach((m, j) => {
            expect(m.ts).toBe(DAY0 + j * MIN);
            expect(m.value).toBe(values[Math.floor(j / k)]);
          });
        },
      ),
    );
  });

  it('property: sub-minute steps give each minute the mean of its points, minutes ascending', () => {
    const divisors = [1000, 5000, 10_000, 15_000, 20_000, 30_000];
    fc.assert(
      fc.property(
        fc.constantFrom(...divisors),
        fc.uniqueArray(fc.integer({ min: 0, max: 600 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 60, maxLength: 60 }),
        (step, slots, values) => {
          // Points on the step grid, some slots skipped; values are integers so means are exact enough.
          const sorted = [...slots].sort((a, b) => a - b);
          const pts = sorted.map((slot, i): [number, number] => [DAY0 + slot * step, values[i % values.length]!]);
          const minutes = importToMinutes(body(step, pts), NOW);
          const expected = new Map<number, number[]>();
          for (const [ts, v] of pts) {
            const m = Math.floor(ts / MIN) * MIN;
            expected.set(m, [...(expected.get(m) ?? []), v]);
          }
          expect(minutes.map((m) => m.ts)).toEqual([...expected.keys()]);
          for (const m of minutes) {
            const vs = expected.get(m.ts)!;
            expect(m.value).toBeCloseTo(vs.reduce((a, b) => a + b, 0) / vs.length, 9);
          }
        },
      ),
    );
  });
});

// --- Reading stored minutes -----------------------------------------------------------------

const stores: Store[] = [];
function store(): Store {
  const s = openStore(':memory:', { clock: () => NOW });
  stores.push(s);
  return s;
}
afterEach(() => stores.splice(0).forEach((s) => s.close()));

describe('loadSeries', () => {
  it('is a regular 1-minute series from the first stored point to the last, NaN in the gaps', () => {
    const s = store();
    s.writeLoadPoints('d', [
      { ts: DAY0 + MIN, value: 4 },
      { ts: DAY0 + 2 * MIN, value: 5 },
      { ts: DAY0 + 5 * MIN, value: 6 },
    ]);
    s.writeLoadPoints('other', [{ ts: DAY0 + 3 * MIN, value: 99 }]);
    const series = loadSeries(s, 'd', DAY0, DAY0 + 60 * MIN);
    expect(series.start).toBe(DAY0 + MIN);
    expect(series.stepMs).toBe(MIN);
    expect(series.values).toEqual([4, 5, Number.NaN, Number.NaN, 6]);
  });

  it('takes points in [from, to): to is exclusive', () => {
    const s = store();
    s.writeLoadPoints('d', [0, 1, 2, 3].map((k) => ({ ts: DAY0 + k * MIN, value: k })));
    expect(loadSeries(s, 'd', DAY0 + MIN, DAY0 + 3 * MIN)).toEqual({ start: DAY0 + MIN, stepMs: MIN, values: [1, 2] });
  });

  it('nothing stored: an empty series at the first whole minute from `from`', () => {
    const s = store();
    expect(loadSeries(s, 'd', DAY0 + 1, DAY0 + 10 * MIN)).toEqual({ start: DAY0 + MIN, stepMs: MIN, values: [] });
    expect(loadSeries(s, 'd', DAY0, DAY0 + 10 * MIN)).toEqual({ start: DAY0, stepMs: MIN, values: [] });
  });
});

describe('historyView', () => {
  const apply = (s: Store): void => {
    s.applyRevision({ deployment: 'd', spec: {}, modelDigest: 'a'.repeat(64), modelPath: '/m.onnx', desiredReplicas: 2 });
  };

  it('is one value per minute over [from, to), null where nothing was recorded, no lastImport without an import', () => {
    const s = store();
    apply(s);
    s.writeLoadPoints('d', [
      { ts: DAY0, value: 1 },
      { ts: DAY0 + 2 * MIN, value: 3 },
    ]);
    expect(historyView(s, 'd', DAY0, DAY0 + 4 * MIN)).toEqual({ deployment: 'd', stepMs: MIN, start: DAY0, values: [1, null, 3, null] });
  });

  it('starts at the first whole minute at or after from, and covers a partial last minute', () => {
    const s = store();
    s.writeLoadPoints('d', [0, 1, 2, 3].map((k) => ({ ts: DAY0 + k * MIN, value: k })));
    // from 00:00:00.001 → start 00:01; to 00:02:30 → minutes 00:01 and 00:02 (ceil of 1.5).
    const view = historyView(s, 'd', DAY0 + 1, DAY0 + 2.5 * MIN);
    expect(view.start).toBe(DAY0 + MIN);
    expect(view.values).toEqual([1, 2]);
  });

  it('is empty when to is not after the first whole minute', () => {
    const s = store();
    expect(historyView(s, 'd', DAY0 + 1, DAY0 + 30_000).values).toEqual([]);
  });

  it('lastImport is read from the latest history.imported event of that deployment', () => {
    const s = store();
    apply(s);
    s.importHistory({ deployment: 'd', points: [{ ts: DAY0, value: 1 }], record: { shiftMs: 0, stepMs: MIN, source: 'old.csv' } });
    s.importHistory({
      deployment: 'd',
      points: [{ ts: DAY0 + MIN, value: 2 }, { ts: DAY0 + 2 * MIN, value: 3 }],
      record: { shiftMs: 7 * 24 * 60 * MIN, stepMs: MIN, source: 'trace.csv' },
    });
    s.importHistory({ deployment: 'other', points: [{ ts: DAY0, value: 9 }], record: { shiftMs: 1, stepMs: MIN, source: 'x.csv' } });
    const view = historyView(s, 'd', DAY0, DAY0 + 3 * MIN);
    expect(view.values).toEqual([1, 2, 3]);
    expect(view.lastImport).toEqual({ at: NOW, from: DAY0 + MIN, to: DAY0 + 2 * MIN, points: 2, shiftMs: 7 * 24 * 60 * MIN, source: 'trace.csv' });
  });

  it('lastImport has no source when the import named none', () => {
    const s = store();
    s.importHistory({ deployment: 'd', points: [{ ts: DAY0, value: 1 }], record: { shiftMs: 0, stepMs: MIN } });
    const view = historyView(s, 'd', DAY0, DAY0 + MIN);
    expect(view.lastImport).toEqual({ at: NOW, from: DAY0, to: DAY0, points: 1, shiftMs: 0 });
    expect(view.lastImport).not.toHaveProperty('source');
  });

  it('an event with missing fields reads them as 0 rather than failing', () => {
    const s = store();
    s.recordEvent({ type: 'history.imported', deployment: 'd', message: 'by hand', data: { source: 42 } });
    expect(historyView(s, 'd', DAY0, DAY0 + MIN).lastImport).toEqual({ at: NOW, from: 0, to: 0, points: 0, shiftMs: 0 });
  });
});

describe('describePeriods', () => {
  it.each([
    { periods: [1440, 10080], stepMs: MIN, words: ['1d', '7d'] },
    { periods: [60, 720], stepMs: MIN, words: ['1h', '12h'] },
    { periods: [90, 5], stepMs: MIN, words: ['90m', '5m'] },
    { periods: [288, 12], stepMs: 5 * MIN, words: ['1d', '1h'] },
    { periods: [2016], stepMs: 5 * MIN, words: ['7d'] },
    { periods: [36], stepMs: 5 * MIN, words: ['3h'] },
    { periods: [2880], stepMs: MIN, words: ['2d'] },
    { periods: [], stepMs: MIN, words: [] },
  ])('$periods at $stepMs ms → $words', ({ periods, stepMs, words }) => {
    expect(describePeriods(periods, stepMs)).toEqual(words);
  });
});
