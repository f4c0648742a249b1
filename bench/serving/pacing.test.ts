import { describe, expect, it } from 'vitest';
import { PacedSchedule } from './pacing.js';

describe('PacedSchedule', () => {
  it('spreads 4 connections at 1000 req/s over a 1 ms grid, each every 4 ms', () => {
    // Connection i sends at 100 + i + 4k ms.
    const first = [0, 1, 2, 3].map((i) => new PacedSchedule(100, 1000, 4, i).claim(100));
    expect(first.map((s) => s.waitMs)).toEqual([0, 1, 2, 3]);
    const c2 = new PacedSchedule(100, 1000, 4, 2);
    expect(c2.intervalMs).toBe(4);
    expect(c2.claim(90)).toEqual({ waitMs: 12, late: false }); // slot at 102
    expect(c2.claim(102.5)).toEqual({ waitMs: 3.5, late: false }); // slot at 106
  });

  it('sends at once when behind and skips the missed slots instead of bursting', () => {
    const s = new PacedSchedule(0, 100, 1, 0); // one slot every 10 ms: 0, 10, 20, …
    expect(s.claim(0)).toEqual({ waitMs: 0, late: false });
    // The answer to the first request took 25 ms: slots 10 and 20 are gone.
    expect(s.claim(25)).toEqual({ waitMs: 0, late: true });
    expect(s.claim(26)).toEqual({ waitMs: 4, late: false }); // next slot is 30
  });

  it('refuses a rate or connection count that cannot pace', () => {
    expect(() => new PacedSchedule(0, 0, 1, 0)).toThrow(/rate > 0/);
    expect(() => new PacedSchedule(0, 10, 0, 0)).toThrow(/connections ≥ 1/);
  });
});
