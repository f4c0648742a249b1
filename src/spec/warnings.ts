// Settings that are valid but probably not what the author meant. They do not stop a
// deployment; they are returned next to the parsed spec and shown by `rollcast apply`.

import { type LocatedIssue, isRecord, issue } from './issues.js';
import type { ModelDeployment } from './types.js';

function at(raw: unknown, path: readonly string[]): unknown {
  let node = raw;
  for (const key of path) node = isRecord(node) ? node[key] : undefined;
  return node;
}

export function collectWarnings(spec: ModelDeployment, raw: unknown): LocatedIssue[] {
  const out: LocatedIssue[] = [];
  const { scaling, serving } = spec.spec;
  const target = scaling.target;
  const targetPath = ['spec', 'scaling', 'target', 'valuePerReplica'];

  // The seed scenario's "70 % CPU" is easily written as valuePerReplica: 70, which with the
  // default utilization 0.7 would aim at 49 %.
  if (target.metric === 'cpu' && target.valuePerReplica !== 100) {
    const v = target.valuePerReplica;
    const aim = Math.round(v * target.utilization * 10) / 10;
    out.push(
      issue(
        targetPath,
        `means a replica counts as full at ${v} % CPU, so the target is utilization × ${v} = ${aim} % CPU; to aim at ${v} % CPU write utilization: ${v / 100} and omit valuePerReplica`,
        v,
      ),
    );
  }

  if (target.metric === 'concurrency' && target.valuePerReplica > serving.maxConcurrency) {
    out.push(
      issue(
        targetPath,
        `exceeds spec.serving.maxConcurrency (${serving.maxConcurrency}): a replica runs at most ${serving.maxConcurrency} requests at once, so requests would queue before the deployment scales out`,
        target.valuePerReplica,
      ),
    );
  }

  const bufferPath = ['spec', 'scaling', 'predictive', 'maxCapacityBuffer'];
  const buffer = at(raw, bufferPath);
  if (typeof buffer === 'number' && buffer > 0 && scaling.predictive.maxCapacityBreach === 'HonorMaxCapacity') {
    out.push(
      issue(bufferPath, 'is ignored with maxCapacityBreach: HonorMaxCapacity (set IncreaseMaxCapacity to let forecasts exceed maxReplicas)', buffer),
    );
  }
  return out;
}
