// examples/rollout-*.yaml, the four rollout demos of issue 5, against the models they roll
// out: each is the demo deployment (penguins.yaml) with only the model and a rollout changed,
// points at the model file it describes, and judges on every metric its case needs, fast
// enough for a verdict within two minutes of `rollcast load` traffic.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatSpecIssues } from '../spec/issues.js';
import { parseDeploymentSpec } from '../spec/parse.js';
import type { ModelDeployment } from '../spec/types.js';
import { ModelProto } from './onnx-schema.js';
import { repoRoot } from './paths.js';

const examples = join(repoRoot(), 'examples');

function load(file: string): ModelDeployment {
  const result = parseDeploymentSpec(readFileSync(join(examples, file), 'utf8'), `examples/${file}`);
  if (!result.ok) throw new Error(formatSpecIssues(result.issues));
  return result.spec;
}

function modelMetadata(uri: string): Record<string, string> {
  const decoded = ModelProto.toObject(ModelProto.decode(readFileSync(join(examples, uri)))) as { metadata_props: { key: string; value: string }[] };
  return Object.fromEntries(decoded.metadata_props.map((e) => [e.key, e.value]));
}

const CASES = [
  ['rollout-good.yaml', '2', './models/penguins-v2.onnx'],
  ['rollout-errors.yaml', '3-errors', './models/penguins-v3-errors.onnx'],
  ['rollout-slow.yaml', '3-slow', './models/penguins-v3-slow.onnx'],
  ['rollout-drift.yaml', '3-drift', './models/penguins-v3-drift.onnx'],
] as const;

describe.each(CASES)('examples/%s', (file, version, uri) => {
  const base = load('penguins.yaml');
  const spec = load(file);

  it('is the demo deployment with only the model and the rollout changed', () => {
    expect(spec.metadata).toEqual(base.metadata);
    expect(spec.spec.model).toEqual({ ...base.spec.model, version, uri });
    expect(spec.spec.serving).toEqual(base.spec.serving);
    expect(spec.spec.scaling).toEqual(base.spec.scaling);
  });

  it('rolls out the model file it names, whose metadata carries the same version', () => {
    expect(modelMetadata(uri)['rollcast.version']).toBe(version);
  });

  it('is a canary at 20 % then 50 %, each step judged, with automatic rollback', () => {
    const { rollout } = spec.spec;
    expect(rollout.strategy).toBe('canary');
    expect(rollout.autoRollback).toBe(true);
    expect(rollout.steps.map((s) => (s.kind === 'setWeight' ? s.weight : s.kind))).toEqual([20, 'analysis', 50, 'analysis']);
  });

  it('judges errors, latency and drift, and reaches a verdict within two minutes at 50 req/s', () => {
    const { analysis } = spec.spec.rollout;
    expect(analysis.metrics).toEqual([
      { kind: 'error-rate', max: 0.01 },
      { kind: 'latency', quantile: 0.99, maxIncrease: 0.5 },
      { kind: 'latency', quantile: 0.5, maxIncrease: 0.5 },
      { kind: 'output-drift', maxPsi: 0.2 },
    ]);
    // The slowest path to a verdict: each of the two steps fails once and then passes, so
    // 2 steps × (failureLimit + 1) intervals. At 50 req/s the canary's 20 % share collects
    // 50 × 0.2 × interval samples per interval, which must reach minSamples.
    expect(2 * (analysis.failureLimit + 1) * analysis.intervalMs).toBeLessThanOrEqual(120_000);
    expect(50 * 0.2 * (analysis.intervalMs / 1000)).toBeGreaterThanOrEqual(analysis.minSamples);
  });
});
