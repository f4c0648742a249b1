import { describe, expect, it } from 'vitest';
import { combineRounds, LatencySamples, median, parseProcStatParent, parseProcStatTicks, percentileSorted, ratio, roundOrder, summarizeRun, type RunSummary } from './stats.js';

describe('percentileSorted (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
  it.each([
    { q: 0.5, want: 50 },
    { q: 0.99, want: 99 },
    { q: 1, want: 100 },
    { q: 0, want: 1 },
    { q: 0.001, want: 1 },
  ])('q = $q of 1..100 is $want', ({ q, want }) => {
    expect(percentileSorted(hundred, q)).toBe(want);
  });
  it('p99 of 200 samples ignores two outliers but not three', () => {
    // 198 fast samples then the outliers: rank ceil(0.99 × 200) = 198.
    const one = [...Array.from({ length: 199 }, () => 1), 50];
    const two = [...Array.from({ length: 198 }, () => 1), 50, 50];
    expect(percentileSorted(one, 0.99)).toBe(1);
    expect(percentileSorted(two, 0.99)).toBe(1);
    const three = [...Array.from({ length: 197 }, () => 1), 50, 50, 50];
    expect(percentileSorted(three, 0.99)).toBe(50);
  });
  it('is NaN for no samples', () => {
    expect(percentileSorted([], 0.5)).toBeNaN();
  });
});

describe('median and ratio', () => {
  it.each([
    { values: [3, 1, 2], want: 2 },
    { values: [4, 1, 3, 2], want: 2.5 },
    { values: [7], want: 7 },
    { values: [Number.NaN, 5, 1], want: 3 },
  ])('median($values) = $want', ({ values, want }) => {
    expect(median(values)).toBe(want);
  });
  it('median of nothing is NaN and does not reorder its input', () => {
    expect(median([])).toBeNaN();
    const input = [3, 1, 2];
    median(input);
    expect(input).toEqual([3, 1, 2]);
  });
  it('a ratio against zero or a missing value is NaN, not Infinity', () => {
    expect(ratio(6, 3)).toBe(2);
    expect(ratio(1, 0)).toBeNaN();
    expect(ratio(Number.NaN, 2)).toBeNaN();
  });
});

describe('LatencySamples', () => {
  it('keeps every sample past its initial capacity and sorts a copy', () => {
    const s = new LatencySamples();
    for (let i = 3000; i > 0; i--) s.add(i / 10);
    expect(s.length).toBe(3000);
    const sorted = s.sorted();
    expect(sorted[0]).toBe(0.1);
    expect(sorted[2999]).toBe(300);
    expect(s.sorted()).toEqual(sorted);
  });
});

describe('summarizeRun', () => {
  it('takes throughput from 2xx over the duration and latencies from the exact samples', () => {
    const samples = new LatencySamples();
    for (const ms of [0.4, 0.5, 0.6, 2.0]) samples.add(ms);
    const s = summarizeRun({ duration: 2, errors: 1, timeouts: 0, non2xx: 3, '2xx': 4000, requests: { total: 4003 } }, samples);
    expect(s).toMatchObject({ rps: 2000, ok: 4000, answered: 4003, non2xx: 3, errors: 1, p50: 0.5, p99: 2, max: 2 });
    expect(s.mean).toBeCloseTo(0.875, 10);
  });
});

describe('combineRounds', () => {
  const run = (rps: number, p99: number, errors = 0): RunSummary => ({
    rps,
    answered: rps,
    ok: rps,
    non2xx: 0,
    errors,
    timeouts: 0,
    durationS: 1,
    p50: p99 / 2,
    p90: p99,
    p99,
    max: p99 * 2,
    mean: p99 / 2,
  });
  it('takes medians of rates and latencies, sums of counters, the max of max', () => {
    const c = combineRounds([run(100, 3), run(300, 1, 2), run(200, 2)]);
    expect(c).toMatchObject({ rps: 200, p99: 2, p50: 1, errors: 2, ok: 600, durationS: 3, max: 6 });
  });
});

describe('roundOrder', () => {
  it('rotates so each path runs first once in as many rounds as there are paths', () => {
    const paths = ['direct', 'gateway', 'nginx'];
    expect([0, 1, 2].map((r) => roundOrder(paths, r))).toEqual([
      ['direct', 'gateway', 'nginx'],
      ['gateway', 'nginx', 'direct'],
      ['nginx', 'direct', 'gateway'],
    ]);
    expect(roundOrder(paths, 3)).toEqual(paths);
    expect(roundOrder([], 1)).toEqual([]);
  });
});

describe('/proc/<pid>/stat parsing', () => {
  // Fields: pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
  const line = '4242 (nginx: worker) process)) S 4200 4200 4200 0 -1 4194560 100 0 0 0 1234 567 0 0 20 0 1 0 99 0 0';
  it('counts fields from the last parenthesis, so a command name with spaces and ")" is fine', () => {
    expect(parseProcStatTicks(line)).toBe(1234 + 567);
    expect(parseProcStatParent(line)).toBe(4200);
  });
  it('gives undefined for something that is not a stat line', () => {
    expect(parseProcStatTicks('garbage')).toBeUndefined();
    expect(parseProcStatParent('garbage')).toBeUndefined();
  });
});
