// One analysis interval: judge the canary against the baseline on every metric of the spec
// and combine the verdicts with worst(). Pure: the windows and the time arrive as values.
//
// Per metric:
// - too few samples on either side (< minSamples) → Inconclusive, whatever the numbers say;
// - error-rate: canary errors / requests > max → Fail;
// - latency: canary quantile > maxMs → Fail (an absolute bound needs no statistics); canary
//   quantile > baseline quantile × (1 + maxIncrease) → Fail only if the Mann–Whitney test also
//   finds the canary slower at α = 0.05. Why both: at 200 samples a p99 is decided by the two
//   slowest requests, so a 20 % gap arises from noise alone far too often; the test asks
//   whether the whole distribution moved. Worked example (analyze.test.ts): baseline 1..200 ms,
//   p99 198.01 ms, maxIncrease 0.2 → limit 237.6 ms; the canary is the same but its three
//   slowest requests took 1000 ms → p99 1000 ms, yet 197 of 200 samples are unchanged and
//   Mann–Whitney p = 0.499 → Pass ("above the limit, not significantly slower"). Every
//   sample 50 % slower → p99 up 50 % and p ≈ 0 → Fail. The price: a canary whose bulk is
//   unchanged and only whose tail got worse is not failed by the relative bound; `maxMs`
//   (an absolute bound, which the same example fails at 250 ms) is the guard for the tail.
// - output-drift: PSI of the predictions > maxPsi → Fail (drift.ts says why PSI and not KS).

import { metricName } from '../spec/analysis-schema.js';
import type { AnalysisMetric, AnalysisSpec } from '../spec/types.js';
import { assertNever, type Millis } from '../spec/units.js';
import { ksTwoSample, psi } from './drift.js';
import { mannWhitneyGreater } from './mann-whitney.js';
import { quantileSorted, sortedCopy } from './quantile.js';
import { worst, type AnalysisResult, type MetricVerdict } from './verdict.js';
import { checkWindow, type RevisionWindow } from './window.js';

/** Significance level of the latency test: a 1-in-20 chance that noise alone looks slower. */
export const LATENCY_ALPHA = 0.05;

/**
 * Judge `canary` against `baseline` over one interval ending at `at`. Throws
 * InvalidWindowError for a window no real traffic could produce; everything else, too
 * little traffic included, is a verdict.
 */
export function analyze(spec: AnalysisSpec, baseline: RevisionWindow, canary: RevisionWindow, at: Millis): AnalysisResult {
  checkWindow(baseline, 'baseline');
  checkWindow(canary, 'canary');
  const metrics = spec.metrics.map((m) => judge(m, spec.minSamples, baseline, canary));
  return {
    at,
    verdict: worst(...metrics.map((m) => m.verdict)),
    metrics,
    // Requests per side; each metric counts its own samples (requests, latency samples or
    // predictions) against minSamples, and an Inconclusive says which count was short.
    samples: { baseline: baseline.requests, canary: canary.requests },
  };
}

function judge(metric: AnalysisMetric, minSamples: number, baseline: RevisionWindow, canary: RevisionWindow): MetricVerdict {
  switch (metric.kind) {
    case 'error-rate':
      return (
        tooFew(metric, minSamples, 'requests', baseline.requests, canary.requests) ??
        errorRate(metric.max, baseline, canary)
      );
    case 'latency':
      return (
        tooFew(metric, minSamples, 'latency samples', baseline.latenciesMs.length, canary.latenciesMs.length) ??
        latency(metric, baseline.latenciesMs, canary.latenciesMs)
      );
    case 'output-drift':
      return (
        tooFew(metric, minSamples, 'predictions', baseline.predictions.length, canary.predictions.length) ??
        outputDrift(metric.maxPsi, baseline.predictions, canary.predictions)
      );
    default:
      return assertNever(metric, 'analysis metric');
  }
}

/**
 * Inconclusive when either side has fewer than minSamples; undefined when both have enough.
 * The floor of 1 keeps the judges below from dividing by zero even if a caller bypassed
 * the schema's `minSamples ≥ 1`.
 */
function tooFew(metric: AnalysisMetric, minSamples: number, what: string, nBaseline: number, nCanary: number): MetricVerdict | undefined {
  const needed = Math.max(1, minSamples);
  if (nBaseline >= needed && nCanary >= needed) return undefined;
  const short = [nCanary < needed ? `canary has ${nCanary}` : '', nBaseline < needed ? `baseline has ${nBaseline}` : ''].filter((s) => s !== '').join(', ');
  return {
    metric: metricName(metric),
    verdict: 'Inconclusive',
    reason: `${short} ${what}, fewer than minSamples (${needed})`,
    values: { baselineSamples: nBaseline, canarySamples: nCanary, minSamples: needed },
  };
}

