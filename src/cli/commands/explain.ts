// `rollcast explain NAME [--limit N] [--changed] [--json]`: the controller's recent scaling
// decisions for a deployment, oldest first, each with its time, the replica change (or the
// count it held) and every reason in its `because` list as a sentence with its numbers
// (capacity/describe-reason.ts). `--changed` keeps only decisions that changed the count.

import type { DecisionRecord, DecisionsView } from '../../api/autoscaling-views.js';
import { describeReason, formatNumber, loadUnit } from '../../capacity/describe-reason.js';
import type { DeploymentView } from '../../controller/control-plane.js';
import type { ScalingMetric } from '../../spec/types.js';
import type { ApiClient } from '../client.js';
import { CliError } from '../errors.js';
import { isoTime } from '../forecast-render.js';

export const DEFAULT_EXPLAIN_LIMIT = 20;
/** A bound so a typo (`--limit 1000000`) does not ask the server for its whole table. */
export const MAX_EXPLAIN_LIMIT = 1000;

export interface ExplainOptions {
  limit: number;
  changed?: boolean;
  json?: boolean;
}

/** `--limit`: a whole number in [1, MAX_EXPLAIN_LIMIT], or a usage error. */
export function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EXPLAIN_LIMIT) {
    throw new CliError(`--limit ${limit} must be a whole number from 1 to ${MAX_EXPLAIN_LIMIT}`, 2);
  }
  return limit;
}

/** The request path for the decisions of `name`. */
export function decisionsPath(name: string, o: Pick<ExplainOptions, 'limit' | 'changed'>): string {
  const q = new URLSearchParams({ limit: String(o.limit) });
  if (o.changed) q.set('changed', 'true');
  return `/api/v1/deployments/${encodeURIComponent(name)}/decisions?${q.toString()}`;
}

/**
 * The lines of one decision:
 *   2026-11-28T14:03:00Z  8 → 10 replicas  (predictive 10, reactive 11)
 *     observed 1 500 req/s on 8 ready of 8 replicas
 *     - forecast q0.9: …
 */
export function describeDecision(rec: DecisionRecord, metric: ScalingMetric | undefined): string[] {
  const d = rec.decision;
  const change = d.replicas === rec.previous ? `held at ${d.replicas}` : `${rec.previous} → ${d.replicas} replicas`;
  const parts = [d.predictive !== undefined ? `predictive ${d.predictive}` : '', d.reactive !== undefined ? `reactive ${d.reactive}` : ''].filter((p) => p !== '');
  const unit = loadUnit(metric);
  const o = rec.observed;
  const load = `${formatNumber(o.load)}${unit === '' ? '' : ` ${unit}`}`;
  const rps = metric === 'cpu' && o.rps !== undefined ? ` (${formatNumber(o.rps)} req/s)` : '';
  return [
    `${isoTime(rec.ts)}  ${change}${parts.length > 0 ? `  (${parts.join(', ')})` : ''}`,
    `  observed ${load}${rps} on ${o.readyReplicas} ready of ${o.currentReplicas} replicas`,
    ...d.because.map((r) => `  - ${describeReason(r, { now: rec.ts, ...(metric !== undefined && { metric }) })}`),
  ];
}

export async function explain(api: ApiClient, name: string, o: ExplainOptions, print: (text: string) => void = (t) => void process.stdout.write(t)): Promise<void> {
  checkLimit(o.limit);
  const path = decisionsPath(name, o);
  if (o.json) return print(`${JSON.stringify(await api.get<DecisionsView>(path), null, 2)}\n`);
  // The deployment names the unit of the loads. Only for that: when it cannot be read (e.g.
  // deleted after its decisions were recorded) the loads are shown without a unit, and the
  // decisions request says whether the deployment is known at all.
  const [view, deployment] = await Promise.all([
    api.get<DecisionsView>(path),
    api.get<DeploymentView>(`/api/v1/deployments/${encodeURIComponent(name)}`).catch(() => undefined),
  ]);
  const metric = deployment?.spec.spec.scaling.target.metric;
  const which = o.changed ? 'decisions that changed the replica count' : 'decisions';
  if (view.decisions.length === 0) return print(`no ${which} recorded for ${name} yet\n`);
  const lines = [`${which} of ${name}, oldest first (${view.decisions.length}${view.decisions.length === o.limit ? `, the last ${o.limit}: --limit shows more` : ''}):`];
  for (const rec of view.decisions) lines.push('', ...describeDecision(rec, metric));
  print(`${lines.join('\n')}\n`);
}
