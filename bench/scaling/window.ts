// Which part of a trace the scaling benchmark scores (issue 4, "Benchmark: bench/scaling"):
// the last 7 days, everything before as history. A trace shorter than 8 days keeps at least
// 1 day of history and scores what is left (rounded down to whole ticks), and the report says
// so; a trace of at most 1 day cannot be scored. Pure.

import { DAY } from '../../src/spec/duration.js';

export const EVAL_MS = 7 * DAY;
export const MIN_HISTORY_MS = DAY;

export type EvalWindow =
  | { readonly ok: true; readonly evalMs: number; readonly shortened: boolean }
  | { readonly ok: false; readonly why: string };

/** The scored window's length for a trace spanning `spanMs` (points × step), on `tickMs` ticks. */
export function evalWindow(spanMs: number, tickMs: number): EvalWindow {
  if (spanMs >= EVAL_MS + MIN_HISTORY_MS) return { ok: true, evalMs: EVAL_MS, shortened: false };
  const evalMs = Math.floor((spanMs - MIN_HISTORY_MS) / tickMs) * tickMs;
  if (evalMs <= 0) return { ok: false, why: `spans ${(spanMs / DAY).toFixed(2)} days: nothing is left to score after 1 day of history` };
  return { ok: true, evalMs, shortened: true };
}
