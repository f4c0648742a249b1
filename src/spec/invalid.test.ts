// One row per class of mistake: the exact path, the value as given and the rule. These
// messages are the user interface of the spec, so they are pinned word for word.
import { describe, expect, it } from 'vitest';
import { merge, minimal, withSpec } from './fixtures.test.js';
import { validateDeploymentObject } from './parse.js';
import type { SpecIssue } from './types.js';

const issuesOf = (doc: unknown): SpecIssue[] => {
  const result = validateDeploymentObject(doc);
  return result.ok ? [] : result.issues;
};

const D = 'such as 250ms, 30s, 5m, 1h30m or 14d (units ms, s, m, h, d, w)';
const steps = (strategy: string, list: unknown[]) => withSpec({ rollout: { strategy, steps: list } });

type Row = [name: string, doc: unknown, expected: SpecIssue];

const rows: Row[] = [
  // the document
  ['not a mapping', 'hello', { path: '', given: '"hello"', message: 'the document must be a mapping (key: value)' }],
  ['wrong apiVersion', merge(minimal(), { apiVersion: 'rollcast.dev/v1' }), { path: 'apiVersion', given: '"rollcast.dev/v1"', message: 'must be rollcast.dev/v1alpha1' }],
  ['wrong kind', merge(minimal(), { kind: 'Deployment' }), { path: 'kind', given: '"Deployment"', message: 'must be ModelDeployment' }],
  ['unknown top-level field', merge(minimal(), { metdata: {} }), { path: 'metdata', given: '{}', message: 'unknown field; did you mean metadata?' }],
  // metadata
  ['name not a DNS label', merge(minimal(), { metadata: { name: 'Penguins_1' } }), { path: 'metadata.name', given: '"Penguins_1"', message: 'must be a DNS-1123 label: lowercase letters, digits and "-", starting and ending with a letter or digit' }],
  ['name too long', merge(minimal(), { metadata: { name: 'a'.repeat(64) } }), { path: 'metadata.name', given: `"${'a'.repeat(64)}"`, message: 'must be at most 63 characters (a DNS-1123 label)' }],
  ['label value not a string', merge(minimal(), { metadata: { labels: { tier: 1 } } }), { path: 'metadata.labels.tier', given: '1', message: 'must be a string (quote numbers and booleans: "1", "true")' }],
  ['bad label key', merge(minimal(), { metadata: { labels: { 'my team': 'ml' } } }), { path: 'metadata.labels["my team"]', given: '"ml"', message: 'has an invalid label key: an optional DNS prefix and "/", then letters, digits, "-", "_", "." (at most 63)' }],
  // model
  ['model missing', merge(minimal(), { spec: { model: undefined } }), { path: 'spec.model', message: 'must be a mapping (key: value)' }],
  ['model name charset', withSpec({ model: { name: 'Penguins!' } }), { path: 'spec.model.name', given: '"Penguins!"', message: 'must be lowercase letters, digits, "-", "." and "_", starting and ending with a letter or digit' }],
  ['version with a space', withSpec({ model: { version: 'v 1' } }), { path: 'spec.model.version', given: '"v 1"', message: 'must be a version such as "2" or "1.4.0": letters, digits, ".", "_", "+" and "-", at most 128 characters' }],
  ['uri missing', withSpec({ model: { uri: undefined } }), { path: 'spec.model.uri', message: 'must be a non-empty string: the model file, relative to this spec (e.g. ./models/penguins-v1.onnx)' }],
  ['sha256 not hex', withSpec({ model: { sha256: 'abc' } }), { path: 'spec.model.sha256', given: '"abc"', message: 'must be 64 hexadecimal digits: the SHA-256 of the model file (as printed by sha256sum)' }],
  ['allowNonFinite not boolean', withSpec({ model: { allowNonFinite: 'yes' } }), { path: 'spec.model.allowNonFinite', given: '"yes"', message: 'must be true or false' }],
  // serving
  ['maxConcurrency 0', withSpec({ serving: { maxConcurrency: 0 } }), { path: 'spec.serving.maxConcurrency', given: '0', message: 'must be an integer ≥ 1 (requests one replica runs at once)' }],
  ['maxQueue fractional', withSpec({ serving: { maxQueue: 2.5 } }), { path: 'spec.serving.maxQueue', given: '2.5', message: 'must be an integer ≥ 0 (requests that may wait per deployment)' }],
  ['maxBodyBytes over 64 MiB', withSpec({ serving: { maxBodyBytes: 100_000_000 } }), { path: 'spec.serving.maxBodyBytes', given: '100000000', message: 'must be an integer from 1 to 67108864 (bytes; 64 MiB = 67108864)' }],
  ['queueTimeout > timeout', withSpec({ serving: { queueTimeout: '20s' } }), { path: 'spec.serving.queueTimeout', given: '"20s"', message: 'must be ≤ timeout (10s), which includes the time spent queueing' }],
  ['duration as a bare number', withSpec({ serving: { timeout: 10 } }), { path: 'spec.serving.timeout', given: '10', message: `must be a duration longer than 0s, ${D}; a bare number has no unit (write 10s or 10ms)` }],
  ['duration with unknown unit', withSpec({ serving: { timeout: '10x' } }), { path: 'spec.serving.timeout', given: '"10x"', message: `must be a duration longer than 0s, ${D}; unknown unit "x"` }],
  ['negative duration', withSpec({ serving: { queueTimeout: '-1s' } }), { path: 'spec.serving.queueTimeout', given: '"-1s"', message: `must be a duration ${D}; durations cannot be negative` }],
  ['unknown serving field', withSpec({ serving: { colour: 'blue' } }), { path: 'spec.serving.colour', given: '"blue"', message: 'unknown field; expected one of: maxConcurrency, queueTimeout, timeout, maxQueue, maxBodyBytes, intraOpThreads' }],
  // scaling
  ['maxReplicas below minReplicas', withSpec({ scaling: { maxReplicas: 0 } }), { path: 'spec.scaling.maxReplicas', given: '0', message: 'must be ≥ minReplicas (1)' }],
  ['maxReplicas 0 with minReplicas 0', withSpec({ scaling: { minReplicas: 0, maxReplicas: 0, target: { metric: 'rps', valuePerReplica: 5 } } }), { path: 'spec.scaling.maxReplicas', given: '0', message: 'must be ≥ 1' }],
  ['minReplicas above the default max', withSpec({ scaling: { minReplicas: 12 } }), { path: 'spec.scaling.minReplicas', given: '12', message: 'must be ≤ maxReplicas (10 by default; set maxReplicas too)' }],
  ['replicas out of bounds', withSpec({ scaling: { replicas: 7, maxReplicas: 4 } }), { path: 'spec.scaling.replicas', given: '7', message: 'must be within minReplicas and maxReplicas (1..4)' }],
  ['scale to zero on cpu', withSpec({ scaling: { minReplicas: 0 } }), { path: 'spec.scaling.minReplicas', given: '0', message: 'must be ≥ 1 with metric cpu: at zero replicas there is no CPU to measure, so load could never scale the deployment back up (use rps or concurrency to scale from zero)' }],
  ['typo in a field name', withSpec({ scaling: { maxReplica: 3 } }), { path: 'spec.scaling.maxReplica', given: '3', message: 'unknown field; did you mean maxReplicas?' }],
  ['unknown metric', withSpec({ scaling: { target: { metric: 'qps' } } }), { path: 'spec.scaling.target.metric', given: '"qps"', message: 'must be one of: rps, concurrency, cpu (did you mean rps?)' }],
  ['rps without valuePerReplica', withSpec({ scaling: { target: { metric: 'rps' } } }), { path: 'spec.scaling.target.valuePerReplica', message: 'must be a number > 0 for metric rps: the requests per second one replica serves at full load' }],
  ['cpu valuePerReplica above 100', withSpec({ scaling: { target: { metric: 'cpu', valuePerReplica: 150 } } }), { path: 'spec.scaling.target.valuePerReplica', given: '150', message: 'must be a number > 0 and ≤ 100 for metric cpu: the CPU percent at which a replica counts as full' }],
  ['utilization 0', withSpec({ scaling: { target: { metric: 'cpu', utilization: 0 } } }), { path: 'spec.scaling.target.utilization', given: '0', message: 'must be a number > 0 and ≤ 1 (0.7 = aim at 70 % of valuePerReplica)' }],
  ['predictive mode in the wrong case', withSpec({ scaling: { predictive: { mode: 'forecastOnly' } } }), { path: 'spec.scaling.predictive.mode', given: '"forecastOnly"', message: 'must be one of: Off, ForecastOnly, ForecastAndScale (did you mean ForecastOnly?)' }],
  ['quantile 1', withSpec({ scaling: { predictive: { quantile: 1 } } }), { path: 'spec.scaling.predictive.quantile', given: '1', message: 'must be a number > 0 and < 1 (0.9 = provision for the 90th percentile of forecast load)' }],
  ['history under a day', withSpec({ scaling: { predictive: { history: '12h' } } }), { path: 'spec.scaling.predictive.history', given: '"12h"', message: 'must be a duration of at least 1d' }],
  ['horizon beyond history', withSpec({ scaling: { predictive: { history: '2d', horizon: '3d' } } }), { path: 'spec.scaling.predictive.horizon', given: '"3d"', message: 'must be ≤ history (2d): a forecast cannot look further ahead than the history it learns from' }],
  ['schedulingBuffer over an hour', withSpec({ scaling: { predictive: { schedulingBuffer: '2h' } } }), { path: 'spec.scaling.predictive.schedulingBuffer', given: '"2h"', message: 'must be auto or a duration of at most 1h' }],
  ['unknown headroom', withSpec({ scaling: { predictive: { headroom: 'band' } } }), { path: 'spec.scaling.predictive.headroom', given: '"band"', message: 'must be one of: forecast, adaptive' }],
  ['maxCapacityBuffer over 100', withSpec({ scaling: { predictive: { maxCapacityBuffer: 150 } } }), { path: 'spec.scaling.predictive.maxCapacityBuffer', given: '150', message: 'must be an integer from 0 to 100 (percent above maxReplicas the forecast may go)' }],
  ['tolerance 1', withSpec({ scaling: { reactive: { tolerance: 1 } } }), { path: 'spec.scaling.reactive.tolerance', given: '1', message: 'must be a number ≥ 0 and < 1 (0.1 = ignore deviations within ±10 % of the target)' }],
  ['stabilization over an hour', withSpec({ scaling: { reactive: { scaleDown: { stabilization: '2h' } } } }), { path: 'spec.scaling.reactive.scaleDown.stabilization', given: '"2h"', message: 'must be a duration of at most 1h' }],
  // rollout
  ['unknown strategy', withSpec({ rollout: { strategy: 'bluegreen' } }), { path: 'spec.rollout.strategy', given: '"bluegreen"', message: 'must be one of: canary, linear, blueGreen, allAtOnce, shadow (did you mean blueGreen?)' }],
  ['weight over 100', steps('canary', [{ setWeight: 150 }]), { path: 'spec.rollout.steps[0].setWeight', given: '150', message: 'must be an integer from 0 to 100 (percent of live traffic)' }],
  ['weights decreasing', steps('canary', [{ setWeight: 50 }, { pause: '1m' }, { setWeight: 20 }]), { path: 'spec.rollout.steps[2].setWeight', given: '20', message: 'must be ≥ 50, the weight set at steps[0]: steps only move traffic toward the new revision (a rollback moves it back)' }],
  ['step with two keys', steps('canary', [{ setWeight: 10, pause: '1m' }]), { path: 'spec.rollout.steps[0]', given: '{ setWeight: 10, pause: 1m }', message: 'must be a step with exactly one key: setWeight, pause, analysis, setCanaryScale; found setWeight and pause (write one step each)' }],
  ['unknown step', steps('canary', [{ setWeight: 10 }, { wait: '1m' }]), { path: 'spec.rollout.steps[1].wait', given: '"1m"', message: 'unknown step; expected one of: setWeight, pause, analysis, setCanaryScale' }],
  ['pause of 0s', steps('canary', [{ setWeight: 10 }, { pause: '0s' }]), { path: 'spec.rollout.steps[1].pause', given: '"0s"', message: 'must be {} (wait for a manual promote) or a duration longer than 0s' }],
  ['pause with unknown field', steps('canary', [{ setWeight: 10 }, { pause: { duraton: '5m' } }]), { path: 'spec.rollout.steps[1].pause.duraton', given: '"5m"', message: 'unknown field; did you mean duration?' }],
  ['allAtOnce with weights', steps('allAtOnce', [{ setWeight: 50 }]), { path: 'spec.rollout.steps[0].setWeight', given: '50', message: 'is not allowed with strategy allAtOnce, which moves all traffic in one go (use canary or linear for weight steps)' }],
  ['shadow with weights', steps('shadow', [{ setWeight: 10 }]), { path: 'spec.rollout.steps[0].setWeight', given: '10', message: 'is not allowed with strategy shadow, which mirrors traffic instead of shifting it (use setCanaryScale to size the shadow)' }],
  ['blueGreen partial weight', steps('blueGreen', [{ setWeight: 50 }]), { path: 'spec.rollout.steps[0].setWeight', given: '50', message: 'must be 0 or 100 with strategy blueGreen, which switches all traffic at once (use canary for partial weights)' }],
  ['analysis without traffic', steps('canary', [{ analysis: {} }, { setWeight: 10 }]), { path: 'spec.rollout.steps[0]', given: '{ analysis: {} }', message: 'runs while the new revision gets no traffic (weight 0), so it would have no samples to judge; put a setWeight step before it' }],
  ['canary without steps', steps('canary', []), { path: 'spec.rollout.steps', given: '[]', message: 'must have at least one step for strategy canary (use strategy allAtOnce to switch all traffic at once)' }],
  ['linear settings on a canary', withSpec({ rollout: { linear: { stepWeight: 20 } } }), { path: 'spec.rollout.linear', given: '{ stepWeight: 20, interval: 1m }', message: 'only applies to strategy linear (strategy is canary); write steps instead' }],
  ['linear and steps', withSpec({ rollout: { strategy: 'linear', linear: {}, steps: [{ setWeight: 10 }] } }), { path: 'spec.rollout.linear', given: '{ stepWeight: 10, interval: 1m }', message: 'must not be combined with steps: give either steps or linear' }],
  ['setCanaryScale with two sizes', steps('canary', [{ setCanaryScale: { replicas: 1, weight: 5 } }]), { path: 'spec.rollout.steps[0].setCanaryScale', given: '{ replicas: 1, weight: 5 }', message: 'must set exactly one of replicas, weight or matchTrafficWeight: true' }],
  ['setCanaryScale above maxReplicas', steps('canary', [{ setCanaryScale: { replicas: 20 } }, { setWeight: 10 }]), { path: 'spec.rollout.steps[0].setCanaryScale.replicas', given: '20', message: 'must be ≤ spec.scaling.maxReplicas (10)' }],
  ['latency metric without bounds', withSpec({ rollout: { analysis: { metrics: [{ name: 'latency-p95' }] } } }), { path: 'spec.rollout.analysis.metrics[0]', given: '{ name: latency-p95 }', message: 'must set maxMs (an absolute bound) or maxIncrease (relative to the running version), or both' }],
  ['metric listed twice', withSpec({ rollout: { analysis: { metrics: [{ name: 'error-rate', max: 0.01 }, { name: 'error-rate', max: 0.05 }] } } }), { path: 'spec.rollout.analysis.metrics[1].name', given: '"error-rate"', message: 'must appear only once (also at metrics[0])' }],
  ['unknown metric name', withSpec({ rollout: { analysis: { metrics: [{ name: 'latency-p90', maxMs: 100 }] } } }), { path: 'spec.rollout.analysis.metrics[0].name', given: '"latency-p90"', message: 'must be one of: error-rate, latency-p99, latency-p95, latency-p50, output-drift (did you mean latency-p99?)' }],
  ['no metrics', withSpec({ rollout: { analysis: { metrics: [] } } }), { path: 'spec.rollout.analysis.metrics', given: '[]', message: 'must list at least one metric (an analysis that checks nothing always passes)' }],
  ['error rate above 1', withSpec({ rollout: { analysis: { metrics: [{ name: 'error-rate', max: 2 }] } } }), { path: 'spec.rollout.analysis.metrics[0].max', given: '2', message: 'must be a number from 0 to 1 (a fraction of requests: 0.01 = 1 %)' }],
  ['drift bound of 0', withSpec({ rollout: { analysis: { metrics: [{ name: 'output-drift', maxPsi: 0 }] } } }), { path: 'spec.rollout.analysis.metrics[0].maxPsi', given: '0', message: 'must be a number > 0 (population stability index; 0.2 is a common "significant shift" threshold)' }],
  ['negative failureLimit', withSpec({ rollout: { analysis: { failureLimit: -1 } } }), { path: 'spec.rollout.analysis.failureLimit', given: '-1', message: 'must be an integer ≥ 0 (failed evaluations tolerated before the analysis fails)' }],
  ['unknown onInconclusive', withSpec({ rollout: { analysis: { onInconclusive: 'wait' } } }), { path: 'spec.rollout.analysis.onInconclusive', given: '"wait"', message: 'must be one of: hold, rollback' }],
  ['analysis step override', steps('canary', [{ setWeight: 10 }, { analysis: { minSamples: 0 } }]), { path: 'spec.rollout.steps[1].analysis.minSamples', given: '0', message: 'must be an integer ≥ 1 (samples per revision before a verdict)' }],
];

describe('invalid specs', () => {
  it.each(rows)('%s', (_name, doc, expected) => {
    expect(issuesOf(doc)).toEqual([expected]);
  });
});
