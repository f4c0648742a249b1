import { describe, expect, it } from 'vitest';
import { millis } from '../spec/units.js';
import type { Reason, ReasonSource } from './decision.js';
import { clockTime, describeReason, formatNumber, loadUnit, roughDuration } from './describe-reason.js';

// The decision is made at 14:03:00 UTC.
const NOW = Date.UTC(2026, 10, 28, 14, 3);
const at = (h: number, m: number, s = 0): number => Date.UTC(2026, 10, 28, h, m, s);

// One row per reason source; the Record type makes a new source in decision.ts a compile
// error here until it has a row (the switch in describeReason has the same guard).
const rows: Record<ReasonSource, [Reason, string][]> = {
  forecast: [
    [
      // 2m buffer + a 10s tick: the window ends at 14:05:10, 2m10s after the decision.
      { source: 'forecast', q: 0.9, at: millis(at(14, 5)), load: 1340, perReplica: 140, replicas: 10, bufferMs: 120_000, windowEnd: millis(at(14, 5, 10)) },
      'forecast q0.9: 1 340 req/s at 14:05 (highest over the next 2m10s, buffer 2m) ÷ 140 req/s per replica → 10 replicas',
    ],
    [{ source: 'forecast', q: 0.95, at: millis(at(14, 5, 30)), load: 12.5, perReplica: 14, replicas: 1 }, 'forecast q0.95: 12.5 req/s at 14:05:30 ÷ 14 req/s per replica → 1 replica'],
    [
      // Adaptive headroom: load = median × multiplier = 1 000 × 1.34.
      { source: 'forecast', q: 0.9, at: millis(at(14, 5)), load: 1340, perReplica: 140, replicas: 10, median: 1000, multiplier: 1.34, ledScaleIn: true },
      'forecast q0.9: 1 340 req/s at 14:05 (median 1 000 req/s × headroom 1.34) ÷ 140 req/s per replica → 10 replicas;' +
        ' it led a scale-in (the observed load agreed, so the scale-down stabilization and cooldown were skipped)',
    ],
  ],
  reactive: [
    [
      { source: 'reactive', observed: 1500, perReplica: 140, ratio: 1.0714, replicas: 11, observedPerReplica: 150 },
      'reactive: observed 1 500 req/s (150 req/s per replica) against a target of 140 req/s per replica, ratio 1.07 → 11 replicas',
    ],
    [
      { source: 'reactive', observed: 0, perReplica: 140, ratio: 1, replicas: 3, note: 'no ready replica to measure' },
      'reactive: observed 0 req/s against a target of 140 req/s per replica, ratio 1 → 3 replicas (no ready replica to measure)',
    ],
  ],
  burst: [
    [
      { source: 'burst', observed: 3000, readyCapacity: 1400, replicas: 22 },
      'burst: observed 3 000 req/s is more than twice the ready capacity of 1 400 req/s → 22 replicas, no scaling down while it lasts',
    ],
    [
      { source: 'burst', observed: 1000, readyCapacity: 1400, replicas: 22, untilMs: at(14, 4) },
      'burst: still in burst mode until 14:04 unless load rises again (observed 1 000 req/s, ready capacity 1 400 req/s) → 22 replicas, no scaling down',
    ],
  ],
  tolerance: [
    [{ source: 'tolerance', ratio: 1.04, tolerance: 0.1 }, 'tolerance: ratio 1.04 is within ±10 % of the target, so no reactive change'],
    [{ source: 'tolerance', ratio: 0.97, tolerance: 0.05, note: 'warming up' }, 'tolerance: ratio 0.97 is within ±5 % of the target, so no reactive change (warming up)'],
  ],
  stabilization: [
    [
      { source: 'stabilization', direction: 'down', windowMs: 300_000, recommended: 8, held: 10 },
      'stabilization: the scale-down window of 5m held the reactive part at 10 (recommended 8; the highest recommendation in the window wins)',
    ],
    [
      { source: 'stabilization', direction: 'up', windowMs: 60_000, recommended: 12, held: 11 },
      'stabilization: the scale-up window of 1m held the reactive part at 11 (recommended 12; the lowest recommendation in the window wins)',
    ],
  ],
  cooldown: [[{ source: 'cooldown', direction: 'down', untilMs: at(14, 10), held: 10 }, 'cooldown: no scale-down until 14:10 (the last one was too recent), held at 10']],
  'scale-in-disabled': [[{ source: 'scale-in-disabled', held: 6 }, 'scale-in disabled: the reactive part may not remove replicas, held at 6']],
  bounds: [[{ source: 'bounds', min: 2, max: 6, unclamped: 8, replicas: 6 }, 'bounds: 8 is outside [2, 6] → 6 replicas']],
  'forecast-only': [[{ source: 'forecast-only', wouldBe: 12 }, 'forecast only: the forecast would set 12 replicas (recorded, not acted on)']],
  'no-forecast': [[{ source: 'no-forecast', why: 'need 1d of history, have 3h' }, 'no forecast: need 1d of history, have 3h']],
  'cpu-model': [
    [{ source: 'cpu-model', slope: 0.45, intercept: 3.2, samples: 120 }, 'cpu model: CPU % per replica = 0.45 × (req/s per replica) + 3.2, learned from 120 samples'],
    [{ source: 'cpu-model', slope: 0.5, intercept: -1, samples: 1 }, 'cpu model: CPU % per replica = 0.5 × (req/s per replica) − 1, learned from 1 sample'],
  ],
};

