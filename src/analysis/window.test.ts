// The window checker: programming errors throw, all at once, naming field, value and rule.
import { expect, it } from 'vitest';
import { checkWindow, InvalidWindowError, windowProblems, type RevisionWindow } from './window.js';

const ok: RevisionWindow = { requests: 4, errors: 1, latenciesMs: [10, 12, 11, 300], predictions: [0, 1, 1] };

it('a sound window has no problems, an empty one neither (too little traffic is not an error)', () => {
  expect(windowProblems(ok)).toEqual([]);
  expect(windowProblems({ requests: 0, errors: 0, latenciesMs: [], predictions: [] })).toEqual([]);
  // Sampled: fewer latencies and predictions than requests is fine.
  expect(windowProblems({ ...ok, latenciesMs: [10], predictions: [] })).toEqual([]);
});

it.each([
  { what: 'negative requests', w: { ...ok, requests: -1 }, problem: 'requests = -1, must be a whole number ≥ 0' },
  { what: 'fractional errors', w: { ...ok, errors: 0.5 }, problem: 'errors = 0.5, must be a whole number ≥ 0' },
  { what: 'more errors than requests', w: { ...ok, errors: 5 }, problem: 'errors = 5, must be ≤ requests (4)' },
  { what: 'more latencies than requests', w: { ...ok, latenciesMs: [1, 2, 3, 4, 5] }, problem: 'latenciesMs has 5 samples, must have ≤ requests (4)' },
  { what: 'a NaN latency', w: { ...ok, latenciesMs: [1, Number.NaN] }, problem: 'latenciesMs[1] = NaN, must be a finite number ≥ 0' },
  { what: 'a negative latency', w: { ...ok, latenciesMs: [-3] }, problem: 'latenciesMs[0] = -3, must be a finite number ≥ 0' },
  { what: 'a prediction for a failed request', w: { ...ok, predictions: [0, 1, 1, 2] }, problem: 'predictions has 4 values, must have ≤ requests − errors (3)' },
  { what: 'an infinite prediction', w: { ...ok, predictions: [Infinity] }, problem: 'predictions[0] = Infinity, must be a finite number' },
])('$what', ({ w, problem }) => {
  expect(windowProblems(w)).toEqual([problem]);
});

it('checkWindow throws InvalidWindowError with every problem and the side', () => {
  const bad = { requests: 2, errors: 3, latenciesMs: [Number.NaN], predictions: [] };
  expect(() => checkWindow(ok, 'canary')).not.toThrow();
  try {
    checkWindow(bad, 'canary');
    expect.unreachable();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidWindowError);
    const err = e as InvalidWindowError;
    expect(err.name).toBe('InvalidWindowError');
    expect(err.side).toBe('canary');
    expect(err.problems).toEqual(['errors = 3, must be ≤ requests (2)', 'latenciesMs[0] = NaN, must be a finite number ≥ 0']);
    expect(err.message).toBe('invalid canary window: errors = 3, must be ≤ requests (2); latenciesMs[0] = NaN, must be a finite number ≥ 0');
  }
});
