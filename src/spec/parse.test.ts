// The YAML front door and the issue format: syntax errors and several documents are issues
// with a location, every problem is reported in one pass, and messages read
// `path = value, rule (where)`.
import { describe, expect, it } from 'vitest';
import { withSpec } from './fixtures.test.js';
import { formatSpecIssue, formatSpecIssues } from './issues.js';
import { parseDeploymentSpec, validateDeploymentObject } from './parse.js';
import type { ParseResult, SpecIssue } from './types.js';

const HEAD = 'apiVersion: rollcast.dev/v1alpha1\nkind: ModelDeployment\nmetadata: { name: penguins }\n';
const MODEL = '  model: { name: penguins, version: "1", uri: ./m.onnx }\n';

function issues(result: ParseResult): SpecIssue[] {
  if (result.ok) throw new Error('expected the spec to be rejected');
  return result.issues;
}

function ok(result: ParseResult) {
  if (!result.ok) throw new Error(`expected a valid spec:\n${formatSpecIssues(result.issues)}`);
  return result;
}

describe('parseDeploymentSpec', () => {
  it('reports every problem at once, in file order, each with its location', () => {
    const text = `${HEAD}spec:
${MODEL}  serving:
    timeout: 10
  scaling:
    minReplicas: 3
    maxReplicas: 2
    maxReplica: 2
    target: { metric: rps }
  rollout:
    steps:
      - setWeight: 50
      - pause: 5min
      - setWeight: 20
    analysis:
      metrics:
        - { name: error-rate, max: 0.01 }
        - { name: latency-p99 }
`;
    expect(formatSpecIssues(issues(parseDeploymentSpec(text, 'penguins.yaml')))).toBe(
      [
        'spec.serving.timeout = 10, must be a duration longer than 0s, such as 250ms, 30s, 5m, 1h30m or 14d (units ms, s, m, h, d, w); a bare number has no unit (write 10s or 10ms) (penguins.yaml:7:14)',
        'spec.scaling.maxReplicas = 2, must be ≥ minReplicas (3) (penguins.yaml:10:18)',
        'spec.scaling.maxReplica = 2, unknown field; did you mean maxReplicas? (penguins.yaml:11:17)',
        'spec.scaling.target.valuePerReplica is required, must be a number > 0 for metric rps: the requests per second one replica serves at full load (penguins.yaml:12:13)',
        'spec.rollout.steps[1].pause = "5min", must be {} (wait for a manual promote) or a duration longer than 0s, such as 250ms, 30s, 5m, 1h30m or 14d (units ms, s, m, h, d, w); unknown unit "min" (penguins.yaml:16:16)',
        'spec.rollout.steps[2].setWeight = 20, must be ≥ 50, the weight set at steps[0]: steps only move traffic toward the new revision (a rollback moves it back) (penguins.yaml:17:20)',
        'spec.rollout.analysis.metrics[1] = { name: latency-p99 }, must set maxMs (an absolute bound) or maxIncrease (relative to the running version), or both (penguins.yaml:21:11)',
      ].join('\n'),
    );
  });

  it('turns a YAML syntax error into an issue with line and column', () => {
    expect(issues(parseDeploymentSpec(`${HEAD}spec:\n  model: [1,\n`, 'bad.yaml'))).toEqual([
      { path: '', message: expect.stringMatching(/^YAML syntax error: /) as unknown, at: 'bad.yaml:6:1' },
    ]);
  });

  it('treats duplicate keys as a syntax error rather than keeping the last one', () => {
    const [first] = issues(parseDeploymentSpec(`${HEAD}spec:\n${MODEL}  scaling: { maxReplicas: 3, maxReplicas: 4 }\n`));
    expect(first).toEqual({ path: '', message: 'YAML syntax error: Map keys must be unique', at: 'line 6, column 30' });
  });

  it('rejects several documents in one file, pointing at the second', () => {
    expect(issues(parseDeploymentSpec(`${HEAD}spec:\n${MODEL}---\n${HEAD}`, 'two.yaml'))).toEqual([
      { path: '', message: 'the file must hold exactly one YAML document, found 2: put each deployment in its own file', at: 'two.yaml:6:1' },
    ]);
  });

  it('rejects an empty file, and a document that is not a mapping', () => {
    expect(issues(parseDeploymentSpec(''))).toEqual([{ path: '', message: 'the spec is empty: expected one ModelDeployment document' }]);
    expect(issues(parseDeploymentSpec('# nothing here\n'))).toHaveLength(1);
    expect(formatSpecIssues(issues(parseDeploymentSpec('- penguins\n')))).toBe(
      'the document must be a mapping (key: value) (line 1, column 1)',
    );
  });

  it('reports an unresolved alias instead of throwing', () => {
    expect(issues(parseDeploymentSpec(`${HEAD}spec: *nowhere\n`))).toEqual([
      { path: '', message: expect.stringContaining('YAML error: Unresolved alias') as unknown },
    ]);
  });

  it('keeps model versions as written: `version: 2` is "2" and `version: 1.10` stays "1.10"', () => {
    const version = (v: string) => ok(parseDeploymentSpec(`${HEAD}spec:\n  model: { name: p, version: ${v}, uri: ./m.onnx }\n`)).spec.spec.model.version;
    expect(version('2')).toBe('2');
    expect(version('1.10')).toBe('1.10');
    expect(version('"1.4.0-rc.1"')).toBe('1.4.0-rc.1');
  });

  it('returns the document as written as plain JSON, which validates to the same spec', () => {
    const text = `${HEAD}spec:\n  model: { name: p, version: 1.10, uri: ./m.onnx }\n  serving: { timeout: 5s }\n`;
    const parsed = ok(parseDeploymentSpec(text));
    expect(parsed.raw).toEqual({
      apiVersion: 'rollcast.dev/v1alpha1',
      kind: 'ModelDeployment',
      metadata: { name: 'penguins' },
      spec: { model: { name: 'p', version: '1.10', uri: './m.onnx' }, serving: { timeout: '5s' } },
    });
    const again = ok(validateDeploymentObject(JSON.parse(JSON.stringify(parsed.raw))));
    expect(again.spec).toEqual(parsed.spec);
  });
});

