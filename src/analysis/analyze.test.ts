// analyze(): one interval, every metric, on samples whose answer is known beforehand.
import { describe, expect, it } from 'vitest';
import { defaultAnalysis } from '../spec/defaults.js';
import { gaussian } from '../spec/random.js';
import type { AnalysisMetric, AnalysisSpec } from '../spec/types.js';
import { millis } from '../spec/units.js';
import { analyze, LATENCY_ALPHA } from './analyze.js';
import { InvalidWindowError, type RevisionWindow } from './window.js';

const at = millis(1_700_000_000_000);
const spec = (metrics: AnalysisMetric[], minSamples = 200): AnalysisSpec => ({ ...defaultAnalysis(), minSamples, metrics });
const repeat = (value: number, n: number): number[] => new Array<number>(n).fill(value);

/** Log-normal latencies around 100 ms (σ 0.3 in log space: p99 ≈ 200 ms), from a seed. */
function latencies(seed: number, n: number): number[] {
  const g = gaussian(seed);
  return Array.from({ length: n }, () => 100 * Math.exp(0.3 * g()));
}
function window(latenciesMs: number[], errors = 0, predictions: number[] = []): RevisionWindow {
  return { requests: Math.max(latenciesMs.length, predictions.length + errors), errors, latenciesMs, predictions };
}
const classes = (zeros: number, ones: number): number[] => [...repeat(0, zeros), ...repeat(1, ones)];

const all: AnalysisMetric[] = [
  { kind: 'error-rate', max: 0.01 },
  { kind: 'latency', quantile: 0.99, maxIncrease: 0.2 },
  { kind: 'latency', quantile: 0.5, maxMs: millis(250) },
  { kind: 'output-drift', maxPsi: 0.2 },
];

