// Reads a load trace (`timestamp,value` CSV, the format of ../shared/data/traces and of
// `rollcast forecast --trace`) into a RegularSeries. Pure: the caller reads the file and
// passes the text. Bad input is an expected outcome, so it is a result value whose error
// names the line and what is wrong (`line 17: value "abc" is not a number`).
//
// Rules, in the order they are checked:
// - header `timestamp,value`, case-insensitive, fields trimmed; a UTF-8 BOM is ignored;
// - blank lines are allowed only at the end of the file;
// - timestamps: ISO-8601 `YYYY-MM-DD[(T| )hh:mm[:ss[.fff]]][Z|±hh:mm]`, where no zone means
//   UTC (traces carry no zone and the machine's zone must not change a forecast); or epoch
//   numbers, seconds when |n| < 1e11 and milliseconds otherwise (1e11 s is the year 5138,
//   1e11 ms is March 1973, so every realistic trace is read right);
// - values: finite decimal numbers; an empty value is an error — a gap is a missing row;
// - timestamps strictly increasing on the grid set by the first difference; a gap of exactly
//   k steps is filled with k − 1 NaN and counted in `missingRows`; anything else is an error.
//   A file whose second row is missing therefore reads at twice the step and fails at the
//   first row between grid points — saying so is better than guessing a step.

import { millis } from '../spec/units.js';
import { formatDuration } from '../spec/duration.js';
import type { RegularSeries } from './series.js';

export type TraceCsvResult =
  | { ok: true; series: RegularSeries; missingRows: number }
  | { ok: false; error: string };

/** Refuse to build series longer than this: a typo in a year would otherwise allocate gigabytes. */
export const MAX_TRACE_POINTS = 10_000_000;

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const EPOCH = /^[+-]?\d+(?:\.\d+)?$/;
// Plain decimal numbers only: Number() alone would accept '', ' ', '0x1F', 'Infinity'.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i;
const EPOCH_SECONDS_BELOW = 1e11;

/** Epoch milliseconds of a timestamp field, or why it is not one. */
export function parseTimestamp(text: string): { ok: true; ms: number } | { ok: false; why: string } {
  if (EPOCH.test(text)) {
    const n = Number(text);
    // Fractional seconds or milliseconds round to the nearest millisecond.
    const ms = Math.round(Math.abs(n) < EPOCH_SECONDS_BELOW ? n * 1000 : n);
    return Number.isSafeInteger(ms) ? { ok: true, ms } : { ok: false, why: 'is out of range' };
  }
  const m = ISO.exec(text);
  if (m === null) return { ok: false, why: 'is neither ISO-8601 (2024-05-01T12:00:00Z) nor epoch seconds/milliseconds' };
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1, 7).map((s) => Number(s ?? 0));
  const fraction = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  if (month === undefined || month < 1 || month > 12) return { ok: false, why: 'has a month outside 01–12' };
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, why: 'has a time of day out of range' };
  const local = Date.UTC(year ?? 0, month - 1, day ?? 0, hour, minute, second, fraction);
  // Date.UTC rolls 2024-02-30 over to March; a round trip of the date catches that.
  const check = new Date(Date.UTC(year ?? 0, month - 1, day ?? 0));
  if (check.getUTCDate() !== day || check.getUTCMonth() !== month - 1) return { ok: false, why: 'is not a calendar date' };
  return { ok: true, ms: local - zoneOffsetMs(m[8]) };
}

/** Offset east of UTC in ms for `Z`, `+02:00`, `-0530`; none given → 0 (UTC, see header). */
function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const digits = zone.replace(':', '');
  const sign = digits.startsWith('-') ? -1 : 1;
  return sign * (Number(digits.slice(1, 3)) * 60 + Number(digits.slice(3, 5))) * 60_000;
}

/** Parses the CSV text; `source` (a file name) prefixes error messages when given. */
export function parseTraceCsv(text: string, source?: string): TraceCsvResult {
  const fail = (error: string): TraceCsvResult => ({ ok: false, error: source === undefined ? error : `${source}: ${error}` });
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && (lines[lines.length - 1] ?? '').trim() === '') lines.pop();

  const header = (lines[0] ?? '').split(',').map((f) => f.trim().toLowerCase());
  if (header.length !== 2 || header[0] !== 'timestamp' || header[1] !== 'value') {
    return fail(`line 1: header must be "timestamp,value", found "${(lines[0] ?? '').trim()}"`);
  }
  if (lines.length < 3) return fail(`found ${lines.length - 1} data row(s); need at least 2 to know the step`);

  const values: number[] = [];
  let start = 0;
  let step = 0;
  let previous = 0;
  let previousLine = 0;
  let missingRows = 0;
  for (let index = 1; index < lines.length; index++) {
    const lineNo = index + 1; // 1-based, the header is line 1
    const line = lines[index] ?? '';
    if (line.trim() === '') return fail(`line ${lineNo}: empty line inside the data`);
    const fields = line.split(',');
    if (fields.length !== 2) return fail(`line ${lineNo}: expected 2 fields (timestamp,value), found ${fields.length}`);
    const stampText = (fields[0] ?? '').trim();
    const valueText = (fields[1] ?? '').trim();

    const stamp = parseTimestamp(stampText);
    if (!stamp.ok) return fail(`line ${lineNo}: timestamp "${stampText}" ${stamp.why}`);
    if (valueText === '') return fail(`line ${lineNo}: value is empty (leave a gap out as a missing row instead)`);
    const value = Number(valueText);
    if (!DECIMAL.test(valueText)) return fail(`line ${lineNo}: value "${valueText}" is not a number`);
    if (!Number.isFinite(value)) return fail(`line ${lineNo}: value "${valueText}" is too large`);

    const t = stamp.ms;
    if (index === 1) {
      start = t;
    } else {
      const diff = t - previous;
      if (diff <= 0) return fail(`line ${lineNo}: timestamp "${stampText}" is not after line ${previousLine}'s`);
      if (index === 2) step = diff;
      if (diff % step !== 0) {
        return fail(`line ${lineNo}: timestamp "${stampText}" is off the ${formatDuration(step)} grid set by lines 2–3`);
      }
      const missing = diff / step - 1;
      if (values.length + missing >= MAX_TRACE_POINTS) {
        return fail(`line ${lineNo}: a gap of ${missing} steps would make the series longer than ${MAX_TRACE_POINTS} points`);
      }
      for (let k = 0; k < missing; k++) values.push(NaN);
      missingRows += missing;
    }
    values.push(value);
    previous = t;
    previousLine = lineNo;
  }
  return { ok: true, series: { start: millis(start), stepMs: step, values }, missingRows };
}
