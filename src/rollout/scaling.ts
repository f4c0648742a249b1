// How many replicas each revision should run at this point of the rollout, and the `scale`
// actions that get them there. This is where the capacity rules of issue 5 live:
//
// 1. Pre-scale: the canary is sized for the share it is *about to* get (the weight or mirror
//    of the step being waited on) before that weight is set; steps.ts sets the weight only
//    once the canary's ready replicas cover it.
// 2. Scale down late: a side that lost traffic keeps the replicas of its larger share until a
//    tick after the change (RolloutState.weightChange), so requests routed by the old weights
//    still find a replica.
// 3. Hold the stable for the switch strategies: blueGreen and allAtOnce keep the stable at
//    the full need until promotion, so a rollback is instant (CodeDeploy's "keep the original
//    instances" / Argo's scaleDownDelay). canary and linear scale the stable down with its
//    traffic (Argo's dynamicStableScale).
// 4. A rollback sizes the stable for 100 % at once and the canary for what it still serves.
//
// Worked example (canary, need 10; steps setWeight 10, pause, setWeight 50):
//   t0  step setWeight 10: canary → 1 (pre-scale), stable → 10; weight stays 0
//   t1  canary 1 ready: weights 90/10; stable stays 10 (traffic just moved)
//   t2  stable → 9; pause runs
//   t3  step setWeight 50: canary → 5 (pre-scale)
//   t4  canary 5 ready: weights 50/50; stable stays 9
//   t5  stable → 5
// Ready replicas never fall below either side's share of the need, so the total never falls
// below the need (⌈a⌉ + ⌈b⌉ ≥ a + b).

import { canaryScaleReplicas, shareOf } from './replicas.js';
import type { RolloutState } from './state.js';
import type { Tick } from './tick.js';

export interface DesiredReplicas {
  canary: number;
  stable: number;
}

/** The live weight and mirror share the current step is waiting to reach, if any. */
export function pendingTarget(state: RolloutState): { canaryWeight?: number; mirror?: number } {
  const step = state.steps[state.stepIndex];
  if (step === undefined) return { canaryWeight: 100 }; // the finish: all traffic to the new revision
  if (step.kind === 'setWeight') return { canaryWeight: step.weight };
  if (step.kind === 'setMirror' && state.canaryWeight < 100) return { mirror: step.percent };
  return {};
}

export function desiredReplicas(state: RolloutState, need: number, now: number): DesiredReplicas {
  // The weights of the tick of the last change still count until a later tick (rule 2).
  const open = state.weightChange !== null && state.weightChange.at >= now ? state.weightChange : null;
  if (state.abort !== null) {
    // Rollback (rule 4): the stable for all traffic now; the canary for what it still serves.
    // Mirrored copies are dropped at once: their responses were never used.
    const served = Math.max(state.canaryWeight, open?.highest ?? 0);
    return { canary: shareOf(need, served), stable: shareOf(need, 100) };
  }
  const pending = pendingTarget(state);
  const weights = [state.canaryWeight, ...(open === null ? [] : [open.lowest, open.highest])];
  if (pending.canaryWeight !== undefined) weights.push(pending.canaryWeight);
  const canaryMax = Math.max(...weights);
  const canaryMin = Math.min(...weights);
  const mirror = Math.max(state.mirrorPercent, pending.mirror ?? 0);
  const canary = Math.max(shareOf(need, canaryMax), shareOf(need, mirror), canaryScaleReplicas(state.canaryScale, need));
  const holdsStable = state.strategy === 'blueGreen' || state.strategy === 'allAtOnce';
  const stable = holdsStable ? shareOf(need, 100) : shareOf(need, 100 - canaryMin);
  return { canary, stable };
}

/** Emits a scale action for each revision whose desired count differs from the last one asked. */
export function reconcileReplicas(tick: Tick): void {
  const s = tick.state;
  const want = desiredReplicas(s, tick.need, tick.now);
  const requested = { ...s.requested };
  if (want.stable !== s.requested.stable) {
    tick.act({ kind: 'scale', revision: s.stable, replicas: want.stable, because: because(s, 'stable', want.stable, s.requested.stable) });
    requested.stable = want.stable;
  }
  if (want.canary !== s.requested.canary) {
    tick.act({ kind: 'scale', revision: s.canary, replicas: want.canary, because: because(s, 'canary', want.canary, s.requested.canary) });
    requested.canary = want.canary;
  }
  if (requested.stable !== s.requested.stable || requested.canary !== s.requested.canary) tick.update({ requested });
}

function because(s: RolloutState, side: 'canary' | 'stable', to: number, from: number | null): string {
  const weight = side === 'canary' ? s.canaryWeight : 100 - s.canaryWeight;
  const direction = from === null ? 'sized' : to > from ? 'up' : 'down';
  if (s.abort !== null) return side === 'stable' ? `rollback: stable ${direction} to take all traffic` : `rollback: canary ${direction} to its remaining ${weight} %`;
  return `${side} ${direction} to ${to} for ${weight} % of live traffic and the step being run`;
}
