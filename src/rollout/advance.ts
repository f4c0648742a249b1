// The rollout state machine: one call per controller tick,
//
//   advance(state, { now, observed, analysis?, command? }) → { state, actions, events }
//
// a straight line of early returns: finished rollouts do nothing; the first call starts
// the rollout; a command and an analysis outcome are folded in; a rollback, if one is in
// force, runs instead of the steps; otherwise the plan's steps run in order until one has
// to wait; then the replicas are reconciled with what the state now needs.
//
// Resuming after a crash. The controller applies the actions, then persists the returned
// state and events in one transaction. advance is a function of (state, input) only, and it
// is *idempotent*: advance(advance(s, i).state, i) returns the same state and no actions.
// The reasons: steps run until one waits, so nothing is left for a second call with the same
// input; scale actions are emitted only when the wanted count differs from the last one
// asked (state.requested); a scale-down after a weight change waits for a strictly later
// `now`; a command is applied once per (kind, now); analysis outcomes are replaced, not
// appended. So if the control plane dies after persisting, the next tick continues from the
// persisted step; if it dies before, the next tick recomputes the same step from the old
// state, and its actions are absolute targets (weights 90/10, canary to 3 replicas), so
// applying them again moves nothing twice. Either way no step is repeated or skipped.
//
// Why the steps loop within one tick: after `setWeight 10` completes, the next step (a pause)
// starts its clock in the same tick rather than one tick later; a rollout's timing then does
// not depend on the controller's tick length.

import { applyCommand } from './commands.js';
import { RolloutInputError } from './errors.js';
import type { RolloutAction, RolloutEvent } from './actions.js';
import { rollback } from './rollback.js';
import { reconcileReplicas } from './scaling.js';
import type { RolloutState } from './state.js';
import { runStep } from './steps.js';
import { covers } from './replicas.js';
import { Tick, type AdvanceInput } from './tick.js';
import { recordAnalysis } from './verdicts.js';

export interface AdvanceResult {
  state: RolloutState;
  actions: RolloutAction[];
  events: RolloutEvent[];
}

export function advance(state: RolloutState, input: AdvanceInput): AdvanceResult {
  checkObserved(input);
  // 1. A finished rollout does nothing (the API answers commands on it with a conflict).
  if (state.terminal !== null) return { state, actions: [], events: [] };
  const tick = new Tick(state, input);
  // 2. The first advance starts the rollout and enters step 1.
  if (state.startedAt === null) {
    tick.update({ startedAt: input.now });
    tick.log('Started', `rollout of ${state.canary} (${state.strategy}, ${state.steps.length} steps) replacing ${state.stable}`);
    tick.enterStep(0);
  }
  // 3. The user's command and the analysis outcome change the state before the steps run.
  applyCommand(tick, input.command);
  recordAnalysis(tick, input.analysis);
  // 4. A failed analysis rolls back even while the user has paused the rollout.
  if (tick.state.abort === null && tick.state.pausedAt !== null) abortOnFailedAnalysis(tick);
  // 5. Rolling back replaces everything else.
  if (tick.state.abort !== null) return finishTick(tick, () => rollback(tick));
  // 6. Paused by the user: hold the steps, keep the replicas right.
  if (tick.state.pausedAt !== null) return finishTick(tick, () => reconcileReplicas(tick));
  // 7. The steps, until one waits; a step may ask for a rollback.
  if (runSteps(tick) === 'abort') return finishTick(tick, () => rollback(tick));
  // 8. Promoted: the old revision is retired by the promote action; nothing left to scale.
  if (tick.state.terminal !== null) return finishTick(tick, () => undefined);
  return finishTick(tick, () => reconcileReplicas(tick));
}

function finishTick(tick: Tick, last: () => void): AdvanceResult {
  last();
  return { state: tick.state, actions: tick.actions, events: tick.events };
}

function runSteps(tick: Tick): 'wait' | 'abort' | 'promoted' {
  // Each pass completes a step or returns; the bound only guards against a bug looping.
  for (let guard = 0; guard <= tick.state.steps.length + 1; guard++) {
    const i = tick.state.stepIndex;
    const step = tick.state.steps[i];
    if (step === undefined) return finish(tick);
    const result = runStep(tick, step, i);
    if (result.kind === 'wait') return 'wait';
    if (result.kind === 'abort') {
      tick.update({ abort: { reason: result.because, cause: 'analysis', at: tick.now, announced: false } });
      return 'abort';
    }
    tick.log('StepCompleted', tick.stepLabel(i), i);
    tick.enterStep(i + 1);
  }
  throw new Error(`rollout steps did not settle within ${tick.state.steps.length + 2} passes`);
}

/**
 * After the last step: the new revision takes all live traffic once it has the replicas for
 * it, and a tick later — when no request is routed by the old weights any more — it is
 * promoted and the old revision retired.
 */
function finish(tick: Tick): 'wait' | 'promoted' {
  const s = tick.state;
  if (s.canaryWeight < 100) {
    if (!covers(tick.input.observed.canaryReady, tick.need, 100)) return 'wait';
    tick.setCanaryWeight(100, `all ${s.steps.length} steps done`);
    return 'wait';
  }
  if (!tick.settled()) return 'wait';
  tick.act({ kind: 'promote', revision: s.canary, retire: s.stable });
  tick.update({ terminal: { status: 'Succeeded', at: tick.now, reason: `${s.canary} promoted after ${s.steps.length} steps` } });
  tick.log('Promoted', `${s.canary} is the stable revision; ${s.stable} retired`);
  return 'promoted';
}

function abortOnFailedAnalysis(tick: Tick): void {
  const s = tick.state;
  const record = s.analyses.find((a) => a.step === s.stepIndex);
  if (s.autoRollback && record?.outcome === 'fail' && s.steps[s.stepIndex]?.kind === 'analysis') {
    tick.update({ abort: { reason: `analysis at ${tick.stepLabel()} failed`, cause: 'analysis', at: tick.now, announced: false } });
  }
}

function checkObserved(input: AdvanceInput): void {
  for (const field of ['canaryReady', 'stableReady', 'needReplicas'] as const) {
    const value = input.observed[field];
    if (!Number.isFinite(value) || value < 0) throw new RolloutInputError(`observed.${field}`, value);
  }
}
