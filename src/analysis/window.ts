// What analysis judges: one revision's traffic over one analysis interval. The baseline (the
// running revision) and the canary (the new one) each get a RevisionWindow covering the
// same interval, so both sides saw the same time of day and the same kind of traffic.
//
// The checker is for programming errors (a negative count, NaN in a sample, more errors
// than requests): those throw. Too little traffic is not an error: it is the expected
// outcome "Inconclusive", which analyze() returns as a value.

export interface RevisionWindow {
  /** Requests this revision received in the interval (answered or not). */
  requests: number;
  /** Of those, the ones that failed: HTTP 5xx from the gateway or worker, and model errors (the runtime threw). 4xx are the client's fault and are not counted. */
  errors: number;
  /**
   * Latency samples in milliseconds, one per request, errors included (a slow failure is
   * still slow). The gateway may keep a sample of the requests rather than all of them, so
   * there may be fewer samples than requests, never more.
   */
  latenciesMs: readonly number[];
  /**
   * One number per answered request (or per sampled answered request), reduced from the
   * model's output by the caller so that baseline and canary are reduced the same way:
   * - a classifier: the predicted class index (argmax of the scores), e.g. 0 | 1 | 2 for
   *   the three penguin species: a few distinct values, compared as categories;
   * - a binary classifier or a scorer: the score of the positive class, e.g. 0.83;
   * - a regressor: the predicted value;
   * - several outputs: pick the one whose change matters (usually the one acted upon).
   * Failed requests have no prediction, so there are at most requests − errors of them.
   */
  predictions: readonly number[];
}

/** A window that cannot have come from real traffic: a bug in whoever built it. */
export class InvalidWindowError extends Error {
  override readonly name = 'InvalidWindowError';
  constructor(
    readonly side: string,
    readonly problems: readonly string[],
  ) {
    super(`invalid ${side} window: ${problems.join('; ')}`);
  }
}

const isCount = (n: number): boolean => Number.isInteger(n) && n >= 0;

/** Every problem with `w`, each as `field = value, must be …`; empty when the window is sound. */
export function windowProblems(w: RevisionWindow): string[] {
  const problems: string[] = [];
  if (!isCount(w.requests)) problems.push(`requests = ${w.requests}, must be a whole number ≥ 0`);
  if (!isCount(w.errors)) problems.push(`errors = ${w.errors}, must be a whole number ≥ 0`);
  else if (isCount(w.requests) && w.errors > w.requests) problems.push(`errors = ${w.errors}, must be ≤ requests (${w.requests})`);
  if (isCount(w.requests) && w.latenciesMs.length > w.requests) {
    problems.push(`latenciesMs has ${w.latenciesMs.length} samples, must have ≤ requests (${w.requests})`);
  }
  const badLatency = w.latenciesMs.findIndex((x) => !Number.isFinite(x) || x < 0);
  if (badLatency >= 0) problems.push(`latenciesMs[${badLatency}] = ${w.latenciesMs[badLatency]}, must be a finite number ≥ 0`);
  const answered = w.requests - w.errors;
  if (isCount(w.requests) && isCount(w.errors) && answered >= 0 && w.predictions.length > answered) {
    problems.push(`predictions has ${w.predictions.length} values, must have ≤ requests − errors (${answered})`);
  }
  const badPrediction = w.predictions.findIndex((x) => !Number.isFinite(x));
  if (badPrediction >= 0) problems.push(`predictions[${badPrediction}] = ${w.predictions[badPrediction]}, must be a finite number`);
  return problems;
}

/** Throws InvalidWindowError listing every problem at once; returns nothing when `w` is sound. */
export function checkWindow(w: RevisionWindow, side: string): void {
  const problems = windowProblems(w);
  if (problems.length > 0) throw new InvalidWindowError(side, problems);
}
