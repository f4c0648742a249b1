import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WeightedChoice } from './weighted-choice.js';

describe('WeightedChoice', () => {
  it('90/10 gives exactly one b in every 10 picks, never twice in a row', () => {
    const choice = new WeightedChoice<string>();
    choice.set(new Map([['a', 90], ['b', 10]]));
    const picks = Array.from({ length: 100 }, () => choice.next());
    for (let i = 0; i < 100; i += 10) expect(picks.slice(i, i + 10).filter((p) => p === 'b')).toHaveLength(1);
    expect(picks.join(',')).not.toContain('b,b');
  });

  it('ignores zero weights and returns undefined when nothing is routable', () => {
    const choice = new WeightedChoice<string>();
    choice.set(new Map([['a', 0]]));
    expect(choice.next()).toBeUndefined();
    choice.set(new Map([['a', 0], ['b', 100]]));
    expect([choice.next(), choice.next()]).toEqual(['b', 'b']);
  });

  it('property: over one full cycle each key is chosen exactly its weight (in units of gcd)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 1, maxLength: 5 }), (weights) => {
        const choice = new WeightedChoice<number>();
        choice.set(new Map(weights.map((w, i) => [i, w])));
        const total = weights.reduce((a, b) => a + b, 0);
        const counts = new Array<number>(weights.length).fill(0);
        for (let i = 0; i < total; i++) {
          const k = choice.next();
          if (k !== undefined) counts[k] = (counts[k] ?? 0) + 1;
        }
        expect(counts).toEqual(weights);
      }),
    );
  });
});
