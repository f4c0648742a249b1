// The working record of one advance: the state as it evolves through the tick, the input,
// and the actions and events produced so far. It lives only inside advance(); the state
// objects it holds are replaced, never mutated, so the caller's state stays untouched.

import type { AnalysisResult } from '../analysis/verdict.js';
import type { Millis } from '../spec/units.js';
import type { RolloutAction, RolloutEvent, RolloutEventKind } from './actions.js';
import { stepLabel } from './plan.js';
import type { AnalysisOutcome, RolloutCommand, RolloutState } from './state.js';

export type { RolloutCommand };

/** Replica counts the controller observed this tick (whole numbers ≥ 0). */
export interface Observed {
  /** Ready replicas of the canary and stable revisions. */
  canaryReady: number;
  stableReady: number;
  /** Replicas the whole load needs now (the capacity planner's forecast-based total). */
  needReplicas: number;
}

export interface AnalysisObservation {
  /** The plan step the outcome belongs to (startAnalysis's `step`). */
  step: number;
  outcome: AnalysisOutcome;
  result?: AnalysisResult;
}


export interface AdvanceInput {
  now: Millis;
  observed: Observed;
  analysis?: AnalysisObservation;
  command?: RolloutCommand;
}

export class Tick {
  readonly actions: RolloutAction[] = [];
  readonly events: RolloutEvent[] = [];
  constructor(
    public state: RolloutState,
    readonly input: AdvanceInput,
  ) {}

  get now(): Millis {
    return this.input.now;
  }
  /** The load's need in whole replicas: a fractional forecast (4.2) is rounded up (5). */
  get need(): number {
    return Math.ceil(this.input.observed.needReplicas);
  }

  update(patch: Partial<RolloutState>): void {
    this.state = { ...this.state, ...patch };
  }
  act(action: RolloutAction): void {
    this.actions.push(action);
  }
  log(kind: RolloutEventKind, message: string, step?: number): void {
    this.events.push(step === undefined ? { at: this.now, kind, message } : { at: this.now, kind, step, message });
  }

  /** "step 3/6 (pause 5m)", for messages. */
  stepLabel(i = this.state.stepIndex): string {
    return stepLabel(this.state.steps, i);
  }

  /**
   * Moves live traffic to `weight` % on the canary. The caller has checked that the side
   * gaining traffic has the replicas for it. Reaching 100 ends any mirror first: the canary
   * would be sent copies of its own requests. `weightChange` keeps the lowest and highest
   * canary weight of this tick, so neither side is scaled down before a later tick.
   */
  setCanaryWeight(weight: number, because: string): void {
    const s = this.state;
    if (weight === s.canaryWeight) return;
    if (weight === 100 && s.mirrorPercent > 0) this.setMirror(0, 'the new revision takes all live traffic');
    const open = s.weightChange !== null && s.weightChange.at >= this.now ? s.weightChange : null;
    const lowest = Math.min(open?.lowest ?? s.canaryWeight, s.canaryWeight, weight);
    const highest = Math.max(open?.highest ?? s.canaryWeight, s.canaryWeight, weight);
    this.update({ canaryWeight: weight, weightChange: { at: this.now, lowest, highest } });
    this.act({ kind: 'setWeights', weights: { [s.stable]: 100 - weight, [s.canary]: weight }, because });
    this.log('WeightsSet', `${s.stable} ${100 - weight} %, ${s.canary} ${weight} %: ${because}`);
  }

  setMirror(percent: number, because: string): void {
    const s = this.state;
    if (percent === s.mirrorPercent) return;
    this.update({ mirrorPercent: percent });
    this.act({ kind: 'setMirror', revision: s.canary, percent, because });
    this.log('MirrorSet', `mirror ${percent} % of requests to ${s.canary}: ${because}`);
  }

  /** True once a tick after the last weight change has begun (see RolloutState.weightChange). */
  settled(): boolean {
    const c = this.state.weightChange;
    return c === null || this.now > c.at;
  }

  /** Enters step `i` (or the finish, at steps.length): its clock starts now; analysis steps start their run. */
  enterStep(i: number): void {
    const s = this.state;
    this.update({ stepIndex: i, stepStartedAt: this.now });
    const step = s.steps[i];
    if (step === undefined) return;
    this.log('StepStarted', this.stepLabel(i), i);
    if (step.kind === 'analysis') {
      this.act({ kind: 'startAnalysis', step: i, analysis: step.analysis, baseline: s.stable, canary: s.canary });
    }
  }
}
