import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDuration, DAY, formatDuration, HOUR, MINUTE, parseDuration, SECOND, WEEK } from './duration.js';

describe('parseDuration', () => {
  it.each([
    ['0s', 0],
    ['250ms', 250],
    ['30s', 30 * SECOND],
    ['5m', 5 * MINUTE],
    ['48h', 48 * HOUR],
    ['14d', 14 * DAY],
    ['2w', 2 * WEEK],
    ['1h30m', 90 * MINUTE],
    ['1d2h3m4s5ms', DAY + 2 * HOUR + 3 * MINUTE + 4 * SECOND + 5],
    ['05m', 5 * MINUTE],
    ['300s', 300 * SECOND],
  ])('%s → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['', 'it is empty'],
    ['-5s', 'durations cannot be negative'],
    ['30', 'a bare number has no unit; write 30s or 30ms'],
    ['0', 'a bare number has no unit; write 0s or 0ms'],
    ['1.5h', 'fractions are not allowed; write 1h30m rather than 1.5h'],
    ['5M', 'unknown unit "M"'],
    ['3y', 'unknown unit "y"'],
    ['10min', 'unknown unit "min"'],
    ['abc', 'cannot read "abc"'],
    ['1h30', '"30" has no unit'],
    ['30m1h', 'units must go from largest to smallest, each at most once (e.g. 1h30m)'],
    ['1m1m', 'units must go from largest to smallest, each at most once (e.g. 1h30m)'],
    ['5 m', 'it contains spaces'],
    [' 5m', 'it contains spaces'],
    ['99999999999999w', 'it is too large'],
  ])('%j is rejected: %s', (text, reason) => {
    expect(checkDuration(text)).toEqual({ ok: false, reason });
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [250, '250ms'],
    [1_500, '1s500ms'],
    [90 * MINUTE, '1h30m'],
    [14 * DAY, '14d'], // days, not 2w: the way history is spoken of
    [300 * SECOND, '5m'],
    [-30 * SECOND, '-30s'],
    [1.6, '2ms'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips through parseDuration for every whole number of milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });

  it('formats any parsed duration back to the same length of time', () => {
    const unit = fc.constantFrom('ms', 's', 'm', 'h', 'd', 'w');
    const text = fc
      .uniqueArray(unit, { minLength: 1, maxLength: 6 })
      .chain((units) => fc.tuple(...units.map((u) => fc.nat({ max: 1000 }).map((n) => [n, u] as const))))
      .map((groups) => {
        const order = ['w', 'd', 'h', 'm', 's', 'ms'];
        return [...groups].sort((a, b) => order.indexOf(a[1]) - order.indexOf(b[1])).map(([n, u]) => `${n}${u}`).join('');
      });
    fc.assert(
      fc.property(text, (t) => {
        const ms = parseDuration(t);
        expect(ms).toBeDefined();
        expect(parseDuration(formatDuration(ms ?? -1))).toBe(ms);
      }),
    );
  });
});
