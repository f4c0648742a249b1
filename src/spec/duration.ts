// Durations as written in specs (`30s`, `5m`, `1h30m`, `14d`) and their one conversion to
// milliseconds. Everything downstream of the spec sees `Millis` numbers only; this module is
// the single place where unit suffixes are understood.
//
// Grammar: one or more `<digits><unit>` groups, units ms | s | m | h | d | w, each unit at most
// once and from largest to smallest (`1h30m`, not `30m1h`). Deliberately stricter than Go's
// time.ParseDuration: no fractions (`1.5h` → write `1h30m`), no sign, no spaces, no bare
// numbers (a number without a unit is the classic seconds-or-milliseconds mistake), no upper
// case (`5M` could mean months).

import { millis, type Millis } from './units.js';

export const MILLISECOND = 1;
export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;

/** Units from largest to smallest; the order also defines the only accepted order in a string. */
const UNITS: ReadonlyArray<readonly [suffix: string, ms: number]> = [
  ['w', WEEK],
  ['d', DAY],
  ['h', HOUR],
  ['m', MINUTE],
  ['s', SECOND],
  ['ms', MILLISECOND],
];

/** For messages: what a valid duration looks like. */
export const DURATION_EXAMPLES = 'such as 250ms, 30s, 5m, 1h30m or 14d (units ms, s, m, h, d, w)';

export type DurationResult = { ok: true; ms: Millis } | { ok: false; reason: string };

/** Parses a duration, saying why it is not one when it is not. */
export function checkDuration(text: string): DurationResult {
  if (text === '') return { ok: false, reason: 'it is empty' };
  if (/^\s|\s$/.test(text) || /\d\s+[a-z]/i.test(text)) return { ok: false, reason: 'it contains spaces' };
  if (text.startsWith('-')) return { ok: false, reason: 'durations cannot be negative' };
  if (/^\d+$/.test(text)) return { ok: false, reason: `a bare number has no unit; write ${text}s or ${text}ms` };
  if (/\d[.,]\d/.test(text)) return { ok: false, reason: 'fractions are not allowed; write 1h30m rather than 1.5h' };

  // A fresh sticky regex per call: `lastIndex` is state, and a shared one would be shared state.
  // `ms` is tried before `m` and `s`, hence the alternation order; the lookahead stops `10min`
  // from reading as 10m followed by garbage, so the message can name the unit "min".
  const GROUP = /(\d+)(ms|s|m|h|d|w)(?=\d|$)/y;
  let total = 0;
  let lastRank = -1;
  while (GROUP.lastIndex < text.length) {
    const at = GROUP.lastIndex;
    const match = GROUP.exec(text);
    if (match === null) {
      const rest = text.slice(at);
      const unit = /^\d+([^\d]*)/.exec(rest)?.[1];
      return unit !== undefined && unit !== ''
        ? { ok: false, reason: `unknown unit "${unit}"` }
        : { ok: false, reason: /^\d+$/.test(rest) ? `"${rest}" has no unit` : `cannot read "${rest}"` };
    }
    const [, digits = '', suffix = ''] = match;
    const rank = UNITS.findIndex(([s]) => s === suffix);
    if (rank <= lastRank) return { ok: false, reason: 'units must go from largest to smallest, each at most once (e.g. 1h30m)' };
    lastRank = rank;
    total += Number(digits) * (UNITS[rank]?.[1] ?? 0);
  }
  if (!Number.isSafeInteger(total)) return { ok: false, reason: 'it is too large' };
  return { ok: true, ms: millis(total) };
}

/** `parseDuration('1h30m') === 5_400_000`; `undefined` when the text is not a valid duration. */
export function parseDuration(text: string): Millis | undefined {
  const result = checkDuration(text);
  return result.ok ? result.ms : undefined;
}

/**
 * Formats milliseconds in the same notation, largest units first, for messages:
 * 5_400_000 → `1h30m`, 0 → `0s`, 250 → `250ms`, 14 days → `14d`. Weeks are not used on
 * output because `14d` reads better than `2w` in this domain (AWS predictive scaling speaks
 * of 14 days of history); `parseDuration(formatDuration(n)) === n` for every safe integer
 * n ≥ 0. Negative values get a leading `-` and fractions are rounded to the nearest
 * millisecond, so the function never throws inside an error message.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 0) return `-${formatDuration(-ms)}`;
  let rest = Math.round(ms);
  if (rest === 0) return '0s';
  let out = '';
  for (const [suffix, size] of UNITS) {
    if (suffix === 'w') continue;
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${suffix}`;
      rest -= count * size;
    }
  }
  return out;
}
