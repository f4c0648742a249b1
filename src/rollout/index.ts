// The rollout core (issue 5): a pure state machine the controller calls every tick.
// startRollout → advance … advance → Succeeded | RolledBack; supersede on a newer apply;
// phaseOf / statusOf for people. See advance.ts for the crash-and-resume argument.

export { advance, type AdvanceResult } from './advance.js';
export type { RolloutAction, RolloutEvent, RolloutEventKind } from './actions.js';
export { RolloutInputError, RolloutStateError } from './errors.js';
export { phaseOf, type PhaseAndReason, type RolloutPhase } from './phase.js';
export { MIRROR_PERCENT, describeStep, planSteps, stepLabel, type PlanStep } from './plan.js';
export { canaryScaleReplicas, covers, shareOf, splitReplicas, weightCoveredBy } from './replicas.js';
export { desiredReplicas, type DesiredReplicas } from './scaling.js';
export {
  ROLLOUT_STATE_VERSION,
  isTerminal,
  readRolloutState,
  startRollout,
  weightsOf,
  type AbortCause,
  type AnalysisOutcome,
  type AnalysisRecord,
  type RolloutCommand,
  type RolloutState,
  type StartRollout,
} from './state.js';
export { statusOf, type RolloutStatus } from './status.js';
export { supersede, type Superseded } from './supersede.js';
export type { AdvanceInput, AnalysisObservation, Observed } from './tick.js';
