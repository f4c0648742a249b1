// Defaults are applied in one place and units normalized once: the minimal spec expands to
// this exact object, which is also the reference for every default value.
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, SECOND } from './duration.js';
import { minimal, withSpec } from './fixtures.test.js';
import { formatSpecIssues } from './issues.js';
import { validateDeploymentObject } from './parse.js';
import type { AnalysisSpec, ModelDeployment } from './types.js';

function parse(doc: unknown): ModelDeployment {
  const result = validateDeploymentObject(doc);
  if (!result.ok) throw new Error(formatSpecIssues(result.issues));
  return result.spec;
}

const analysis: AnalysisSpec = {
  intervalMs: MINUTE,
  minSamples: 200,
  metrics: [
    { kind: 'error-rate', max: 0.01 },
    { kind: 'latency', quantile: 0.99, maxIncrease: 0.2 },
  ],
  failureLimit: 2,
  onInconclusive: 'hold',
} as AnalysisSpec;

describe('defaults', () => {
  it('expand the minimal spec to a complete, normalized ModelDeployment', () => {
    expect(parse(minimal())).toEqual({
      apiVersion: 'rollcast.dev/v1alpha1',
      kind: 'ModelDeployment',
      metadata: { name: 'penguins', labels: {} },
      spec: {
        model: { name: 'penguins', version: '1', uri: './models/penguins-v1.onnx', allowNonFinite: false },
        serving: { maxConcurrency: 4, queueTimeoutMs: 2 * SECOND, timeoutMs: 10 * SECOND, maxQueue: 64, maxBodyBytes: 4_194_304, intraOpThreads: 1 },
        scaling: {
          replicas: 1,
          minReplicas: 1,
          maxReplicas: 10,
          target: { metric: 'cpu', valuePerReplica: 100, utilization: 0.7 },
          predictive: {
            mode: 'ForecastOnly',
            quantile: 0.9,
            historyMs: 14 * DAY,
            horizonMs: 48 * HOUR,
            schedulingBuffer: { kind: 'auto' },
            maxCapacityBreach: 'HonorMaxCapacity',
            maxCapacityBuffer: 0,
          },
          reactive: {
            tolerance: 0.1,
            disableScaleIn: false,
            scaleUp: { stabilizationMs: 0, cooldownMs: 60 * SECOND },
            scaleDown: { stabilizationMs: 5 * MINUTE, cooldownMs: 300 * SECOND },
          },
        },
        rollout: {
          strategy: 'canary',
          steps: [
            { kind: 'setWeight', weight: 10 },
            { kind: 'pause', durationMs: 5 * MINUTE },
            { kind: 'analysis', analysis },
            { kind: 'setWeight', weight: 50 },
            { kind: 'pause', durationMs: 10 * MINUTE },
            { kind: 'analysis', analysis },
          ],
          analysis,
          autoRollback: true,
        },
      },
    });
  });

  it('start replicas at minReplicas unless replicas is given', () => {
    expect(parse(withSpec({ scaling: { minReplicas: 3 } })).spec.scaling.replicas).toBe(3);
    expect(parse(withSpec({ scaling: { minReplicas: 3, replicas: 5 } })).spec.scaling.replicas).toBe(5);
  });

  it('are fresh objects on every parse, so a caller mutating one spec cannot change another', () => {
    const first = parse(minimal());
    first.metadata.labels.x = 'y';
    first.spec.rollout.analysis.metrics.push({ kind: 'output-drift', maxPsi: 1 });
    first.spec.scaling.predictive.schedulingBuffer = { kind: 'fixed', durationMs: 1 as never };
    const second = parse(minimal());
    expect(second.metadata.labels).toEqual({});
    expect(second.spec.rollout.analysis.metrics).toHaveLength(2);
    expect(second.spec.scaling.predictive.schedulingBuffer).toEqual({ kind: 'auto' });
  });
});

describe('normalization', () => {
  it('turns every duration into milliseconds in a field ending in Ms', () => {
    const spec = parse(
      withSpec({
        serving: { queueTimeout: '250ms', timeout: '1m30s' },
        scaling: {
          predictive: { history: '4w', horizon: '1d', schedulingBuffer: '90s' },
          reactive: { scaleUp: { stabilization: '15s', cooldown: '2m' }, scaleDown: { stabilization: '0s', cooldown: '1h' } },
        },
        rollout: { analysis: { interval: '45s' } },
      }),
    ).spec;
    expect([spec.serving.queueTimeoutMs, spec.serving.timeoutMs]).toEqual([250, 90 * SECOND]);
    expect(spec.scaling.predictive).toMatchObject({ historyMs: 28 * DAY, horizonMs: DAY, schedulingBuffer: { kind: 'fixed', durationMs: 90 * SECOND } });
    expect(spec.scaling.reactive.scaleUp).toEqual({ stabilizationMs: 15 * SECOND, cooldownMs: 2 * MINUTE });
    expect(spec.scaling.reactive.scaleDown).toEqual({ stabilizationMs: 0, cooldownMs: HOUR });
    expect(spec.rollout.analysis.intervalMs).toBe(45 * SECOND);
  });

  it('keeps maxCapacityBuffer only where it has an effect', () => {
    const buffer = (maxCapacityBreach: string) =>
      parse(withSpec({ scaling: { predictive: { maxCapacityBreach, maxCapacityBuffer: 20 } } })).spec.scaling.predictive.maxCapacityBuffer;
    expect(buffer('IncreaseMaxCapacity')).toBe(20);
    expect(buffer('HonorMaxCapacity')).toBe(0);
  });

  it('normalizes latency metrics to a quantile and keeps only the bounds given', () => {
    const metrics = parse(
      withSpec({
        rollout: {
          analysis: {
            metrics: [
              { name: 'latency-p50', maxMs: 40 },
              { name: 'latency-p95', maxIncrease: 0.1 },
              { name: 'latency-p99', maxMs: 250, maxIncrease: 0.2 },
              { name: 'output-drift', maxPsi: 0.25 },
            ],
          },
        },
      }),
    ).spec.rollout.analysis.metrics;
    expect(metrics).toEqual([
      { kind: 'latency', quantile: 0.5, maxMs: 40 },
      { kind: 'latency', quantile: 0.95, maxIncrease: 0.1 },
      { kind: 'latency', quantile: 0.99, maxMs: 250, maxIncrease: 0.2 },
      { kind: 'output-drift', maxPsi: 0.25 },
    ]);
  });

  it('predictive.headroom: absent means forecast (nothing written), adaptive is kept', () => {
    expect(parse(minimal()).spec.scaling.predictive.headroom).toBeUndefined();
    expect(parse(withSpec({ scaling: { predictive: { headroom: 'adaptive' } } })).spec.scaling.predictive.headroom).toBe('adaptive');
    expect(parse(withSpec({ scaling: { predictive: { headroom: 'forecast' } } })).spec.scaling.predictive.headroom).toBe('forecast');
  });
});
