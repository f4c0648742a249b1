import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_BACKOFF, restartDelay } from './backoff.js';

describe('restartDelay', () => {
  it.each([
    [0, 0],
    [1, 500],
    [2, 1000],
    [3, 2000],
    [6, 16000],
    [7, 30000],
    [50, 30000],
  ])('after %i consecutive crashes waits %i ms', (failures, ms) => {
    expect(restartDelay(DEFAULT_BACKOFF, failures)).toBe(ms);
  });

  it('property: never decreases with more failures and never exceeds the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), (n) => {
        const a = restartDelay(DEFAULT_BACKOFF, n);
        expect(a).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
        expect(restartDelay(DEFAULT_BACKOFF, n + 1)).toBeGreaterThanOrEqual(a);
      }),
    );
  });
});
