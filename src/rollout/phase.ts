// The phase of a rollout, computed from its state and the time — never stored, so it cannot
// disagree with the state (Argo Rollouts' rolloututil.GetRolloutPhase does the same from
// spec and status). Each phase comes with a reason a person can act on:
//
//   Pending      created, not advanced yet (or waiting for the rollout it superseded)
//   Progressing  a step is running: weights moving, the canary warming up, an analysis running
//   Paused       waiting on time or a human: a pause step, the user's pause, an inconclusive
//                (hold) analysis, a failed analysis with autoRollback off
//   Succeeded    promoted
//   RolledBack   aborted (by the user, an analysis, or a superseding apply); while traffic is
//                still moving back, the reason says so
//
// A timed pause is Paused, as in Argo, with the time left: "step 2/6 (pause 5m): 3m12s left".

import { formatDuration } from '../spec/duration.js';
import { assertNever } from '../spec/units.js';
import { stepLabel } from './plan.js';
import type { RolloutState } from './state.js';

export type RolloutPhase = 'Pending' | 'Progressing' | 'Paused' | 'Succeeded' | 'RolledBack';

export interface PhaseAndReason {
  phase: RolloutPhase;
  reason: string;
}

export function phaseOf(state: RolloutState, now: number): PhaseAndReason {
  const s = state;
  if (s.terminal !== null) return { phase: s.terminal.status, reason: s.terminal.reason };
  if (s.abort !== null) {
    return { phase: 'RolledBack', reason: `${s.abort.reason}; rolling back (${s.canary} still has ${s.canaryWeight} % of traffic)` };
  }
  if (s.startedAt === null) {
    return { phase: 'Pending', reason: s.supersedes === null ? 'waiting for the controller to start it' : `waiting for the superseded rollout of ${s.supersedes} to roll back` };
  }
  const label = stepLabel(s.steps, s.stepIndex);
  if (s.pausedAt !== null) return { phase: 'Paused', reason: `paused by the user at ${label}: resume or promote to continue` };
  const step = s.steps[s.stepIndex];
  if (step === undefined) {
    return s.canaryWeight < 100
      ? { phase: 'Progressing', reason: `all steps done: scaling ${s.canary} to take all traffic` }
      : { phase: 'Progressing', reason: `${s.canary} has all traffic: promoting` };
  }
  switch (step.kind) {
    case 'setWeight':
      return { phase: 'Progressing', reason: `${label}: waiting for the replicas to move ${s.canary} from ${s.canaryWeight} % to ${step.weight} %` };
    case 'setMirror':
      return { phase: 'Progressing', reason: `${label}: scaling ${s.canary} to take ${step.percent} % mirrored requests` };
    case 'setCanaryScale':
      return { phase: 'Progressing', reason: `${label}: waiting for ${s.canary}'s replicas to be ready` };
    case 'pause': {
      if (step.durationMs === undefined) return { phase: 'Paused', reason: `${label}: waiting for promote` };
      const left = Math.max(0, (s.stepStartedAt ?? now) + step.durationMs - now);
      return { phase: 'Paused', reason: `${label}: ${formatDuration(left)} left` };
    }
    case 'analysis': {
      const record = s.analyses.find((a) => a.step === s.stepIndex);
      const verdict = record?.result === undefined ? '' : ` (last verdict ${record.result.verdict})`;
      if (record?.outcome === 'hold') return { phase: 'Paused', reason: `${label}: inconclusive${verdict}, holding: promote to accept or abort to roll back` };
      if (record?.outcome === 'fail') return { phase: 'Paused', reason: `${label}: failed${verdict} and autoRollback is off: promote to accept or abort to roll back` };
      return { phase: 'Progressing', reason: `${label}: judging ${s.canary} against ${s.stable}${verdict}` };
    }
    default:
      return assertNever(step, 'step');
  }
}
