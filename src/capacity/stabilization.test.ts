// HPA stabilization windows: scale down to the highest recommendation in the window, scale
// up to the lowest, a window of 0 is no window, and the kept history is bounded.
import { describe, expect, it } from 'vitest';
import { millis } from '../spec/units.js';
import { stabilize, type Recommendation } from './stabilization.js';

const hist = (entries: [number, number][]): Recommendation[] => entries.map(([at, replicas]) => ({ at: millis(at), replicas }));

describe('stabilize', () => {
  it('KEP-853 scale-down example: 10 minutes of recommendations, the largest wins', () => {
    // HPA every minute, window 600 s, current 10: recommendations 10, 9, 8, 9, 9, 8, 9, 8, 9 at
    // minutes 0..8, then 8 at minute 9 → max 10, no change; 7 at minute 10 → the 10 has left
    // the window → 9.
    const recs = [10, 9, 8, 9, 9, 8, 9, 8, 9];
    const h = hist(recs.map((r, i) => [i * 60_000, r]));
    const m9 = stabilize(h, 8, 10, millis(9 * 60_000), 0, 600_000);
    expect(m9.replicas).toBe(10);
    expect(m9.reason).toEqual({ source: 'stabilization', direction: 'down', windowMs: 600_000, recommended: 8, held: 10 });
    const m10 = stabilize(m9.history, 7, 10, millis(10 * 60_000), 0, 600_000);
    expect(m10.replicas).toBe(9);
    expect(m10.reason).toEqual({ source: 'stabilization', direction: 'down', windowMs: 600_000, recommended: 7, held: 9 });
  });

  it.each([
    { what: 'scale-up window: the lowest recommendation in it', h: [[-50_000, 5], [-20_000, 9]] as [number, number][], desired: 12, current: 4, up: 60_000, down: 300_000, expected: 5, direction: 'up' },
    { what: 'scale-up window 0: raw recommendation', h: [[-10_000, 5]] as [number, number][], desired: 12, current: 4, up: 0, down: 300_000, expected: 12, direction: undefined },
    { what: 'scale-up window: an entry exactly window old is out', h: [[-60_000, 5]] as [number, number][], desired: 12, current: 4, up: 60_000, down: 300_000, expected: 12, direction: undefined },
    { what: 'scale-down window 0: raw recommendation', h: [[-10_000, 9]] as [number, number][], desired: 2, current: 8, up: 0, down: 0, expected: 2, direction: undefined },
    { what: 'scale-down: partial — the window allows 6 of the way down to 2', h: [[-100_000, 6], [-50_000, 3]] as [number, number][], desired: 2, current: 8, up: 0, down: 300_000, expected: 6, direction: 'down' },
    { what: 'an up limit below current never lowers it', h: [[-10_000, 1]] as [number, number][], desired: 5, current: 5, up: 60_000, down: 300_000, expected: 5, direction: undefined },
  ])('$what', ({ h, desired, current, up, down, expected, direction }) => {
    const out = stabilize(hist(h), desired, current, millis(0), up, down);
    expect(out.replicas).toBe(expected);
    expect(out.reason === undefined ? undefined : out.reason.source === 'stabilization' ? out.reason.direction : 'other').toBe(direction);
  });

  it('keeps only what the longer window still needs, plus this tick', () => {
    const out = stabilize(hist([[0, 1], [100_000, 2], [250_000, 3]]), 4, 4, millis(400_000), 60_000, 200_000);
    expect(out.history).toEqual(hist([[250_000, 3], [400_000, 4]]));
  });
});
