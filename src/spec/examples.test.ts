// The specs in examples/ are what a new user copies first, so they are test fixtures: each
// parses with no issues and no warnings, and the seed scenario says exactly what the seed did.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, SECOND } from './duration.js';
import { formatSpecIssues } from './issues.js';
import { parseDeploymentSpec } from './parse.js';
import type { ModelDeployment } from './types.js';

const dir = new URL('../../examples/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
const text = (file: string): string => readFileSync(new URL(file, dir), 'utf8');

function load(file: string): ModelDeployment {
  const result = parseDeploymentSpec(text(file), `examples/${file}`);
  if (!result.ok) throw new Error(formatSpecIssues(result.issues));
  return result.spec;
}

describe('examples/*.yaml', () => {
  it('exist', () => {
    expect(files).toEqual(expect.arrayContaining(['minimal.yaml', 'penguins.yaml', 'penguins-v2.yaml', 'seed-scenario.yaml']));
  });

  it.each(files)('%s parses with no issues and no warnings', (file) => {
    const result = parseDeploymentSpec(text(file), `examples/${file}`);
    expect(result.ok ? [] : formatSpecIssues(result.issues).split('\n')).toEqual([]);
    expect(result.ok && result.warnings).toEqual([]);
  });
});

describe('penguins demo', () => {
  it('serves version 1 with 2 of 1–4 replicas tracking request rate', () => {
    const { metadata, spec } = load('penguins.yaml');
    expect(metadata.name).toBe('penguins');
    expect(spec.model).toMatchObject({ name: 'penguins', version: '1', uri: './models/penguins-v1.onnx' });
    expect(spec.scaling).toMatchObject({ replicas: 2, minReplicas: 1, maxReplicas: 4, target: { metric: 'rps' } });
  });

  it('v2 is the same deployment at version 2, rolled out as a canary', () => {
    const v1 = load('penguins.yaml');
    const v2 = load('penguins-v2.yaml');
    expect(v2.metadata).toEqual(v1.metadata);
    expect(v2.spec.model).toEqual({ ...v1.spec.model, version: '2', uri: './models/penguins-v2.onnx' });
    expect(v2.spec.scaling).toEqual(v1.spec.scaling);
    expect(v2.spec.rollout.strategy).toBe('canary');
    expect(v2.spec.rollout.steps.filter((s) => s.kind === 'setWeight').map((s) => s.weight)).toEqual([20, 50]);
  });
});

describe('seed scenario', () => {
  it('is the AWS setup of the seed: 1–10 replicas, 70 % CPU, 300 s cooldowns, scale-in on, predictive scaling, canary', () => {
    const { scaling, rollout } = load('seed-scenario.yaml').spec;
    expect(scaling).toEqual({
      replicas: 1,
      minReplicas: 1, // min_capacity=1
      maxReplicas: 10, // max_capacity=10
      target: { metric: 'cpu', valuePerReplica: 100, utilization: 0.7 }, // ASGAverageCPUUtilization, target_value=70
      predictive: {
        mode: 'ForecastAndScale',
        quantile: 0.9,
        historyMs: 14 * DAY,
        horizonMs: 48 * HOUR,
        schedulingBuffer: { kind: 'fixed', durationMs: 5 * MINUTE }, // AWS default scheduled_action_buffer_time
        maxCapacityBreach: 'HonorMaxCapacity',
        maxCapacityBuffer: 0,
      },
      reactive: {
        tolerance: 0.1,
        disableScaleIn: false, // disable_scale_in=False
        scaleUp: { stabilizationMs: 0, cooldownMs: 300 * SECOND }, // scale_out_cooldown=300
        scaleDown: { stabilizationMs: 0, cooldownMs: 300 * SECOND }, // scale_in_cooldown=300
      },
    });
    expect(rollout.strategy).toBe('canary');
    expect(rollout.autoRollback).toBe(true);
  });

  it('names the AWS setting each line replaces', () => {
    const uncommented = text('seed-scenario.yaml')
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.includes('#'));
    expect(uncommented).toEqual([]);
  });
});
