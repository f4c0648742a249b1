// The AWS model: hourly aggregation, the fallback forecast, the predictive floor in place
// 300 s before the hour and never scaling in, and target tracking's slow scale-in.
import { describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE } from '../spec/duration.js';
import { millis } from '../spec/units.js';
import { awsForecast, awsPolicy, hourlyMeans, sameHourMean } from './aws.js';
import { prepareTrace, simulate } from './simulate.js';
import { dailyTrace } from './synthetic.js';

describe('hourlyMeans', () => {
  it('aligns to clock hours and drops partial ones', () => {
    const rps = { start: millis(30 * MINUTE), stepMs: 30 * MINUTE, values: [1, 2, 4, 6, 8] };
    expect(hourlyMeans(rps, 14 * DAY)).toEqual({ start: HOUR, stepMs: HOUR, values: [3, 7] });
  });
  it('keeps the last `historyMs` only; rejects a step that does not divide an hour', () => {
    const rps = { start: millis(0), stepMs: HOUR, values: [1, 2, 3, 4] };
    expect(hourlyMeans(rps, 2 * HOUR)).toEqual({ start: 2 * HOUR, stepMs: HOUR, values: [3, 4] });
    expect(hourlyMeans({ start: millis(0), stepMs: 7 * MINUTE, values: [1] }, DAY)).toBeUndefined();
  });
});

describe('sameHourMean', () => {
  it('averages the same clock hour over past days', () => {
    const day = Array.from({ length: 24 }, (_, h) => h);
    const hourly = { start: millis(0), stepMs: HOUR, values: [...day, ...day.map((v) => v + 2)] };
    expect(sameHourMean(hourly, 3)).toEqual([1, 2, 3]);
  });
});

describe('awsForecast', () => {
  it('needs 24 hours; then forecasts 48 hourly values from the end of the last full hour', () => {
    const trace = dailyTrace({ days: 3, stepMs: 5 * MINUTE, base: 500, amplitude: 300 });
    const rps = prepareTrace(trace, MINUTE).rps;
    expect(awsForecast({ ...rps, values: rps.values.slice(0, 12 * 23) }, { historyMs: 14 * DAY, horizonHours: 48 })).toBeUndefined();
    const fc = awsForecast(rps, { historyMs: 14 * DAY, horizonHours: 48 });
    expect(fc?.start).toBe(3 * DAY);
    expect(fc?.values).toHaveLength(48);
    // The daily cycle continues: the hour around noon (11:00–12:00 mean ≈ 790) above the night hour.
    expect(fc?.values[11] ?? 0).toBeGreaterThan(700);
    expect(fc?.values[0] ?? 0).toBeLessThan(300);
  });
});

describe('aws-like', () => {
  // Three days of a daily cycle; the third is scored. perReplica 100 → 70 rps target.
  const trace = prepareTrace(dailyTrace({ days: 3, stepMs: 5 * MINUTE, base: 500, amplitude: 300 }), MINUTE);
  const base = { trace, perReplica: 100, warmupMs: 2 * MINUTE, initialReplicas: 3, start: 2 * DAY - HOUR, evalStart: 2 * DAY };

  it('raises capacity ahead of the rising hours and never lets it fall below the predictive floor', () => {
    const r = simulate({ ...base, policy: awsPolicy() });
    // The morning ramp: with the forecast, capacity at 08:00 is in place before the load arrives.
    const at = (t: number) => (t - r.series.start) / MINUTE;
    const eightAm = at(2 * DAY + 8 * HOUR);
    const neededAt8 = Math.ceil((r.series.load[eightAm] as number) / 70);
    expect(r.series.desired[eightAm - 5]).toBeGreaterThanOrEqual(neededAt8 - 1);
    expect(r.totals.unserved / r.totals.arrivals).toBeLessThan(0.01);
  });

  it('scales in only after 15 low minutes, at most every 5 minutes', () => {
    // A flat 140 rps trace with 10 replicas (20 % utilization), no forecast yet (under 24 h).
    const flat = prepareTrace({ start: millis(0), stepMs: MINUTE, values: Array<number>(40).fill(140) }, MINUTE, 'perSecond');
    const r = simulate({ trace: flat, perReplica: 100, warmupMs: 0, initialReplicas: 10, policy: awsPolicy() });
    const firstDrop = r.series.desired.findIndex((d) => d < 10);
    // Observations start at tick 1; the 15th low point is seen at tick 15.
    expect(firstDrop).toBe(15);
    expect(r.series.desired[firstDrop]).toBe(2);
  });
});
