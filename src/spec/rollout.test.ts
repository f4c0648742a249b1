// Rollout steps: the one-key YAML form becomes the RolloutStep union, each strategy gets its
// documented default steps, `linear` expands into steps, and analysis steps carry their
// complete settings.
import { describe, expect, it } from 'vitest';
import { MINUTE, SECOND } from './duration.js';
import { withSpec } from './fixtures.test.js';
import { formatSpecIssues } from './issues.js';
import { validateDeploymentObject } from './parse.js';
import type { RolloutSpec, RolloutStep } from './types.js';
import { assertNever } from './units.js';

function rollout(patch: Record<string, unknown>): RolloutSpec {
  const result = validateDeploymentObject(withSpec({ rollout: patch }));
  if (!result.ok) throw new Error(formatSpecIssues(result.issues));
  return result.spec.spec.rollout;
}

/** A compact picture of the steps, the way a reader of the spec thinks of them. */
function outline(steps: readonly RolloutStep[]): string[] {
  return steps.map((s) => {
    switch (s.kind) {
      case 'setWeight':
        return `weight ${s.weight}`;
      case 'pause':
        return s.durationMs === undefined ? 'pause until promoted' : `pause ${s.durationMs / SECOND}s`;
      case 'analysis':
        return 'analysis';
      case 'setCanaryScale':
        return `scale ${JSON.stringify(s.scale)}`;
      default:
        return assertNever(s, 'step');
    }
  });
}

describe('default steps', () => {
  it.each([
    ['canary', ['weight 10', 'pause 300s', 'analysis', 'weight 50', 'pause 600s', 'analysis']],
    ['linear', Array.from({ length: 9 }, (_, i) => [`weight ${(i + 1) * 10}`, 'pause 60s', 'analysis']).flat()],
    ['blueGreen', ['scale {"kind":"weight","weight":100}', 'weight 100', 'pause 600s']],
    ['allAtOnce', []],
    ['shadow', ['scale {"kind":"weight","weight":100}', 'pause 600s', 'analysis']],
  ])('%s', (strategy, expected) => {
    expect(outline(rollout({ strategy }).steps)).toEqual(expected);
  });
});

describe('linear', () => {
  it('expands stepWeight and interval into weight, pause and analysis steps below 100 %', () => {
    const spec = rollout({ strategy: 'linear', linear: { stepWeight: 30, interval: '2m' } });
    expect(outline(spec.steps)).toEqual(['weight 30', 'pause 120s', 'analysis', 'weight 60', 'pause 120s', 'analysis', 'weight 90', 'pause 120s', 'analysis']);
  });

  it('with stepWeight 100 is a single switch', () => {
    expect(rollout({ strategy: 'linear', linear: { stepWeight: 100 } }).steps).toEqual([]);
  });

  it('accepts explicit steps instead', () => {
    expect(outline(rollout({ strategy: 'linear', steps: [{ setWeight: 25 }, { pause: '1m' }] }).steps)).toEqual(['weight 25', 'pause 60s']);
  });
});

describe('steps', () => {
  it('normalize pauses: a duration, {} (until promoted) or { duration }', () => {
    const { steps } = rollout({ steps: [{ setWeight: 5 }, { pause: '90s' }, { pause: {} }, { pause: { duration: '1h' } }] });
    expect(steps.slice(1)).toEqual([
      { kind: 'pause', durationMs: 90 * SECOND },
      { kind: 'pause' }, // no durationMs key at all: nothing to misread as 0
      { kind: 'pause', durationMs: 60 * MINUTE },
    ]);
    expect(Object.keys(steps[2] ?? {})).toEqual(['kind']);
  });

  it('normalize the three ways to size the canary', () => {
    const { steps } = rollout({
      steps: [{ setCanaryScale: { replicas: 2 } }, { setCanaryScale: { weight: 50 } }, { setCanaryScale: { matchTrafficWeight: true } }, { setWeight: 10 }],
    });
    expect(steps.slice(0, 3).map((s) => (s.kind === 'setCanaryScale' ? s.scale : undefined))).toEqual([
      { kind: 'replicas', replicas: 2 },
      { kind: 'weight', weight: 50 },
      { kind: 'matchTrafficWeight' },
    ]);
  });

  it('give every analysis step the rollout-level analysis with its own overrides', () => {
    const spec = rollout({
      analysis: { interval: '30s', failureLimit: 1 },
      steps: [
        { setWeight: 10 },
        { analysis: {} },
        { setWeight: 50 },
        { analysis: { minSamples: 1000, metrics: [{ name: 'output-drift', maxPsi: 0.1 }], onInconclusive: 'rollback' } },
        { setWeight: 60 },
        { analysis: null }, // `- analysis:` with nothing after it
      ],
    });
    const [first, second, third] = spec.steps.filter((s) => s.kind === 'analysis').map((s) => s.analysis);
    expect(first).toEqual(spec.analysis);
    expect(first).not.toBe(spec.analysis);
    expect(second).toEqual({
      intervalMs: 30 * SECOND,
      minSamples: 1000,
      metrics: [{ kind: 'output-drift', maxPsi: 0.1 }],
      failureLimit: 1,
      onInconclusive: 'rollback',
    });
    expect(third).toEqual(spec.analysis);
  });

  it('allow a shadow to be judged without traffic weight, and weights of 0 or 100 in blueGreen', () => {
    expect(rollout({ strategy: 'shadow', steps: [{ setCanaryScale: { replicas: 1 } }, { analysis: {} }] }).steps).toHaveLength(2);
    expect(rollout({ strategy: 'blueGreen', steps: [{ setWeight: 0 }, { pause: {} }, { setWeight: 100 }] }).steps).toHaveLength(3);
  });

  it('allow blueGreen to be analysed on mirrored requests before the switch, and allAtOnce to bake and analyse after it', () => {
    expect(rollout({ strategy: 'blueGreen', steps: [{ analysis: {} }, { setWeight: 100 }] }).steps.map((s) => s.kind)).toEqual(['analysis', 'setWeight']);
    expect(rollout({ strategy: 'allAtOnce', steps: [{ pause: { duration: '5m' } }, { analysis: {} }] }).steps.map((s) => s.kind)).toEqual(['pause', 'analysis']);
  });
});