describe('validateDeploymentObject', () => {
  it('accepts JSON bodies, with numbers for versions', () => {
    const doc = withSpec({ model: { version: 3, sha256: 'AB'.repeat(32) } });
    const { spec } = ok(validateDeploymentObject(doc)).spec;
    expect(spec.model.version).toBe('3');
    expect(spec.model.sha256).toBe('ab'.repeat(32));
  });

  it('neither mutates its input nor shares it with the result', () => {
    const doc = withSpec({ scaling: { minReplicas: 2 } });
    const before = JSON.stringify(doc);
    const result = ok(validateDeploymentObject(doc));
    expect(JSON.stringify(doc)).toBe(before);
    expect(result.raw).toEqual(doc);
    expect(result.raw).not.toBe(doc);
  });

  it('warns about settings that are valid but probably not meant', () => {
    const warnings = (patch: Record<string, unknown>) => ok(validateDeploymentObject(withSpec(patch))).warnings;
    expect(warnings({ scaling: { target: { metric: 'cpu', valuePerReplica: 70 } } })).toEqual([
      'spec.scaling.target.valuePerReplica = 70, means a replica counts as full at 70 % CPU, so the target is utilization × 70 = 49 % CPU; to aim at 70 % CPU write utilization: 0.7 and omit valuePerReplica',
    ]);
    expect(warnings({ scaling: { predictive: { maxCapacityBuffer: 10 } } })).toEqual([
      'spec.scaling.predictive.maxCapacityBuffer = 10, is ignored with maxCapacityBreach: HonorMaxCapacity (set IncreaseMaxCapacity to let forecasts exceed maxReplicas)',
    ]);
    expect(warnings({ scaling: { target: { metric: 'concurrency', valuePerReplica: 8 } } })).toEqual([
      'spec.scaling.target.valuePerReplica = 8, exceeds spec.serving.maxConcurrency (4): a replica runs at most 4 requests at once, so requests would queue before the deployment scales out',
    ]);
    expect(warnings({})).toEqual([]);
  });
});

describe('formatSpecIssue', () => {
  it('reads path = value, rule; a missing value is "required"; the location goes last', () => {
    expect(formatSpecIssue({ path: 'spec.scaling.maxReplicas', given: '0', message: 'must be ≥ minReplicas (1)' })).toBe(
      'spec.scaling.maxReplicas = 0, must be ≥ minReplicas (1)',
    );
    expect(formatSpecIssue({ path: 'spec.model.uri', message: 'must be a string' })).toBe('spec.model.uri is required, must be a string');
    expect(formatSpecIssue({ path: 'kind', given: '"X"', message: 'must be ModelDeployment', at: 'a.yaml:2:7' })).toBe(
      'kind = "X", must be ModelDeployment (a.yaml:2:7)',
    );
    expect(formatSpecIssue({ path: '', message: 'the spec is empty' })).toBe('the spec is empty');
  });

  it('produces the line ARCHITECTURE.md shows for maxReplicas: 0', () => {
    const result = validateDeploymentObject(withSpec({ scaling: { maxReplicas: 0 } }));
    expect(formatSpecIssues(result.ok ? [] : result.issues)).toBe('spec.scaling.maxReplicas = 0, must be ≥ minReplicas (1)');
  });
});
