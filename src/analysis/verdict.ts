// The outcome of judging a canary against its baseline (issue 5), shared by analysis/ (which
// produces it) and rollout/ (which acts on it). Verdicts are ordered Pass < Inconclusive <
// Fail and combined with `worst()`, as Argo Rollouts does: one failing metric fails the whole
// analysis, and a metric without enough samples can only hold it, never pass it.

import type { Millis } from '../spec/units.js';

export type Verdict = 'Pass' | 'Inconclusive' | 'Fail';

const RANK: Record<Verdict, number> = { Pass: 0, Inconclusive: 1, Fail: 2 };

/** The worse of the verdicts; `worst()` of nothing is Pass (nothing objected). */
export function worst(...verdicts: readonly Verdict[]): Verdict {
  let out: Verdict = 'Pass';
  for (const v of verdicts) if (RANK[v] > RANK[out]) out = v;
  return out;
}

/** One metric's judgement, with the numbers behind it. */
export interface MetricVerdict {
  /** The spec metric's name, e.g. `error-rate`, `latency-p99`, `output-drift` (spec/analysis-schema.ts metricName). */
  metric: string;
  verdict: Verdict;
  /** In words, with the numbers: "canary p99 412 ms > 250 ms (baseline 120 ms)". */
  reason: string;
  /** The measured values (canary and baseline statistics, test statistic, p-value, thresholds). */
  values: Record<string, number>;
}

/** One analysis run: every metric's verdict and the combination. */
export interface AnalysisResult {
  at: Millis;
  verdict: Verdict;
  metrics: MetricVerdict[];
  /** Samples per side that were judged. */
  samples: { baseline: number; canary: number };
}
