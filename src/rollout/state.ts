// The persisted state of one rollout: plain JSON (the store keeps it as is, in the same
// transaction as the actions and events of the advance that produced it), versioned so a
// newer controller can refuse — or migrate — a state it does not understand.
//
// It holds facts only: what was decided and when. The phase shown to users is computed from
// it (phase.ts), and so is the step the machine waits on; nothing is stored twice.

import type { AnalysisResult } from '../analysis/verdict.js';
import type { CanaryScale, RolloutSpec, RolloutStrategy } from '../spec/types.js';
import type { Millis, RevisionId } from '../spec/units.js';
import { RolloutStateError } from './errors.js';
import { planSteps, type PlanStep } from './plan.js';

export const ROLLOUT_STATE_VERSION = 1;

/** What an analysis step reports each tick (analysis/run-state.ts folds the interval results). */
export type AnalysisOutcome = 'continue' | 'pass' | 'fail' | 'hold';

/** The latest outcome of one analysis step, as recorded. */
export interface AnalysisRecord {
  step: number;
  outcome: AnalysisOutcome;
  at: Millis;
  result?: AnalysisResult;
}

export type AbortCause = 'command' | 'analysis' | 'superseded';

/** The user's commands (`rollcast rollout promote [--full] | pause | resume | abort`), see commands.ts. */
export type RolloutCommand = 'promote' | 'promoteFull' | 'pause' | 'resume' | 'abort';

export interface RolloutState {
  version: typeof ROLLOUT_STATE_VERSION;
  /** The running revision (baseline) and the new one. */
  stable: RevisionId;
  canary: RevisionId;
  strategy: RolloutStrategy;
  autoRollback: boolean;
  /** The plan snapshot (plan.ts): a later apply never changes it. */
  steps: PlanStep[];
  createdAt: Millis;
  /** The first advance; null while Pending. */
  startedAt: Millis | null;
  /** Index into `steps` of the step being run; `steps.length` once every step is done. */
  stepIndex: number;
  /** When the current step began (a user pause's length is added on resume). */
  stepStartedAt: Millis | null;
  /** Live traffic on the canary, integer percent; the stable revision has the rest. */
  canaryWeight: number;
  /** Requests copied to the canary (responses discarded), percent; not live traffic. */
  mirrorPercent: number;
  /**
   * The canary weights in force during the tick of the last weight change: until a later
   * tick (`now > at`) the side that lost traffic keeps the replicas for the larger share,
   * because requests routed by the old weights may still be arriving.
   */
  weightChange: { at: Millis; lowest: number; highest: number } | null;
  /** The setCanaryScale in force; null = follow the traffic weight. */
  canaryScale: CanaryScale | null;
  /** The last replica count asked of each revision; null = not asked yet (the stable's count is the planner's). */
  requested: { canary: number | null; stable: number | null };
  /** Set by a `pause` command, cleared by resume, promote or promoteFull. */
  pausedAt: Millis | null;
  /** The last command applied, so the same command at the same instant is applied once. */
  lastCommand: { command: RolloutCommand; at: Millis } | null;
  /** The latest outcome of each analysis step, in step order. */
  analyses: AnalysisRecord[];
  /** Set when the rollout is being rolled back; `announced` once the abort action was emitted. */
  abort: { reason: string; cause: AbortCause; at: Millis; announced: boolean } | null;
  /** Set once, at the end. */
  terminal: { status: 'Succeeded' | 'RolledBack'; at: Millis; reason: string } | null;
  /** For a rollout started by supersede(): the canary of the rollout it replaced. */
  supersedes: RevisionId | null;
}

export interface StartRollout {
  stable: RevisionId;
  canary: RevisionId;
  spec: RolloutSpec;
  now: Millis;
}

/** A new rollout, Pending until its first advance. */
export function startRollout({ stable, canary, spec, now }: StartRollout): RolloutState {
  return {
    version: ROLLOUT_STATE_VERSION,
    stable,
    canary,
    strategy: spec.strategy,
    autoRollback: spec.autoRollback,
    steps: planSteps(spec),
    createdAt: now,
    startedAt: null,
    stepIndex: 0,
    stepStartedAt: null,
    canaryWeight: 0,
    mirrorPercent: 0,
    weightChange: null,
    canaryScale: null,
    // A new revision starts with no replicas; the stable's count is whatever the planner set.
    requested: { canary: 0, stable: null },
    pausedAt: null,
    lastCommand: null,
    analyses: [],
    abort: null,
    terminal: null,
    supersedes: null,
  };
}

/** A stored state read back: checks the version (other fields are trusted: we wrote them). */
export function readRolloutState(json: unknown): RolloutState {
  if (typeof json !== 'object' || json === null || !('version' in json)) {
    throw new RolloutStateError('not a rollout state (no version field)', undefined);
  }
  const version = json.version;
  if (version !== ROLLOUT_STATE_VERSION) {
    throw new RolloutStateError(`rollout state version ${JSON.stringify(version)} is not supported (this build reads ${ROLLOUT_STATE_VERSION})`, version);
  }
  return json as RolloutState;
}

export function isTerminal(state: RolloutState): boolean {
  return state.terminal !== null;
}

/** Weights keyed by revision, as the router and `rollout status` take them. */
export function weightsOf(state: RolloutState): Record<string, number> {
  return { [state.stable]: 100 - state.canaryWeight, [state.canary]: state.canaryWeight };
}
