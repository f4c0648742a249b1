// Invariants of validation, checked on generated specs (fast-check): whatever the numbers,
// valid bounds pass, broken ones are reported at the right path, and nothing throws.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration } from './duration.js';
import { withSpec } from './fixtures.test.js';
import { parseDeploymentSpec, validateDeploymentObject } from './parse.js';
import type { SpecIssue } from './types.js';

const issuesOf = (doc: unknown): SpecIssue[] => {
  const result = validateDeploymentObject(doc);
  return result.ok ? [] : result.issues;
};

// rps rather than the default cpu target, so that minReplicas 0 (scale to zero) is valid too.
const rps = { metric: 'rps', valuePerReplica: 100 };

describe('replica bounds', () => {
  it('any minReplicas ≤ maxReplicas (max ≥ 1) is accepted, and replicas starts at minReplicas', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1000 }), fc.nat({ max: 1000 }), (a, b) => {
        const [minReplicas, maxReplicas] = [Math.min(a, b), Math.max(a, b, 1)];
        const result = validateDeploymentObject(withSpec({ scaling: { minReplicas, maxReplicas, target: rps } }));
        expect(result.ok && result.spec.spec.scaling).toMatchObject({ replicas: minReplicas, minReplicas, maxReplicas });
      }),
    );
  });

  it('any maxReplicas < minReplicas is rejected at spec.scaling.maxReplicas, naming both values', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 1000 }), (a, b) => {
        fc.pre(a !== b);
        const [maxReplicas, minReplicas] = [Math.min(a, b), Math.max(a, b)];
        expect(issuesOf(withSpec({ scaling: { minReplicas, maxReplicas, target: rps } }))).toEqual([
          { path: 'spec.scaling.maxReplicas', given: String(maxReplicas), message: `must be ≥ minReplicas (${minReplicas})` },
        ]);
      }),
    );
  });

  it('an initial replicas count is accepted exactly when it lies within the bounds', () => {
    fc.assert(
      fc.property(fc.nat({ max: 20 }), fc.integer({ min: 1, max: 20 }), fc.nat({ max: 25 }), (min, span, replicas) => {
        const max = min + span;
        const issues = issuesOf(withSpec({ scaling: { minReplicas: min, maxReplicas: max, replicas, target: rps } }));
        expect(issues.map((i) => i.path)).toEqual(replicas >= min && replicas <= max ? [] : ['spec.scaling.replicas']);
      }),
    );
  });
});

describe('canary weights', () => {
  const weight = fc.integer({ min: 0, max: 100 });

  it('any non-decreasing sequence of weights is accepted', () => {
    fc.assert(
      fc.property(fc.array(weight, { minLength: 1, maxLength: 12 }), (ws) => {
        const sorted = [...ws].sort((x, y) => x - y);
        const steps = sorted.map((w) => ({ setWeight: w }));
        expect(issuesOf(withSpec({ rollout: { steps } }))).toEqual([]);
      }),
    );
  });

  it('every decrease is reported at the step that decreases', () => {
    fc.assert(
      fc.property(fc.array(weight, { minLength: 2, maxLength: 12 }), (ws) => {
        const steps = ws.map((w) => ({ setWeight: w }));
        const expected = ws.flatMap((w, i) => (i > 0 && w < (ws[i - 1] ?? 0) ? [`spec.rollout.steps[${i}].setWeight`] : []));
        expect(issuesOf(withSpec({ rollout: { steps } })).map((i) => i.path)).toEqual(expected);
      }),
    );
  });
});

describe('numbers and durations', () => {
  it('quantile is accepted exactly inside (0, 1)', () => {
    fc.assert(
      fc.property(fc.double({ min: -2, max: 3, noNaN: true }), (quantile) => {
        const paths = issuesOf(withSpec({ scaling: { predictive: { quantile } } })).map((i) => i.path);
        expect(paths).toEqual(quantile > 0 && quantile < 1 ? [] : ['spec.scaling.predictive.quantile']);
      }),
    );
  });

  it('any duration written in the spec arrives as the same number of milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 * 60_000 }), (ms) => {
        const result = validateDeploymentObject(withSpec({ serving: { timeout: formatDuration(ms), queueTimeout: '0s' } }));
        expect(result.ok && result.spec.spec.serving.timeoutMs).toBe(ms);
      }),
    );
  });
});

describe('robustness', () => {
  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(() => validateDeploymentObject(value)).not.toThrow();
        expect(() => validateDeploymentObject(withSpec({ scaling: value, rollout: { steps: [value] } }))).not.toThrow();
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(() => parseDeploymentSpec(text)).not.toThrow();
      }),
    );
  });
});
