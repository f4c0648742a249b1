// Applying the rollout machine's actions to the routes and the target, for the rollout
// controller (rollout-controller.ts). Actions are absolute targets applied in the order the
// machine gave them; the first that throws stops the rest, and the caller persists nothing.

import type { RolloutAction } from '../rollout/index.js';
import { weightsOf } from '../rollout/index.js';
import type { Millis, RevisionId } from '../spec/units.js';
import type { NewEvent } from '../store/index.js';
import { ensureRun } from './rollout-analysis-runner.js';
import type { RolloutRecord, StepRun } from './rollout-record.js';

/** What applying actions needs (a subset of RolloutControllerDeps). */
export interface ActionDeps {
  routes: { setWeights(deployment: string, weights: Map<RevisionId, number>): void };
  target: { scale(revision: RevisionId, replicas: number): Promise<void> };
}

export interface Promotion {
  revision: RevisionId;
  retire: RevisionId;
}

/**
 * Applies `actions` in order. Events the shell adds (an unsupported mirror) are pushed onto
 * `events`; a startAnalysis creates its run in `runs.current` unless the step already has one
 * (a repeated start after a crash is the same run). Returns the promotion, which the caller
 * carries out only after the transition is persisted.
 */
export async function applyActions(
  d: ActionDeps,
  deployment: string,
  actions: readonly RolloutAction[],
  events: NewEvent[],
  runs?: { current: Record<string, StepRun>; now: Millis },
): Promise<Promotion | undefined> {
  let promote: Promotion | undefined;
  for (const action of actions) {
    switch (action.kind) {
      case 'scale':
        await d.target.scale(action.revision, action.replicas);
        break;
      case 'setWeights':
        d.routes.setWeights(deployment, new Map(Object.entries(action.weights) as [RevisionId, number][]));
        break;
      case 'setMirror':
        // The gateway cannot mirror requests yet: recorded, and taken as applied.
        events.push({
          type: 'rollout.mirror-unsupported',
          message: `mirroring ${action.percent} % of requests to ${action.revision} is not supported by the gateway yet; no requests are copied`,
          deployment,
          revision: action.revision,
          data: { percent: action.percent },
        });
        break;
      case 'startAnalysis':
        if (runs) runs.current = ensureRun(runs.current, action.step, action.analysis, runs.now);
        break;
      case 'promote':
        promote = { revision: action.revision, retire: action.retire };
        break;
      case 'abort':
        // The machine logs Aborted itself; its analysis stops because it no longer runs an analysis step.
        break;
      default: {
        const never: never = action;
        throw new Error(`unknown rollout action ${JSON.stringify(never)}`);
      }
    }
  }
  return promote;
}

/**
 * Re-applies what a stored record says the routes and the target should have. advance emits
 * setWeights and scale only on a change, so after a restart (the control plane's restore
 * routes all traffic to the serving revision and starts revisions at the deployment's count)
 * or a lost race (actions applied, transition refused as stale), nothing else would put the
 * weights and counts back. Absolute values: when nothing was lost this moves nothing.
 * The rollout that moves traffic now (a superseded one rolling back, else this one) sets the
 * weights; its replica counts win over the other machine's for a revision both name.
 */
export async function resync(d: ActionDeps, deployment: string, record: RolloutRecord): Promise<void> {
  const leading = record.rollingBack?.machine ?? record.machine;
  d.routes.setWeights(deployment, new Map(Object.entries(weightsOf(leading)) as [RevisionId, number][]));
  const counts = new Map<RevisionId, number>();
  for (const m of [record.machine, leading]) {
    if (m.requested.stable !== null) counts.set(m.stable, m.requested.stable);
    if (m.requested.canary !== null) counts.set(m.canary, m.requested.canary);
  }
  for (const [revision, replicas] of counts) await d.target.scale(revision, replicas);
}
