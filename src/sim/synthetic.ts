// Small synthetic load traces with known shapes, for tests and demos: a daily cycle with
// seeded noise, and a step. Deterministic (seeded), so a simulation over them is exactly
// repeatable.

import type { RegularSeries } from '../forecast/series.js';
import { DAY } from '../spec/duration.js';
import { mulberry32 } from '../spec/random.js';
import { millis } from '../spec/units.js';

export interface DailyTraceOptions {
  readonly days: number;
  /** Trace step, ms (e.g. 300 000). */
  readonly stepMs: number;
  /** Mean rate, rps. */
  readonly base: number;
  /** Peak-to-mean swing of the daily sine, rps (≤ base keeps it non-negative). */
  readonly amplitude: number;
  /** Relative noise: each point × (1 + noise · u), u uniform in [−1, 1). */
  readonly noise?: number;
  readonly seed?: number;
  readonly start?: number;
}

/** Requests per step (the `perStep` unit) of a daily sine around `base` rps, trough at midnight. */
export function dailyTrace(options: DailyTraceOptions): RegularSeries {
  const { days, stepMs, base, amplitude } = options;
  const random = mulberry32(options.seed ?? 1);
  const noise = options.noise ?? 0;
  const perDay = DAY / stepMs;
  const values = Array.from({ length: Math.round(days * perDay) }, (_, i) => {
    const rate = base - amplitude * Math.cos((2 * Math.PI * i) / perDay);
    return Math.max(0, rate * (1 + noise * (2 * random() - 1))) * (stepMs / 1000);
  });
  return { start: millis(options.start ?? 0), stepMs, values };
}

/** Requests per step: `low` rps for `at` steps, then `high` rps, `length` steps in all. */
export function stepTrace(length: number, at: number, low: number, high: number, stepMs: number, start = 0): RegularSeries {
  const values = Array.from({ length }, (_, i) => (i < at ? low : high) * (stepMs / 1000));
  return { start: millis(start), stepMs, values };
}