describe('known answers', () => {
  it('identical samples pass on every metric', () => {
    const w = window(latencies(1, 500), 2, classes(250, 248));
    const r = analyze(spec(all), w, w, at);
    expect(r.verdict).toBe('Pass');
    expect(r.at).toBe(at);
    expect(r.samples).toEqual({ baseline: 500, canary: 500 });
    expect(r.metrics.map((m) => [m.metric, m.verdict])).toEqual([
      ['error-rate', 'Pass'],
      ['latency-p99', 'Pass'],
      ['latency-p50', 'Pass'],
      ['output-drift', 'Pass'],
    ]);
    expect(r.metrics[3]?.values).toMatchObject({ psi: 0, ksD: 0, ksP: 1 });
  });

  it('two independent samples of the same distribution pass', () => {
    const r = analyze(spec(all), window(latencies(1, 500), 2, classes(250, 248)), window(latencies(2, 500), 3, classes(245, 252)), at);
    expect(r.verdict).toBe('Pass');
  });

  it('latencies 50 % slower fail: p99 above baseline + 20 % and Mann–Whitney significant', () => {
    const base = latencies(1, 500);
    const r = analyze(spec([{ kind: 'latency', quantile: 0.99, maxIncrease: 0.2 }]), window(base), window(base.map((x) => x * 1.5)), at);
    const m = r.metrics[0];
    expect(r.verdict).toBe('Fail');
    expect(m?.values['increase']).toBeCloseTo(0.5, 9);
    expect(m?.values['p']).toBeLessThan(LATENCY_ALPHA);
    expect(m?.values['limitMs']).toBeCloseTo((m?.values['baselineMs'] ?? 0) * 1.2, 9);
    expect(m?.reason).toMatch(/^canary p99 [\d.]+ ms > [\d.]+ ms \(baseline [\d.]+ ms \+ 20 %\), and slower overall \(Mann–Whitney p = .+ < 0\.05\)$/);
  });

  // 1..200 ms against the same with the three slowest (198, 199, 200) replaced by 1000 ms:
  // canary p99 = 1000 ms (h = 197.01 lands on the first 1000) against 198.01 ms, far over the
  // 237.6 ms limit, yet 197 of 200 samples are unchanged: Mann–Whitney p ≈ 0.5.
  const oneTo200 = Array.from({ length: 200 }, (_, i) => i + 1);
  const fatTail = [...oneTo200.slice(0, 197), 1000, 1000, 1000];

  it('a p99 over the relative limit that Mann–Whitney calls noise passes, and says so', () => {
    const r = analyze(spec([{ kind: 'latency', quantile: 0.99, maxIncrease: 0.2 }]), window(oneTo200), window(fatTail), at);
    const m = r.metrics[0];
    expect(r.verdict).toBe('Pass');
    expect(m?.values).toMatchObject({ canaryMs: 1000, limitMs: expect.closeTo(237.612, 9) as number });
    expect(m?.values['p']).toBeGreaterThan(0.4);
    expect(m?.reason).toContain('but not significantly slower overall');
  });

  it('the same tail fails an absolute maxMs, which needs no test', () => {
    const r = analyze(spec([{ kind: 'latency', quantile: 0.99, maxMs: millis(250), maxIncrease: 0.2 }]), window(oneTo200), window(fatTail), at);
    expect(r.verdict).toBe('Fail');
    expect(r.metrics[0]?.reason).toBe('canary p99 1000 ms > 250 ms (baseline 198 ms)');
  });

  it('an error rate over max fails, with the counts in the reason', () => {
    const r = analyze(spec([{ kind: 'error-rate', max: 0.01 }]), { ...window(latencies(1, 1000)), errors: 2 }, { ...window(latencies(2, 1000)), errors: 15 }, at);
    expect(r.verdict).toBe('Fail');
    expect(r.metrics[0]).toEqual({
      metric: 'error-rate',
      verdict: 'Fail',
      reason: 'canary error rate 1.5 % (15/1000) > 1 % (baseline 0.2 %)',
      values: { canaryRate: 0.015, baselineRate: 0.002, max: 0.01, canaryErrors: 15, canaryRequests: 1000 },
    });
  });

  it('an error rate exactly at max passes (the bound is inclusive)', () => {
    const r = analyze(spec([{ kind: 'error-rate', max: 0.01 }]), { ...window(latencies(1, 1000)), errors: 0 }, { ...window(latencies(2, 1000)), errors: 10 }, at);
    expect(r.metrics[0]?.reason).toBe('canary error rate 1 % (10/1000) ≤ 1 % (baseline 0 %)');
    expect(r.verdict).toBe('Pass');
  });

  it('predictions moved from 50/50 to 80/20 fail output-drift: PSI 0.416 > 0.2, KS alongside', () => {
    const r = analyze(spec([{ kind: 'output-drift', maxPsi: 0.2 }], 100), window([], 0, classes(50, 50)), window([], 0, classes(80, 20)), at);
    const m = r.metrics[0];
    expect(r.verdict).toBe('Fail');
    expect(m?.values).toMatchObject({ psi: expect.closeTo(0.41588830833596724, 12) as number, maxPsi: 0.2, bins: 2, categorical: 1, ksD: expect.closeTo(0.3, 12) as number });
    expect(m?.reason).toBe('prediction PSI 0.416 > 0.2 over 2 categories (KS D = 0.300, p = 2.5e-4)');
  });

  it('too few samples are inconclusive, with the counts, whatever the numbers', () => {
    // Canary has 150 requests, all failed and slow: still not a Fail, only Inconclusive.
    const canary = { requests: 150, errors: 150, latenciesMs: repeat(5000, 150), predictions: [] };
    const r = analyze(spec(all), window(latencies(1, 500), 0, classes(250, 250)), canary, at);
    expect(r.verdict).toBe('Inconclusive');
    expect(r.metrics.every((m) => m.verdict === 'Inconclusive')).toBe(true);
    expect(r.metrics[0]).toEqual({
      metric: 'error-rate',
      verdict: 'Inconclusive',
      reason: 'canary has 150 requests, fewer than minSamples (200)',
      values: { baselineSamples: 500, canarySamples: 150, minSamples: 200 },
    });
    expect(r.metrics[3]?.reason).toBe('canary has 0 predictions, fewer than minSamples (200)');
  });

  it('a short baseline is inconclusive too', () => {
    const r = analyze(spec([{ kind: 'latency', quantile: 0.5, maxMs: millis(250) }]), window(latencies(1, 10)), window(latencies(2, 500)), at);
    expect(r.metrics[0]?.reason).toBe('baseline has 10 latency samples, fewer than minSamples (200)');
  });

  it('verdicts combine with worst(): one Fail beats an Inconclusive', () => {
    // Enough requests for error-rate (which fails), too few predictions for output-drift.
    const baseline = { requests: 400, errors: 0, latenciesMs: [], predictions: classes(5, 5) };
    const canary = { requests: 400, errors: 40, latenciesMs: [], predictions: classes(5, 5) };
    const r = analyze(spec([{ kind: 'error-rate', max: 0.01 }, { kind: 'output-drift', maxPsi: 0.2 }]), baseline, canary, at);
    expect(r.metrics.map((m) => m.verdict)).toEqual(['Fail', 'Inconclusive']);
    expect(r.verdict).toBe('Fail');
  });

  it('a window no real traffic could produce throws InvalidWindowError', () => {
    const bad = { requests: 1, errors: 2, latenciesMs: [], predictions: [] };
    expect(() => analyze(spec(all), window(latencies(1, 500)), bad, at)).toThrow(InvalidWindowError);
    expect(() => analyze(spec(all), bad, window(latencies(1, 500)), at)).toThrow('invalid baseline window: errors = 2, must be ≤ requests (1)');
  });

  it('values are plain finite numbers (JSON-safe), even with a 0 ms baseline', () => {
    const zeros = repeat(0, 300);
    const r = analyze(spec(all), window(zeros, 0, classes(150, 150)), window(zeros.map(() => 1), 0, classes(150, 150)), at);
    for (const m of r.metrics) for (const v of Object.values(m.values)) expect(Number.isFinite(v)).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});
