// What `rollcast rollout status NAME --json` prints: the computed phase and reason, where the
// rollout is in its plan, the live weights per revision, the mirror, and the analysis
// verdicts so far. Derived from the state on every call (nothing here is stored).

import type { Verdict } from '../analysis/verdict.js';
import { describeStep } from './plan.js';
import { phaseOf, type RolloutPhase } from './phase.js';
import { weightsOf, type AnalysisOutcome, type RolloutState } from './state.js';

export interface RolloutStatus {
  phase: RolloutPhase;
  reason: string;
  /** 0-based index of the current step (= steps.length once all are done), as Argo's currentStepIndex. */
  step: number;
  steps: string[];
  /** Live traffic per revision, integer percents summing to 100. */
  weights: Record<string, number>;
  mirror: { revision: string; percent: number } | null;
  verdicts: Array<{ step: number; outcome: AnalysisOutcome; verdict?: Verdict; reasons?: string[] }>;
}

export function statusOf(state: RolloutState, now: number): RolloutStatus {
  const { phase, reason } = phaseOf(state, now);
  return {
    phase,
    reason,
    step: state.stepIndex,
    steps: state.steps.map(describeStep),
    weights: weightsOf(state),
    mirror: state.mirrorPercent > 0 ? { revision: state.canary, percent: state.mirrorPercent } : null,
    verdicts: state.analyses.map((a) =>
      a.result === undefined
        ? { step: a.step, outcome: a.outcome }
        : { step: a.step, outcome: a.outcome, verdict: a.result.verdict, reasons: a.result.metrics.map((m) => `${m.metric}: ${m.reason}`) },
    ),
  };
}
