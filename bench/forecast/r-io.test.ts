import { describe, expect, it } from 'vitest';
import { encodeRInput, formatStatus, parseROutput, statusCounts, usableForecast, usableUpper, type RResult } from './r-io.js';

const HEADER = 'id\tmethod\tstatus\telapsed_s\tcpu_s\tmodel\tmean\tupper80\tmessage';

describe('encodeRInput', () => {
  it('one tab-separated line per task: id, h, freq, comma-separated periods, space-separated values', () => {
    const text = encodeRInput([
      { id: 'H1', h: 48, freq: 24, periods: [24, 168], values: [605, 586.5, 0.1 + 0.2] },
      { id: 'x#1', h: 2, freq: 1, periods: [], values: [1, Number.NaN] },
    ]);
    expect(text).toBe('id\th\tfreq\tperiods\tvalues\nH1\t48\t24\t24,168\t605 586.5 0.30000000000000004\nx#1\t2\t1\t\t1 NA\n');
  });
  it.each([
    { id: 'a b', values: [1] },
    { id: 'a\tb', values: [1] },
    { id: 'ok', values: [] },
  ])('refuses id $id with $values.length values', ({ id, values }) => {
    expect(() => encodeRInput([{ id, h: 1, freq: 1, periods: [], values }])).toThrow(RangeError);
  });
});

describe('parseROutput', () => {
  const text = [
    HEADER,
    'H1\tstlf\tok\t0.105000\t0.104000\tSTL +  ETS(A,N,N)\t1 2.5 3\t4 5 6\t',
    'H1\ttbats\ttimeout\t600.000000\tNA\t\t\t\tno result after 600 s; fit stopped',
    'H2\tmstl\tok\t0.1\t0.1\tSTL\t1 NA -Inf\t1 2 3\tDropping seasonal components with fewer than two full periods.',
    'H2\tstlf\tok\t0.1', // cut short: R was killed while writing
    '',
  ].join('\n');
  const parsed = parseROutput(text);
  it('reads results by task and method, numbers exact, NA/Inf as NaN', () => {
    expect(parsed.get('H1')?.get('stlf')).toEqual({ status: 'ok', elapsedS: 0.105, cpuS: 0.104, model: 'STL +  ETS(A,N,N)', mean: [1, 2.5, 3], upper: [4, 5, 6], message: '' });
    expect(parsed.get('H1')?.get('tbats')).toMatchObject({ status: 'timeout', elapsedS: 600, mean: [], message: 'no result after 600 s; fit stopped' });
    expect(parsed.get('H2')?.get('mstl')?.mean).toEqual([1, Number.NaN, Number.NaN]);
  });
  it('ignores a line cut short', () => {
    expect(parsed.get('H2')?.has('stlf')).toBe(false);
  });
  it('throws on a wrong header', () => {
    expect(() => parseROutput('id,method\n')).toThrow(/unexpected header/);
  });
});

const ok = (mean: number[], upper: number[] = mean): RResult => ({ status: 'ok', elapsedS: 1, cpuS: 1, model: 'm', mean, upper, message: '' });

describe('usableForecast / usableUpper', () => {
  it.each([
    { r: ok([1, 2]), usable: true },
    { r: ok([1]), usable: false },
    { r: ok([1, Number.NaN]), usable: false },
    { r: { ...ok([1, 2]), status: 'error' as const }, usable: false },
    { r: undefined, usable: false },
  ])('$r → $usable (h = 2)', ({ r, usable }) => {
    expect(usableForecast(r, 2)).toBe(usable);
  });
  it('an upper bound with a NaN (no interval) is not used', () => {
    expect(usableUpper(ok([1, 2], [3, 4]), 2)).toEqual([3, 4]);
    expect(usableUpper(ok([1, 2], [3, Number.NaN]), 2)).toBeUndefined();
  });
});

describe('statusCounts / formatStatus', () => {
  const results = new Map([
    ['a', new Map([['tbats', ok([1, 2])]])],
    ['b', new Map([['tbats', { ...ok([]), status: 'timeout' as const, message: 'no result after 60 s' }]])],
    ['c', new Map([['tbats', ok([1])]])],
  ]);
  const ids = ['a', 'b', 'c', 'd'].map((id) => ({ id, h: 2 }));
  it('counts ok, error, timeout and missing (absent or unusable)', () => {
    const c = statusCounts(results, ids, 'tbats');
    expect(c).toEqual({ ok: 1, error: 0, timeout: 1, missing: 2, messages: ['no result after 60 s'] });
    expect(formatStatus('tbats', c)).toBe('tbats: 1 ok, 1 timeout, 2 missing (no result after 60 s)');
    expect(formatStatus('stlf', { ok: 414, error: 0, timeout: 0, missing: 0, messages: [] })).toBe('stlf: 414 ok');
  });
});
