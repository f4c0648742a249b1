// Cooldowns, per direction: after an action that added replicas, no further reactive
// scale-up until scaleUp.cooldownMs has passed; likewise down (AWS target tracking's
// scale-out and scale-in cooldowns; the seed scenario's 300 s). An action is any change of
// the decided count in that direction, whatever caused it, so a predictive scale-up also
// starts the scale-up cooldown. Burst mode and the predictive part are not held by it.

import type { ScaleDirection } from '../spec/types.js';
import type { Millis } from '../spec/units.js';
import type { Reason } from './decision.js';

export interface LastActions {
  /** When the decided count last rose, or null if never. */
  lastScaleUpAt: Millis | null;
  /** When the decided count last fell, or null if never. */
  lastScaleDownAt: Millis | null;
}

/**
 * `proposed` unless it moves in a direction whose cooldown is still running; then `current`.
 * Example: scale-up cooldown 60 s, last scale-up at t = 100 s, now 130 s, proposed 6 of 4 →
 * 4, cooldown until 160 s.
 */
export function applyCooldown(
  proposed: number,
  current: number,
  now: Millis,
  last: LastActions,
  up: ScaleDirection,
  down: ScaleDirection,
): { replicas: number; reason?: Reason } {
  if (proposed > current && last.lastScaleUpAt !== null) {
    const untilMs = last.lastScaleUpAt + up.cooldownMs;
    if (now < untilMs) return { replicas: current, reason: { source: 'cooldown', direction: 'up', untilMs, held: current } };
  }
  if (proposed < current && last.lastScaleDownAt !== null) {
    const untilMs = last.lastScaleDownAt + down.cooldownMs;
    if (now < untilMs) return { replicas: current, reason: { source: 'cooldown', direction: 'down', untilMs, held: current } };
  }
  return { replicas: proposed };
}
