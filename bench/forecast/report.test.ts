import { describe, expect, it } from 'vitest';
import { markdownTable, millis, modelCounts, parsePublishedAccuracy, renderM4, renderTrace, renderTraceSummary, selectPublished, summarizeTraces, times, type TraceReport } from './report.js';
import type { UnitScore } from './score.js';

const CSV = `method_id,first_author(github),type,hourly_sMAPE,hourly_MASE,hourly_OWA,overall_sMAPE,overall_OWA
238,Doornik (doornik),Combination (S),8.913,0.801,0.4096,11.92,0.86
118,Smyl (slaweks17),Hybrid,9.328,0.893,0.4401,11.37,0.82
sNaive,- (M4Competition),Statistical,13.912,1.193,0.6275,14.65,1.07
Naive2,- (M4Competition),Statistical,18.383,2.395,1.0,13.56,1.0
Theta,- (M4Competition),Statistical,18.138,2.455,1.0059,12.30,0.89
`;

describe('published M4 rows', () => {
  const rows = parsePublishedAccuracy(CSV);
  it('reads the hourly columns by name', () => {
    expect(rows[0]).toEqual({ id: '238', author: 'Doornik (doornik)', type: 'Combination (S)', smape: 8.913, mase: 0.801, owa: 0.4096 });
    expect(rows).toHaveLength(5);
  });
  it('throws when a column is missing', () => {
    expect(() => parsePublishedAccuracy('method_id,hourly_sMAPE\n1,2\n')).toThrow(/first_author/);
  });
  it('selects the best entry, Smyl and the M4 benchmarks by OWA, labelled', () => {
    expect(selectPublished(rows).map((r) => r.label)).toEqual([
      'M4 published: Doornik (best hourly entry)',
      'M4 published: Smyl (ES-RNN, overall winner)',
      'M4 published benchmark: sNaive',
      'M4 published benchmark: Naive2',
      'M4 published benchmark: Theta',
    ]);
  });
});

describe('formatting', () => {
  it('model counts: most frequent first, ties by name, the rest summed', () => {
    expect(modelCounts({ b: 2, a: 2, c: 5 })).toBe('c ×5, a ×2, b ×2');
    expect(modelCounts({ b: 2, a: 2, c: 5, d: 1 }, 2)).toBe('c ×5, a ×2, and 2 more (3 units)');
    expect(modelCounts({})).toBe('');
  });
  it('Markdown table in the house style', () => {
    expect(markdownTable(['a', 'b'], ['l', 'r'], [['x', '1']])).toBe('| a | b |\n|---|--:|\n| x | 1 |');
  });
  it.each([
    { v: 0.4234, want: '0.42' },
    { v: 12.34, want: '12.3' },
    { v: 4210.4, want: '4,210' },
    { v: Number.NaN, want: '–' },
  ])('millis($v) = $want', ({ v, want }) => {
    expect(millis(v)).toBe(want);
  });
  it.each([
    { v: 0.0043, want: '0.0043×' },
    { v: 3.21, want: '3.2×' },
    { v: 42.4, want: '42×' },
  ])('times($v) = $want', ({ v, want }) => {
    expect(times(v)).toBe(want);
  });
});

const u = (mase: number, smape = 10, ms = 1, cover?: [number, number]): UnitScore => ({
  mase,
  smape,
  ms,
  fallback: false,
  coverPoints: cover?.[1] ?? 0,
  ...(cover && { covered: cover[0] }),
});

describe('renderM4', () => {
  const text = renderM4({
    split: 'report',
    series: 2,
    horizon: 48,
    methods: {
      ours: [u(0.5, 9, 100, [40, 48]), u(1.5, 11, 300, [44, 48])],
      naive2: [u(2, 18), u(2, 18)],
      'r-tbats': [u(1, 12, 20_000, [48, 48]), { ...u(3, 14, 600_000), fallback: true }],
    },
    oursModels: { 'mstl-ets': 2 },
    published: selectPublished(parsePublishedAccuracy(CSV)),
    rNote: 'R side: test.',
  });
  it('one row per method with OWA against this run’s Naive2 and the published one, coverage, total seconds, fallbacks', () => {
    // ours: sMAPE 10, MASE 1 → OWA (10/18 + 1/2)/2 = 0.528; published (10/18.383 + 1/2.395)/2 = 0.481.
    // R tbats (one fallback, still scored): sMAPE 13, MASE 2 → (13/18 + 2/2)/2 = 0.861.
    expect(text).toContain('| rollcast forecast() | 10.000 | 1.000 | 0.528 | 0.481 | 87.5 % | 0.4 | 0 |');
    expect(text).toContain('| Naive2 (m = 24) | 18.000 | 2.000 | 1.000 |');
    expect(text).toContain('| R tbats | 13.000 | 2.000 | 0.861 | 0.771 | 100.0 % | 620.0 | 1 |');
  });
  it('adds the published rows from the file, without this run’s OWA', () => {
    expect(text).toContain('| M4 published: Doornik (best hourly entry) | 8.913 | 0.801 | – | 0.410 | – | – | – |');
    expect(text).toContain('rollcast chose: mstl-ets ×2. R side: test.');
  });
});

