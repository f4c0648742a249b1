// What an advance asks the controller to do, and what it tells the event log. Actions are
// absolute targets ("canary to 3 replicas", "weights 90/10"), never deltas, so applying one
// twice — as a controller that crashed after applying and before persisting will on restart —
// changes nothing the second time. The controller applies them in the order given.

import type { AnalysisSpec } from '../spec/types.js';
import type { Millis, RevisionId } from '../spec/units.js';

export type RolloutAction =
  /** Run `replicas` replicas of `revision` (0 = stop them, draining first). */
  | { kind: 'scale'; revision: RevisionId; replicas: number; because: string }
  /** Route live traffic by these integer percents (they sum to 100; an unlisted revision gets 0). */
  | { kind: 'setWeights'; weights: Record<string, number>; because: string }
  /** Copy `percent` % of requests to `revision` and discard its responses (0 = stop mirroring). */
  | { kind: 'setMirror'; revision: RevisionId; percent: number; because: string }
  /**
   * Start judging `canary` against `baseline` with these settings; its outcomes come back as
   * `input.analysis` with this `step`. Idempotent per (rollout, step) on the runner's side:
   * after a crash the same start may be emitted again.
   */
  | { kind: 'startAnalysis'; step: number; analysis: AnalysisSpec; baseline: RevisionId; canary: RevisionId }
  /** `revision` becomes the stable revision; `retire` is drained and stopped (it has no traffic). */
  | { kind: 'promote'; revision: RevisionId; retire: RevisionId }
  /**
   * The rollout is being rolled back (emitted once, for the record and to stop analyses). The
   * mechanics follow as setWeights (back to stable 100 %) and scale (canary to 0) actions, at
   * the pace the capacity rules allow.
   */
  | { kind: 'abort'; reason: string };

export type RolloutEventKind =
  | 'Started'
  | 'StepStarted'
  | 'StepCompleted'
  | 'StepSkipped'
  | 'WeightsSet'
  | 'MirrorSet'
  | 'AnalysisOutcome'
  | 'Paused'
  | 'Resumed'
  | 'Aborted'
  | 'Promoted'
  | 'RolledBack';

/** One line of the rollout's history, for `rollcast events` and the dashboard. */
export interface RolloutEvent {
  at: Millis;
  kind: RolloutEventKind;
  /** Index into the plan, when the event belongs to a step. */
  step?: number;
  message: string;
}
