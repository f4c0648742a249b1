// `spec.rollout.analysis` and the overrides an `{ analysis: … }` step may carry: how a new
// revision is judged against the running one. Metrics are written by name
// (`latency-p99`) and normalized to a union by kind (`{ kind: 'latency', quantile: 0.99 }`).

import { z } from 'zod';
import { defaultAnalysis } from './defaults.js';
import { SECOND } from './duration.js';
import { brokenIndices, duration, int, num, strict, whenObject } from './fields.js';
import type { AnalysisMetric, AnalysisSpec, LatencyQuantile } from './types.js';
import { assertNever, millis } from './units.js';

/** The name a metric is written with, e.g. `latency-p99`: for messages and displays. */
export function metricName(m: AnalysisMetric): string {
  switch (m.kind) {
    case 'error-rate':
    case 'output-drift':
      return m.kind;
    case 'latency':
      return `latency-p${Math.round(m.quantile * 100)}`;
    default:
      return assertNever(m, 'metric');
  }
}

const errorRate = strict({
  name: z.literal('error-rate'),
  max: num({ gte: 0, lte: 1 }, ' (a fraction of requests: 0.01 = 1 %)'),
}).transform((m): AnalysisMetric => ({ kind: 'error-rate', max: m.max }));

const latency = <N extends string>(name: N, quantile: LatencyQuantile) =>
  strict({
    name: z.literal(name),
    maxMs: num({ gt: 0 }, ' (milliseconds)').optional(),
    maxIncrease: num({ gte: 0 }, ' (relative to the running version: 0.2 = at most 20 % slower)').optional(),
  })
    .superRefine((m, ctx) => {
      if (ctx.issues.length === 0 && m.maxMs === undefined && m.maxIncrease === undefined) {
        ctx.addIssue({
          code: 'custom',
          input: m,
          message: 'must set maxMs (an absolute bound) or maxIncrease (relative to the running version), or both',
        });
      }
    }, whenObject)
    .transform(
      (m): AnalysisMetric => ({
        kind: 'latency',
        quantile,
        ...(m.maxMs !== undefined && { maxMs: millis(m.maxMs) }),
        ...(m.maxIncrease !== undefined && { maxIncrease: m.maxIncrease }),
      }),
    );

// PSI above 0.2 is the usual "significant shift" threshold in credit-risk monitoring, where
// the index comes from; the value is the author's choice, so it has no default.
const outputDrift = strict({
  name: z.literal('output-drift'),
  maxPsi: num({ gt: 0 }, ' (population stability index; 0.2 is a common "significant shift" threshold)'),
}).transform((m): AnalysisMetric => ({ kind: 'output-drift', maxPsi: m.maxPsi }));

const metricSchema = z.discriminatedUnion('name', [
  errorRate,
  latency('latency-p99', 0.99),
  latency('latency-p95', 0.95),
  latency('latency-p50', 0.5),
  outputDrift,
]);

const metricsSchema = z.array(metricSchema).min(1, 'must list at least one metric (an analysis that checks nothing always passes)');

/** Two checks of the same metric would contradict or repeat each other: report the second. */
function noDuplicateMetrics(metrics: readonly AnalysisMetric[] | undefined, ctx: z.core.$RefinementCtx): void {
  if (metrics === undefined) return;
  const broken = brokenIndices(ctx, 'metrics');
  const seen = new Map<string, number>();
  metrics.forEach((m, i) => {
    if (broken.has(i)) return;
    const name = metricName(m);
    const first = seen.get(name);
    if (first === undefined) seen.set(name, i);
    else ctx.addIssue({ code: 'custom', path: ['metrics', i, 'name'], input: name, message: `must appear only once (also at metrics[${first}])` });
  });
}

const D = defaultAnalysis();

const fields = {
  // At least a second: evaluations need some traffic between them to differ.
  interval: duration({ min: SECOND }),
  minSamples: int({ gte: 1 }, ' (samples per revision before a verdict)'),
  metrics: metricsSchema,
  failureLimit: int({ gte: 0 }, ' (failed evaluations tolerated before the analysis fails)'),
  onInconclusive: z.enum(['hold', 'rollback']),
};

export const analysisSchema = strict({
  interval: fields.interval.default(D.intervalMs),
  minSamples: fields.minSamples.default(D.minSamples),
  metrics: fields.metrics.default(() => defaultAnalysis().metrics),
  failureLimit: fields.failureLimit.default(D.failureLimit),
  onInconclusive: fields.onInconclusive.default(D.onInconclusive),
})
  .superRefine((a, ctx) => noDuplicateMetrics(a.metrics, ctx), whenObject)
  .transform(
    (a): AnalysisSpec => ({
      intervalMs: a.interval,
      minSamples: a.minSamples,
      metrics: a.metrics,
      failureLimit: a.failureLimit,
      onInconclusive: a.onInconclusive,
    }),
  );

/** An analysis step's overrides: any subset of the rollout-level fields (`{}` or empty = none). */
export const analysisOverrideSchema = z.preprocess(
  (v) => v ?? {},
  strict({
    interval: fields.interval.optional(),
    minSamples: fields.minSamples.optional(),
    metrics: fields.metrics.optional(),
    failureLimit: fields.failureLimit.optional(),
    onInconclusive: fields.onInconclusive.optional(),
  }).superRefine((a, ctx) => noDuplicateMetrics(a.metrics, ctx), whenObject),
);

export type AnalysisOverride = z.output<typeof analysisOverrideSchema>;

/** The rollout-level analysis with a step's overrides applied; a new object every time. */
export function withOverrides(base: AnalysisSpec, o: AnalysisOverride): AnalysisSpec {
  return {
    intervalMs: o.interval ?? base.intervalMs,
    minSamples: o.minSamples ?? base.minSamples,
    metrics: [...(o.metrics ?? base.metrics)],
    failureLimit: o.failureLimit ?? base.failureLimit,
    onInconclusive: o.onInconclusive ?? base.onInconclusive,
  };
}
