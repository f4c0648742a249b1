// worst(): the order Pass < Inconclusive < Fail, and the algebra analysis relies on.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { worst, type Verdict } from './verdict.js';

const verdict = fc.constantFrom<Verdict>('Pass', 'Inconclusive', 'Fail');

it.each([
  { verdicts: [] as Verdict[], expected: 'Pass' },
  { verdicts: ['Pass', 'Pass'] as Verdict[], expected: 'Pass' },
  { verdicts: ['Pass', 'Inconclusive'] as Verdict[], expected: 'Inconclusive' },
  { verdicts: ['Inconclusive', 'Fail', 'Pass'] as Verdict[], expected: 'Fail' },
])('worst($verdicts) = $expected', ({ verdicts, expected }) => {
  expect(worst(...verdicts)).toBe(expected);
});

it('is commutative and associative, with Pass as identity and Fail absorbing', () => {
  fc.assert(
    fc.property(verdict, verdict, verdict, (a, b, c) => {
      expect(worst(a, b)).toBe(worst(b, a));
      expect(worst(worst(a, b), c)).toBe(worst(a, worst(b, c)));
      expect(worst(a, b, c)).toBe(worst(worst(a, b), c));
      expect(worst(a, 'Pass')).toBe(a);
      expect(worst(a, 'Fail')).toBe('Fail');
      expect(worst(a, a)).toBe(a);
    }),
    { seed: 61 },
  );
});
