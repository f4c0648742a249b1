// Invariants of analyze() on generated windows (fast-check, fixed seeds; samples from the
// seeded generators of spec/random.ts).
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { defaultAnalysis } from '../spec/defaults.js';
import { gaussian, mulberry32 } from '../spec/random.js';
import type { AnalysisMetric, AnalysisSpec, LatencyQuantile } from '../spec/types.js';
import { millis } from '../spec/units.js';
import { analyze } from './analyze.js';
import type { RevisionWindow } from './window.js';

const at = millis(0);
const quantile = fc.constantFrom<LatencyQuantile>(0.5, 0.95, 0.99);

/**
 * A window of n requests: latencies log-normal around `medianMs` (σ 0.5 in log space),
 * predictions either class indices or continuous scores, errors at `errorRate`.
 */
function makeWindow(seed: number, n: number, medianMs: number, errorRate: number, classes: number): RevisionWindow {
  const g = gaussian(seed);
  const r = mulberry32(seed ^ 0x5bd1e995);
  const errors = Math.floor(n * errorRate);
  const latenciesMs = Array.from({ length: n }, () => medianMs * Math.exp(0.5 * g()));
  const predictions = Array.from({ length: n - errors }, () => (classes > 0 ? Math.floor(r() * classes) : g()));
  return { requests: n, errors, latenciesMs, predictions };
}

const windowArb = fc.record({
  seed: fc.integer(),
  extra: fc.nat({ max: 300 }),
  medianMs: fc.double({ min: 1, max: 2000, noNaN: true }),
  errorRate: fc.double({ min: 0, max: 0.5, noNaN: true }),
  classes: fc.constantFrom(0, 2, 3, 10),
});

it('identical samples never Fail on the relative checks (latency maxIncrease, output-drift)', () => {
  fc.assert(
    fc.property(windowArb, fc.integer({ min: 1, max: 100 }), quantile, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 1e-3, max: 1, noNaN: true }), (w, minSamples, q, maxIncrease, maxPsi) => {
      const win = makeWindow(w.seed, minSamples + w.extra, w.medianMs, w.errorRate, w.classes);
      // The error-rate bound is absolute; set it at or above the shared rate so it cannot object either.
      const metrics: AnalysisMetric[] = [
        { kind: 'error-rate', max: win.errors / win.requests },
        { kind: 'latency', quantile: q, maxIncrease },
        { kind: 'output-drift', maxPsi },
      ];
      const r = analyze({ ...defaultAnalysis(), minSamples, metrics }, win, { ...win, latenciesMs: [...win.latenciesMs].reverse() }, at);
      expect(r.verdict).not.toBe('Fail');
      for (const m of r.metrics) expect(m.verdict).not.toBe('Fail');
    }),
    { seed: 71 },
  );
});

it('latencies slowed by a large factor (×5 or more) fail with ≥ minSamples a side', () => {
  fc.assert(
    fc.property(windowArb, fc.integer({ min: 20, max: 200 }), quantile, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 5, max: 50, noNaN: true }), (w, minSamples, q, maxIncrease, factor) => {
      const baseline = makeWindow(w.seed, minSamples + w.extra, w.medianMs, 0, w.classes);
      const canary = { ...baseline, latenciesMs: baseline.latenciesMs.map((x) => x * factor) };
      const spec: AnalysisSpec = { ...defaultAnalysis(), minSamples, metrics: [{ kind: 'latency', quantile: q, maxIncrease }] };
      const r = analyze(spec, baseline, canary, at);
      expect(r.verdict).toBe('Fail');
    }),
    { seed: 72 },
  );
});

it('fewer than minSamples on either side → Inconclusive on every metric, regardless of values', () => {
  const metrics: AnalysisMetric[] = [
    { kind: 'error-rate', max: 0 },
    { kind: 'latency', quantile: 0.99, maxMs: millis(1), maxIncrease: 0 },
    { kind: 'output-drift', maxPsi: 1e-6 },
  ];
  fc.assert(
    fc.property(windowArb, windowArb, fc.integer({ min: 2, max: 500 }), fc.boolean(), (a, b, minSamples, shortCanary) => {
      const full = makeWindow(a.seed, minSamples + a.extra, a.medianMs, a.errorRate, a.classes);
      // The short side may be wildly different (slow, failing, other predictions): it still cannot Pass or Fail.
      const short = makeWindow(b.seed, b.extra % minSamples, b.medianMs * 100, Math.min(1, b.errorRate * 2), b.classes + 1);
      const [baseline, canary] = shortCanary ? [full, short] : [short, full];
      const r = analyze({ ...defaultAnalysis(), minSamples, metrics }, baseline, canary, at);
      expect(r.verdict).toBe('Inconclusive');
      for (const m of r.metrics) expect(m.verdict).toBe('Inconclusive');
    }),
    { seed: 73 },
  );
});
