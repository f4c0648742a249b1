// The plan a rollout runs: the spec's resolved steps, plus the steps a strategy implies but
// the spec cannot write. The plan is snapshotted into the rollout state when the rollout
// starts, so a later apply never changes the plan of a running rollout (it supersedes it).
//
// What each strategy adds to spec.rollout.steps (spec/defaults.ts resolves the steps):
// - canary, linear: nothing (linear is already expanded into setWeight/pause/analysis).
// - allAtOnce: a leading `setWeight 100` — the switch. The spec's steps (default: none)
//   then run *after* it: a pause is the bake, an analysis judges the new revision on live
//   traffic, and a failure rolls back. Example: [] → [setWeight 100].
// - shadow: a `setMirror 100` after the leading setCanaryScale steps: the candidate gets a
//   copy of every request (responses discarded) and its live weight stays 0; the pause and
//   analysis that follow bake and judge it on that mirrored traffic. Example (defaults):
//   [setCanaryScale 100 %, pause 10m, analysis] → [setCanaryScale 100 %, setMirror 100,
//   pause 10m, analysis]. The spec has no field for the mirror share, so it is 100 %.
// - blueGreen: a `setMirror 100` before the first pause or analysis step that runs while
//   the new revision has no live traffic (so a pre-switch analysis has mirrored requests to
//   judge); none when there is no such step, as in the defaults: [setCanaryScale 100 %,
//   setWeight 100, pause 10m] stays as it is. The mirror ends when the weight reaches 100.
// After the last step every strategy finishes the same way (advance.ts): the new revision
// takes 100 % of live traffic (if it does not have it yet), then it is promoted.

import type { RolloutSpec, RolloutStep } from '../spec/types.js';
import { assertNever } from '../spec/units.js';
import { formatDuration } from '../spec/duration.js';

/** The mirror share shadow and blueGreen use; the spec cannot set it yet. */
export const MIRROR_PERCENT = 100;

/** A step the machine runs: the spec's steps plus `setMirror` (percent of requests copied to the canary). */
export type PlanStep = RolloutStep | { kind: 'setMirror'; percent: number };

export function planSteps(spec: RolloutSpec): PlanStep[] {
  const steps: PlanStep[] = spec.steps.map(copyStep);
  switch (spec.strategy) {
    case 'canary':
    case 'linear':
      return steps;
    case 'allAtOnce':
      return [{ kind: 'setWeight', weight: 100 }, ...steps];
    case 'shadow': {
      const at = steps.findIndex((s) => s.kind !== 'setCanaryScale');
      const i = at === -1 ? steps.length : at;
      return [...steps.slice(0, i), { kind: 'setMirror', percent: MIRROR_PERCENT }, ...steps.slice(i)];
    }
    case 'blueGreen': {
      let weight = 0;
      const i = steps.findIndex((s) => {
        if (s.kind === 'setWeight') weight = s.weight;
        return weight === 0 && (s.kind === 'pause' || s.kind === 'analysis');
      });
      return i === -1 ? steps : [...steps.slice(0, i), { kind: 'setMirror', percent: MIRROR_PERCENT }, ...steps.slice(i)];
    }
    default:
      return assertNever(spec.strategy, 'strategy');
  }
}

/** A deep enough copy that the snapshot shares nothing with the caller's spec. */
function copyStep(step: RolloutStep): PlanStep {
  return JSON.parse(JSON.stringify(step)) as PlanStep;
}

/** "step 3/6 (pause 5m)" for messages; "the finish" past the last step (1-based, as people count). */
export function stepLabel(steps: readonly PlanStep[], i: number): string {
  const step = steps[i];
  return step === undefined ? 'the finish' : `step ${i + 1}/${steps.length} (${describeStep(step)})`;
}

/** A step in words, for reasons and events: `setWeight 10`, `pause 5m`, `pause until promoted`. */
export function describeStep(step: PlanStep): string {
  switch (step.kind) {
    case 'setWeight':
      return `setWeight ${step.weight}`;
    case 'setMirror':
      return `setMirror ${step.percent}`;
    case 'pause':
      return step.durationMs === undefined ? 'pause until promoted' : `pause ${formatDuration(step.durationMs)}`;
    case 'analysis':
      return 'analysis';
    case 'setCanaryScale':
      switch (step.scale.kind) {
        case 'replicas':
          return `setCanaryScale ${step.scale.replicas} replicas`;
        case 'weight':
          return `setCanaryScale ${step.scale.weight} %`;
        case 'matchTrafficWeight':
          return 'setCanaryScale matchTrafficWeight';
        default:
          return assertNever(step.scale, 'canary scale');
      }
    default:
      return assertNever(step, 'step');
  }
}
