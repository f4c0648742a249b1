// The trace reader on hand-written cases (one per rule and per error) and on every shipped
// trace in ../shared/data/traces, plus a round-trip property on generated series.
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseTimestamp, parseTraceCsv } from './trace-csv.js';

const csv = (...rows: string[]): string => ['timestamp,value', ...rows].join('\n');
const MIN = 60_000;

describe('timestamps', () => {
  it.each([
    { text: '2024-05-01T12:00:00Z', ms: Date.UTC(2024, 4, 1, 12) },
    { text: '2024-05-01 12:00:00', ms: Date.UTC(2024, 4, 1, 12) }, // no zone → UTC
    { text: '2024-05-01T12:00', ms: Date.UTC(2024, 4, 1, 12) },
    { text: '2024-05-01', ms: Date.UTC(2024, 4, 1) },
    { text: '2024-05-01T12:00:00.250Z', ms: Date.UTC(2024, 4, 1, 12, 0, 0, 250) },
    { text: '2024-05-01T14:00:00+02:00', ms: Date.UTC(2024, 4, 1, 12) },
    { text: '2024-05-01T06:30:00-0530', ms: Date.UTC(2024, 4, 1, 12) },
    { text: '1714564800', ms: 1714564800_000 }, // < 1e11 → seconds
    { text: '1714564800.5', ms: 1714564800_500 },
    { text: '1714564800000', ms: 1714564800_000 }, // ≥ 1e11 → milliseconds
  ])('$text → $ms', ({ text, ms }) => {
    expect(parseTimestamp(text)).toEqual({ ok: true, ms });
  });
  it.each(['yesterday', '2024-13-01', '2024-02-30', '2024-05-01T24:00', '01/05/2024', ''])('rejects "%s"', (text) => {
    expect(parseTimestamp(text).ok).toBe(false);
  });
});

