// Analysis outcomes as the rollout records them: the latest outcome of each analysis step,
// replaced when a newer one arrives. An outcome for a step other than the one being run (a
// late result after a promote skipped it, or a stale retry) is ignored: it would otherwise
// decide a step it was not about. Recording the same outcome again changes nothing, which
// keeps a repeated advance free of new events.

import type { AnalysisRecord } from './state.js';
import type { AnalysisObservation, Tick } from './tick.js';

export function recordAnalysis(tick: Tick, observation: AnalysisObservation | undefined): void {
  if (observation === undefined) return;
  const s = tick.state;
  if (observation.step !== s.stepIndex || s.steps[s.stepIndex]?.kind !== 'analysis') return;
  const previous = s.analyses.find((a) => a.step === observation.step);
  if (previous !== undefined && previous.outcome === observation.outcome && previous.result?.at === observation.result?.at) return;
  const record: AnalysisRecord = { step: observation.step, outcome: observation.outcome, at: tick.now };
  if (observation.result !== undefined) record.result = observation.result;
  const analyses = [...s.analyses.filter((a) => a.step !== observation.step), record].sort((a, b) => a.step - b.step);
  tick.update({ analyses });
  if (previous?.outcome !== observation.outcome) {
    const verdict = observation.result === undefined ? '' : ` (verdict ${observation.result.verdict})`;
    tick.log('AnalysisOutcome', `${tick.stepLabel(observation.step)}: ${observation.outcome}${verdict}`, observation.step);
  }
}