describe('describeReason (metric rps)', () => {
  it.each(Object.values(rows).flat())('%j', (reason, sentence) => {
    expect(describeReason(reason, { now: NOW, metric: 'rps' })).toBe(sentence);
  });
});

describe('units', () => {
  it.each([
    ['rps', 'req/s'],
    ['concurrency', 'in flight'],
    ['cpu', '% CPU'],
    [undefined, ''],
  ] as const)('loadUnit(%s) = %j', (metric, unit) => expect(loadUnit(metric)).toBe(unit));

  it('a forecast for the cpu metric is a request rate; reactive loads are CPU percent', () => {
    const forecast: Reason = { source: 'forecast', q: 0.9, at: millis(at(14, 5)), load: 600, perReplica: 120, replicas: 5 };
    expect(describeReason(forecast, { now: NOW, metric: 'cpu' })).toBe('forecast q0.9: 600 req/s at 14:05 ÷ 120 req/s per replica → 5 replicas');
    const reactive: Reason = { source: 'reactive', observed: 85, perReplica: 70, ratio: 1.21, replicas: 5 };
    expect(describeReason(reactive, { now: NOW, metric: 'cpu' })).toBe('reactive: observed 85 % CPU against a target of 70 % CPU per replica, ratio 1.21 → 5 replicas');
  });

  it('an unknown metric leaves the unit out', () => {
    const reason: Reason = { source: 'burst', observed: 30, readyCapacity: 12, replicas: 6 };
    expect(describeReason(reason, { now: NOW })).toBe('burst: observed 30 is more than twice the ready capacity of 12 → 6 replicas, no scaling down while it lasts');
  });

  it('a window that ended before the decision (clock skew) reads as 0s, not negative', () => {
    const reason: Reason = { source: 'forecast', q: 0.9, at: millis(NOW), load: 1, perReplica: 1, replicas: 1, windowEnd: millis(NOW - 5000) };
    expect(describeReason(reason, { now: NOW, metric: 'concurrency' })).toMatch(/highest over the next 0s\)/);
  });
});

describe('formatNumber and clockTime', () => {
  it.each([
    [1340, '1 340'],
    [1234567.8, '1 234 568'],
    [140, '140'],
    [99.999, '100'],
    [12.5, '12.5'],
    [1.0714, '1.07'],
    [1, '1'],
    [0, '0'],
    [0.004, '0'],
    [-1500, '-1 500'],
    [NaN, 'NaN'],
  ])('formatNumber(%d) = %j', (v, text) => expect(formatNumber(v)).toBe(text));

  it.each([
    [130_000, '2m10s'],
    [129_760, '2m10s'],
    [27_820, '28s'],
    [250, '250ms'],
    [0, '0s'],
  ])('roughDuration(%d) = %s', (ms, text) => expect(roughDuration(ms)).toBe(text));

  it.each([
    [at(14, 5), '14:05'],
    [at(9, 0, 30), '09:00:30'],
  ])('clockTime(%d) = %s', (ms, text) => expect(clockTime(ms)).toBe(text));
});
