// An analysis *run*: the successive interval results of one analysis step, folded into
// "keep going", "passed", "failed" or "hold". The rollout state machine keeps a RunState
// (plain JSON, so the store can persist it as is) and calls nextRun after each interval.
//
// Semantics (Argo Rollouts' AnalysisRun, with a fixed count of passes):
// - Fail: failures tolerated = failureLimit; one more fails the run. With failureLimit 2:
//   Fail, Fail → continue, continue; a third Fail → fail. Failures are counted in total,
//   not consecutively: a canary that fails every other interval is not healthy.
// - Pass: the run passes at the first Pass (REQUIRED_PASSES = 1). The step's first result
//   already covers a whole interval of traffic (≥ minSamples a side, or it would have been
//   Inconclusive), and the pause steps before an analysis step give the canary its warm-up;
//   a longer soak is written as a longer interval or a pause, not as more passes. So with
//   failureLimit 2, Fail then Pass → pass, as Argo's run with two measurements would.
// - Inconclusive (too little traffic on either side, or a metric without enough samples):
//   onInconclusive `hold` → outcome hold: not terminal, the rollout keeps its weights and the
//   run is asked again after the next interval (traffic may pick up); a later Pass passes,
//   a later Fail counts as usual. onInconclusive `rollback` → the run fails at once.
// - A result whose `at` is not after the last one judged (a controller retrying a tick) is
//   not counted twice: the state is returned unchanged with the previous outcome.
// - Once passed or failed the run is over: further results change nothing.

import type { AnalysisSpec, OnInconclusive } from '../spec/types.js';
import { assertNever, type Millis } from '../spec/units.js';
import type { AnalysisResult, Verdict } from './verdict.js';

/** Passing intervals that pass the run (see the header for why one). */
export const REQUIRED_PASSES = 1;

export type RunOutcome = 'continue' | 'pass' | 'fail' | 'hold';
export type RunPhase = 'running' | 'passed' | 'failed';

export interface RunState {
  phase: RunPhase;
  /** Copied from the spec at the start, so a run is judged by the settings it began with. */
  failureLimit: number;
  onInconclusive: OnInconclusive;
  requiredPasses: number;
  /** Intervals judged, and how each came out. */
  evaluations: number;
  passes: number;
  failures: number;
  inconclusives: number;
  /** The last interval judged: its time, verdict and the outcome it produced; null before the first. */
  lastAt: Millis | null;
  lastVerdict: Verdict | null;
  lastOutcome: RunOutcome | null;
}

export interface RunStep {
  state: RunState;
  outcome: RunOutcome;
  /** In words, with the counts: "3 failed intervals > failureLimit 2". */
  because: string;
}

/** A run that has judged nothing yet. */
export function startRun(spec: Pick<AnalysisSpec, 'failureLimit' | 'onInconclusive'>): RunState {
  return {
    phase: 'running',
    failureLimit: spec.failureLimit,
    onInconclusive: spec.onInconclusive,
    requiredPasses: REQUIRED_PASSES,
    evaluations: 0,
    passes: 0,
    failures: 0,
    inconclusives: 0,
    lastAt: null,
    lastVerdict: null,
    lastOutcome: null,
  };
}

/** Fold one interval's result into the run. Returns a new state; `state` is not touched. */
export function nextRun(state: RunState, result: AnalysisResult): RunStep {
  if (state.phase === 'passed') return { state, outcome: 'pass', because: `the analysis already passed (${state.passes} passing of ${state.evaluations} intervals)` };
  if (state.phase === 'failed') return { state, outcome: 'fail', because: `the analysis already failed (${state.failures} failed of ${state.evaluations} intervals)` };
  if (state.lastAt !== null && result.at <= state.lastAt) {
    return { state, outcome: state.lastOutcome ?? 'continue', because: `interval at ${result.at} is not after the last one judged (${state.lastAt}): not counted again` };
  }

  const judged = { ...state, evaluations: state.evaluations + 1, lastAt: result.at, lastVerdict: result.verdict };
  const done = (s: RunState, outcome: RunOutcome, because: string): RunStep => ({ state: { ...s, lastOutcome: outcome }, outcome, because });

  switch (result.verdict) {
    case 'Pass': {
      const s = { ...judged, passes: state.passes + 1 };
      return s.passes >= s.requiredPasses
        ? done({ ...s, phase: 'passed' }, 'pass', `${s.passes} passing interval(s) ≥ ${s.requiredPasses} required (${s.failures} failed, tolerated ${s.failureLimit})`)
        : done(s, 'continue', `${s.passes} passing interval(s) of ${s.requiredPasses} required`);
    }
    case 'Fail': {
      const s = { ...judged, failures: state.failures + 1 };
      return s.failures > s.failureLimit
        ? done({ ...s, phase: 'failed' }, 'fail', `${s.failures} failed interval(s) > failureLimit ${s.failureLimit}`)
        : done(s, 'continue', `${s.failures} failed interval(s), ${s.failureLimit} tolerated`);
    }
    case 'Inconclusive': {
      const s = { ...judged, inconclusives: state.inconclusives + 1 };
      switch (s.onInconclusive) {
        case 'hold':
          return done(s, 'hold', `inconclusive interval (${s.inconclusives} so far) and onInconclusive is hold: keep weights, judge the next interval`);
        case 'rollback':
          return done({ ...s, phase: 'failed' }, 'fail', 'inconclusive interval and onInconclusive is rollback');
        default:
          return assertNever(s.onInconclusive, 'onInconclusive');
      }
    }
    default:
      return assertNever(result.verdict, 'verdict');
  }
}