function errorRate(max: number, baseline: RevisionWindow, canary: RevisionWindow): MetricVerdict {
  const canaryRate = canary.errors / canary.requests;
  const baselineRate = baseline.errors / baseline.requests;
  const values = { canaryRate, baselineRate, max, canaryErrors: canary.errors, canaryRequests: canary.requests };
  const detail = `canary error rate ${pct(canaryRate)} (${canary.errors}/${canary.requests})`;
  const fail = canaryRate > max;
  return {
    metric: 'error-rate',
    verdict: fail ? 'Fail' : 'Pass',
    reason: `${detail} ${fail ? '>' : '≤'} ${pct(max)} (baseline ${pct(baselineRate)})`,
    values,
  };
}

function latency(metric: Extract<AnalysisMetric, { kind: 'latency' }>, baselineMs: readonly number[], canaryMs: readonly number[]): MetricVerdict {
  const name = metricName(metric);
  const label = `p${Math.round(metric.quantile * 100)}`;
  const canaryQ = quantileSorted(sortedCopy(canaryMs), metric.quantile);
  const baselineQ = quantileSorted(sortedCopy(baselineMs), metric.quantile);
  const mw = mannWhitneyGreater(canaryMs, baselineMs);
  const values: Record<string, number> = {
    quantile: metric.quantile,
    canaryMs: canaryQ,
    baselineMs: baselineQ,
    mannWhitneyU: mw.u,
    mannWhitneyZ: mw.z,
    p: mw.p,
    alpha: LATENCY_ALPHA,
    effect: mw.effect,
  };
  // A baseline quantile of 0 ms has no meaningful relative increase: omit it rather than store Infinity.
  if (baselineQ > 0) values['increase'] = canaryQ / baselineQ - 1;
  const measured = `canary ${label} ${ms(canaryQ)}`;
  const base = `baseline ${ms(baselineQ)}`;
  const test = `Mann–Whitney p = ${fmtP(mw.p)}`;

  if (metric.maxMs !== undefined) {
    values['maxMs'] = metric.maxMs;
    if (canaryQ > metric.maxMs) {
      return { metric: name, verdict: 'Fail', reason: `${measured} > ${ms(metric.maxMs)} (${base})`, values };
    }
  }
  if (metric.maxIncrease !== undefined) {
    const limitMs = baselineQ * (1 + metric.maxIncrease);
    values['maxIncrease'] = metric.maxIncrease;
    values['limitMs'] = limitMs;
    const limit = `${ms(limitMs)} (${base} + ${pct(metric.maxIncrease)})`;
    if (canaryQ > limitMs) {
      return mw.p < LATENCY_ALPHA
        ? { metric: name, verdict: 'Fail', reason: `${measured} > ${limit}, and slower overall (${test} < ${LATENCY_ALPHA})`, values }
        : { metric: name, verdict: 'Pass', reason: `${measured} > ${limit}, but not significantly slower overall (${test} ≥ ${LATENCY_ALPHA}): taken as noise`, values };
    }
    return { metric: name, verdict: 'Pass', reason: `${measured} ≤ ${limit}`, values };
  }
  // Only maxMs was set (or, bypassing the schema, neither bound: nothing to object to).
  const bound = metric.maxMs !== undefined ? ` ≤ ${ms(metric.maxMs)}` : ', no bound set';
  return { metric: name, verdict: 'Pass', reason: `${measured}${bound} (${base})`, values };
}

function outputDrift(maxPsi: number, baseline: readonly number[], canary: readonly number[]): MetricVerdict {
  const p = psi(baseline, canary);
  const ks = ksTwoSample(baseline, canary);
  const over = p.mode === 'categorical' ? `${p.bins} categories` : `${p.bins} bins at baseline deciles`;
  const fail = p.psi > maxPsi;
  return {
    metric: 'output-drift',
    verdict: fail ? 'Fail' : 'Pass',
    reason: `prediction PSI ${p.psi.toFixed(3)} ${fail ? '>' : '≤'} ${maxPsi} over ${over} (KS D = ${ks.d.toFixed(3)}, p = ${fmtP(ks.p)})`,
    values: { psi: p.psi, maxPsi, bins: p.bins, categorical: p.mode === 'categorical' ? 1 : 0, ksD: ks.d, ksP: ks.p, baselineSamples: baseline.length, canarySamples: canary.length },
  };
}

const ms = (x: number): string => `${Number(x.toFixed(1))} ms`;
const pct = (x: number): string => `${Number((x * 100).toFixed(2))} %`;
const fmtP = (p: number): string => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));