describe('traces', () => {
  const trace = (name: string, methods: TraceReport['methods']): TraceReport => ({
    name,
    stepMs: 300_000,
    rawStepMs: 60_000,
    points: 8064,
    day: 288,
    fitDays: 14,
    origins: 2,
    skipped: 0,
    methods,
    oursModels: { ets: 2 },
    rPeriods: ['288, 2016', '288, 2016'],
  });
  const a = trace('a', {
    ours: [u(0.8, 10, 50, [260, 288]), u(1.0, 10, 70, [250, 288])],
    'snaive-day': [u(1.2), u(1.0)],
    'snaive-week': [undefined, u(0.8)],
    'r-stlf': [u(1.0, 10, 100), u(1.0, 10, 100)],
    'r-tbats': [u(0.7, 10, 10_000), u(0.7, 10, 10_000)],
  });
  const b = trace('b', {
    ours: [u(0.5, 10, 10), u(0.5, 10, 10)],
    'snaive-day': [u(0.4), u(0.4)],
    'r-stlf': [u(0.6, 10, 50), u(0.6, 10, 50)],
    'r-tbats': [u(0.9, 10, 5_000), u(0.9, 10, 5_000)],
  });
  const summary = summarizeTraces([a, b], ['r-stlf', 'r-tbats']);

  it('per trace: best R method, daily and weekly seasonal naive on common origins, time ratios', () => {
    expect(summary.rows[0]).toMatchObject({
      name: 'a',
      bestR: { method: 'r-tbats', mase: 0.7 },
      daily: { ours: 0.9, other: 1.1 },
      weekly: { ours: 1.0, other: 0.8, n: 1 },
      timeRatio: { 'r-stlf': 0.6, 'r-tbats': 0.006 },
    });
    expect(summary.rows[1]?.weekly).toBeUndefined();
  });
  it('counts wins over traces and the overall time ratio', () => {
    expect(summary.vsBestR).toEqual({ wins: 1, of: 2 });
    expect(summary.vsDaily).toEqual({ wins: 1, of: 2 });
    expect(summary.vsWeekly).toEqual({ wins: 0, of: 1 });
    expect(summary.overallTimeRatio['r-stlf']).toBeCloseTo(140 / 300, 12);
    expect(summary.overallTimeRatio['r-tbats']).toBeCloseTo(140 / 30_000, 12);
  });
  it('renders a table per trace and the summary', () => {
    const one = renderTrace(a);
    expect(one).toContain('step 5 min (summed from 1 min), 8064 points, day = 288 steps; 2 origins scored, 0 skipped');
    expect(one).toContain('| rollcast forecast() | 2 | 0.900 | 10.00 | 88.5 % | 60.0 | 0 |');
    expect(one).toContain('| seasonal naive, weekly | 1 | 0.800 |');
    const all = renderTraceSummary(summary, ['r-stlf', 'r-tbats']);
    expect(all).toContain('| a | 2 | 0.900 | 0.700 (R tbats) | 1.100 | 0.800 (1 origins; ours 1.000) | 88.5 % | 60.0 | 0.60× | 0.0060× |');
    expect(all).toContain('| the best R method on that trace | 1 of 2 |');
    expect(all).toContain('R stlf 0.47×, R tbats 0.0047×');
  });
  it('without R: no R columns, says so', () => {
    const noR = renderTraceSummary(summarizeTraces([b], []), []);
    expect(noR).toContain('| the best R method on that trace | R not run |');
    expect(noR).not.toContain('time ours /');
  });
});
