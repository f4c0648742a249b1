// The analysis side of a rollout tick: when the machine's current step is an analysis whose
// run was started (a startAnalysis action applied), judge one more interval once a whole
// interval of traffic has passed since the run started or since the last interval judged.
//
// Timing. Windows are second-aligned (the sampler's buckets are 1 s): to = ⌊now / 1 s⌋ · 1 s,
// from = to − interval. An interval is due when to − (lastAt ?? startedAt) ≥ interval, so
// the first window never reaches back before the step started (the traffic judged is the
// traffic at this step's weight) and windows do not overlap. Worked example, interval 20 s,
// run started at 100.4 s, ticks every 5 s: at 120.4 s to = 120 s and 120 − 100.4 = 19.6 s <
// 20 s, not due; at 125.4 s to = 125 s, 24.6 s ≥ 20 s: window [105 s, 125 s) is judged and
// lastAt = 125 s; the next one at 145.4 s judges [125 s, 145 s).
// A tick late by more than an interval judges only the latest interval (nothing is judged
// twice and nothing is queued up). The sampler reaches back 15 minutes, so an interval
// longer than that gets a window clipped to what the sampler kept (judged on less traffic,
// which minSamples guards).
//
// Idempotence: the run state (analysis/run-state.ts) is part of the persisted record; a tick
// that is not persisted (a failed action, a stale version) is recomputed from the stored run,
// and nextRun ignores a result whose `at` is not after the last one judged.

import { analyze } from '../analysis/analyze.js';
import { nextRun, startRun } from '../analysis/run-state.js';
import type { AnalysisResult } from '../analysis/verdict.js';
import type { RevisionWindow } from '../analysis/window.js';
import type { AnalysisObservation, RolloutState } from '../rollout/index.js';
import type { AnalysisSpec } from '../spec/types.js';
import { millis, type Millis, type RevisionId } from '../spec/units.js';
import type { StepRun } from './rollout-record.js';

export interface AnalysisSamples {
  window(revision: RevisionId, from: number, to: number): RevisionWindow;
}

export interface AnalysisTick {
  /** The runs with this tick's interval folded in (the input object is not changed). */
  runs: Record<string, StepRun>;
  /** For advance; undefined when no interval was due. */
  observation?: AnalysisObservation & { result: AnalysisResult };
}

/** A run for a startAnalysis action; an existing run of the same step is kept (a repeated start is the same run). */
export function ensureRun(runs: Record<string, StepRun>, step: number, analysis: AnalysisSpec, now: Millis): Record<string, StepRun> {
  if (runs[String(step)] !== undefined) return runs;
  return { ...runs, [String(step)]: { ...startRun(analysis), startedAt: now } };
}

export function analyzeDue(machine: RolloutState, runs: Record<string, StepRun>, samples: AnalysisSamples, now: Millis): AnalysisTick {
  if (machine.terminal !== null || machine.abort !== null || machine.startedAt === null) return { runs };
  const i = machine.stepIndex;
  const step = machine.steps[i];
  const run = runs[String(i)];
  if (step?.kind !== 'analysis' || run === undefined || run.phase !== 'running') return { runs };
  const interval = step.analysis.intervalMs;
  const to = Math.floor(now / 1000) * 1000;
  if (to - (run.lastAt ?? run.startedAt) < interval) return { runs };
  const from = to - interval;
  const baseline = samples.window(machine.stable, from, to);
  const canary = samples.window(machine.canary, from, to);
  const result = analyze(step.analysis, baseline, canary, millis(to));
  const next = nextRun(run, result);
  return {
    runs: { ...runs, [String(i)]: { ...next.state, startedAt: run.startedAt } },
    observation: { step: i, outcome: next.outcome, result },
  };
}
