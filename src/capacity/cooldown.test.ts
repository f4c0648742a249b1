// Per-direction cooldowns since the last action in that direction.
import { expect, it } from 'vitest';
import { millis, type Millis } from '../spec/units.js';
import { applyCooldown } from './cooldown.js';

const up = { stabilizationMs: millis(0), cooldownMs: millis(60_000) };
const down = { stabilizationMs: millis(0), cooldownMs: millis(300_000) };
const m = (n: number | null): Millis | null => (n === null ? null : millis(n));

it.each([
  { what: 'up within the up cooldown is held', proposed: 6, lastUp: 100_000, lastDown: null, now: 130_000, expected: 4, reason: { source: 'cooldown', direction: 'up', untilMs: 160_000, held: 4 } },
  { what: 'up when the cooldown has just passed', proposed: 6, lastUp: 100_000, lastDown: null, now: 160_000, expected: 6, reason: undefined },
  { what: 'up is not held by a recent scale-down', proposed: 6, lastUp: null, lastDown: 100_000, now: 130_000, expected: 6, reason: undefined },
  { what: 'down within the down cooldown is held', proposed: 2, lastUp: null, lastDown: 0, now: 299_999, expected: 4, reason: { source: 'cooldown', direction: 'down', untilMs: 300_000, held: 4 } },
  { what: 'down is not held by a recent scale-up', proposed: 2, lastUp: 100_000, lastDown: null, now: 110_000, expected: 2, reason: undefined },
  { what: 'no change needs no cooldown', proposed: 4, lastUp: 100_000, lastDown: 100_000, now: 100_000, expected: 4, reason: undefined },
])('$what', ({ proposed, lastUp, lastDown, now, expected, reason }) => {
  const out = applyCooldown(proposed, 4, millis(now), { lastScaleUpAt: m(lastUp), lastScaleDownAt: m(lastDown) }, up, down);
  expect(out.replicas).toBe(expected);
  expect(out.reason).toEqual(reason);
});
