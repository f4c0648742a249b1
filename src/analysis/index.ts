// The canary analysis core (issue 5): baseline vs canary windows → Pass | Inconclusive | Fail
// with the numbers behind it, and the fold of successive intervals into a run outcome.

export { analyze, LATENCY_ALPHA } from './analyze.js';
export { CATEGORICAL_MAX_DISTINCT, kolmogorovSurvival, ksTwoSample, psi, PSI_EPSILON, type KsResult, type PsiResult } from './drift.js';
export { mannWhitneyGreater, type MannWhitneyResult } from './mann-whitney.js';
export { normalUpperTail } from './normal.js';
export { quantileSorted } from './quantile.js';
export { nextRun, REQUIRED_PASSES, startRun, type RunOutcome, type RunPhase, type RunState, type RunStep } from './run-state.js';
export { worst, type AnalysisResult, type MetricVerdict, type Verdict } from './verdict.js';
export { checkWindow, InvalidWindowError, windowProblems, type RevisionWindow } from './window.js';
