import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../../src/spec/duration.js';
import { evalWindow } from './window.js';

describe('evalWindow', () => {
  it('scores the last 7 days of a trace of 8 days or more', () => {
    expect(evalWindow(8 * DAY, MINUTE)).toEqual({ ok: true, evalMs: 7 * DAY, shortened: false });
    expect(evalWindow(30 * DAY, MINUTE)).toEqual({ ok: true, evalMs: 7 * DAY, shortened: false });
  });
  it('keeps 1 day of history on a shorter trace, in whole ticks', () => {
    // 7.8 days at 5-minute steps (the Alibaba trace): 2243 points.
    const span = 2243 * 5 * MINUTE;
    const w = evalWindow(span, MINUTE);
    expect(w).toEqual({ ok: true, evalMs: span - DAY, shortened: true });
    expect(evalWindow(DAY + 90 * 1000, MINUTE)).toEqual({ ok: true, evalMs: MINUTE, shortened: true });
    expect(evalWindow(2 * DAY + HOUR / 2, HOUR)).toEqual({ ok: true, evalMs: DAY, shortened: true });
  });
  it('refuses a trace of at most one day', () => {
    expect(evalWindow(DAY, MINUTE).ok).toBe(false);
    expect(evalWindow(DAY + 30 * 1000, MINUTE).ok).toBe(false);
  });
});