describe('parseTraceCsv', () => {
  it('reads a regular file, header case-insensitive, CRLF, BOM and trailing blank lines', () => {
    const text = '\uFEFF Timestamp , VALUE \r\n2024-01-01 00:00:00,1\r\n2024-01-01 00:05:00, 2.5\r\n2024-01-01 00:10:00,-3e2\r\n\r\n';
    const r = parseTraceCsv(text);
    expect(r).toEqual({ ok: true, series: { start: Date.UTC(2024, 0, 1), stepMs: 5 * MIN, values: [1, 2.5, -300] }, missingRows: 0 });
  });

  it('fills a gap of exactly k steps with k − 1 NaN and counts them', () => {
    const r = parseTraceCsv(csv('0,1', '60,2', '240,5', '300,6'));
    expect(r).toEqual({ ok: true, series: { start: 0, stepMs: MIN, values: [1, 2, NaN, NaN, 5, 6] }, missingRows: 2 });
  });

  it.each([
    { text: '', error: 'line 1: header must be "timestamp,value", found ""' },
    { text: 'time,value\n0,1\n60,2', error: 'line 1: header must be "timestamp,value", found "time,value"' },
    { text: csv('0,1'), error: 'found 1 data row(s); need at least 2 to know the step' },
    { text: csv('0,1', '60,abc'), error: 'line 3: value "abc" is not a number' },
    { text: csv('0,1', '60,0x10'), error: 'line 3: value "0x10" is not a number' },
    { text: csv('0,1', '60,'), error: 'line 3: value is empty (leave a gap out as a missing row instead)' },
    { text: csv('0,1', '60,1e999'), error: 'line 3: value "1e999" is too large' },
    { text: csv('0,1', '60,2,3'), error: 'line 3: expected 2 fields (timestamp,value), found 3' },
    { text: csv('0,1', '', '120,2'), error: 'line 3: empty line inside the data' },
    { text: csv('0,1', 'noon,2'), error: 'line 3: timestamp "noon" is neither ISO-8601 (2024-05-01T12:00:00Z) nor epoch seconds/milliseconds' },
    { text: csv('0,1', '60,2', '60,3'), error: 'line 4: timestamp "60" is not after line 3\'s' },
    { text: csv('0,1', '60,2', '30,3'), error: 'line 4: timestamp "30" is not after line 3\'s' },
    { text: csv('0,1', '60,2', '150,3'), error: 'line 4: timestamp "150" is off the 1m grid set by lines 2–3' },
    { text: csv('0,1', '60,2', '1e12,3'), error: 'line 4: timestamp "1e12" is neither ISO-8601 (2024-05-01T12:00:00Z) nor epoch seconds/milliseconds' },
    { text: csv('0,1', '1,2', '99999999999,3'), error: 'line 4: a gap of 99999999997 steps would make the series longer than 10000000 points' },
  ])('$error', ({ text, error }) => {
    expect(parseTraceCsv(text)).toEqual({ ok: false, error });
  });

  it('prefixes errors with the source when given', () => {
    expect(parseTraceCsv(csv('0,1', '60,x'), 'load.csv')).toEqual({ ok: false, error: 'load.csv: line 3: value "x" is not a number' });
  });

  it('round-trips a generated series with rows left out', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2e9 }),
        fc.constantFrom(1, 5, 30, 60),
        fc.array(fc.record({ value: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => x + 0), keep: fc.boolean() }), { minLength: 2, maxLength: 80 }),
        (startSeconds, stepMinutes, rows) => {
          // The first two rows set the step and a gap needs a row after it, so the first two and
          // the last are always kept. (`x + 0` turns -0 into 0: the CSV cannot spell -0.)
          const kept = rows.map((r, i) => ({ ...r, keep: i < 2 || i === rows.length - 1 || r.keep }));
          const text = csv(...kept.flatMap((r, i) => (r.keep ? [`${startSeconds + i * stepMinutes * 60},${r.value}`] : [])));
          const result = parseTraceCsv(text);
          expect(result.ok).toBe(true);
          if (!result.ok) return;
          expect(result.series.start).toBe(startSeconds * 1000);
          expect(result.series.stepMs).toBe(stepMinutes * MIN);
          expect(result.series.values).toEqual(kept.map((r) => (r.keep ? r.value : NaN)));
          expect(result.missingRows).toBe(kept.filter((r) => !r.keep).length);
        },
      ),
    );
  });
});

describe('the shipped traces (../shared/data/traces)', () => {
  const dir = new URL('../../../shared/data/traces/', import.meta.url);
  // Lengths are the data rows of each file (none has gaps: the sources' isolated gaps were
  // interpolated, ../shared/data/README.md).
  const expected: Record<string, { stepMinutes: number; length: number }> = {
    'alibaba2018_cluster_cpu_5min_RELTIME.csv': { stepMinutes: 5, length: 2243 },
    'aws_elb_request_count_5min.csv': { stepMinutes: 5, length: 4040 },
    'azure_v2_vm_cpu_total_5min_RELTIME.csv': { stepMinutes: 5, length: 8640 },
    'nasa_http_jul1995_1min.csv': { stepMinutes: 1, length: 39693 },
    'nyc_taxi_passengers_30min.csv': { stepMinutes: 30, length: 10320 },
    'twitter_volume_AAPL_5min.csv': { stepMinutes: 5, length: 15902 },
  };

  it('has exactly the files this test knows', () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.csv')).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s parses with the expected step and length', (file, { stepMinutes, length }) => {
    const result = parseTraceCsv(readFileSync(new URL(file, dir), 'utf8'), file);
    if (!result.ok) throw new Error(result.error);
    expect(result.series.stepMs).toBe(stepMinutes * MIN);
    expect(result.series.values).toHaveLength(length);
    expect(result.missingRows).toBe(0);
    expect(result.series.values.every(Number.isFinite)).toBe(true);
  });
});
