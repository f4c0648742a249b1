// Stabilization windows, exactly as the Kubernetes HPA applies them
// (pkg/controller/podautoscaler, stabilizeRecommendationWithBehaviors; KEP-853): every tick
// records its raw recommendation; then
//
//   up limit   = the LOWEST recommendation within the scale-up window (current one included)
//   down limit = the HIGHEST recommendation within the scale-down window (current one included)
//   result     = the current count, raised to the up limit or lowered to the down limit.
//
// So a scale-up happens only to a level every recommendation in the scale-up window agreed
// on (a one-tick spike does not add replicas when the window is > 0), and a scale-down only to
// the highest level asked for in the last scale-down window (the HPA default: 5 minutes), so
// a short dip removes nothing. A window of 0 keeps no history: the raw recommendation wins.
// "Within" is strictly after now − window, as in the HPA.

import type { Millis } from '../spec/units.js';
import type { Reason } from './decision.js';

export interface Recommendation {
  at: Millis;
  replicas: number;
}

export interface Stabilized {
  replicas: number;
  reason?: Reason;
  /** The history to keep: entries within the longer window, plus this tick's recommendation. */
  history: Recommendation[];
}

/**
 * Example (scale-down window 300 s, current 10): recommendations 10, 9, 8 in the last
 * 300 s and 7 now → down limit 10 → hold 10; once the 10 is older than 300 s → 9.
 */
export function stabilize(
  history: readonly Recommendation[],
  desired: number,
  current: number,
  now: Millis,
  upWindowMs: number,
  downWindowMs: number,
): Stabilized {
  let upLimit = desired;
  let downLimit = desired;
  for (const r of history) {
    if (r.at > now - upWindowMs) upLimit = Math.min(upLimit, r.replicas);
    if (r.at > now - downWindowMs) downLimit = Math.max(downLimit, r.replicas);
  }
  let replicas = current;
  if (replicas < upLimit) replicas = upLimit;
  if (replicas > downLimit) replicas = downLimit;

  const keepAfter = now - Math.max(upWindowMs, downWindowMs);
  const kept = history.filter((r) => r.at > keepAfter && r.at <= now);
  const next = [...kept, { at: now, replicas: desired }];

  let reason: Reason | undefined;
  if (desired > current && replicas < desired) {
    reason = { source: 'stabilization', direction: 'up', windowMs: upWindowMs, recommended: desired, held: replicas };
  } else if (desired < current && replicas > desired) {
    reason = { source: 'stabilization', direction: 'down', windowMs: downWindowMs, recommended: desired, held: replicas };
  }
  return reason === undefined ? { replicas, history: next } : { replicas, reason, history: next };
}
