// `aws-like`: AWS EC2 Auto Scaling predictive scaling together with target tracking, as
// documented (Auto Scaling user guide, "How predictive scaling works"; API
// PredictiveScalingConfiguration), on a load metric in requests per second:
//
// Predictive part
// - load history: the last 14 days, aggregated to hours (mean rps per clock hour);
// - a forecast for the next 48 hours, refreshed every 6 hours (the documented update
//   interval); none before 24 hours of history exist;
// - capacity for each hour = ceil(hour's forecast / (perReplica × 0.7)), the same target as
//   the target tracking policy, put in place `schedulingBuffer` (300 s, the default) before
//   the hour starts;
// - predictive scaling never scales in: its capacity is a floor under the group.
// AWS forecasts with its own model. We run ours (forecast.ts, engines from the caller) on
// exactly AWS's inputs — hourly points, 14 days, 48 h ahead — and use its point forecast, as
// AWS provisions for a point forecast; when our forecaster says the history is too short, the
// mean of the same clock hour over the days seen stands in. So `aws-like` differs from ours
// in what AWS fixes (hourly resolution, point forecast, 6-hourly updates, a fixed 70 % target,
// no predictive scale-in), not in forecasting skill.
//
// Target tracking part (utilization = load / (ready × perReplica), 70 % target)
// - scale out when utilization > 70 % for 3 consecutive 1-minute points (the high alarm), to
//   ceil(load / (perReplica × 0.7)) — replicas still warming up count toward the current
//   capacity, not toward the metric;
// - scale in when utilization < 63 % (90 % of target) for 15 consecutive 1-minute points (the
//   low alarm), not while replicas are warming up, at most once per 300 s cooldown, to the
//   same formula — never below the predictive floor.
// Alarm lengths are rounded to whole ticks (at least one).

import { forecast } from '../forecast/forecast.js';
import type { ForecastEngines } from '../forecast/engines.js';
import { aggregate, type RegularSeries } from '../forecast/series.js';
import { DAY, HOUR, MINUTE } from '../spec/duration.js';
import { millis } from '../spec/units.js';
import { hold, type Policy } from './policy.js';

export interface AwsOptions {
  readonly engines?: ForecastEngines;
  readonly utilization?: number;
  readonly schedulingBufferMs?: number;
  readonly refitEveryMs?: number;
  readonly historyMs?: number;
  readonly horizonHours?: number;
  readonly cooldownMs?: number;
}

export interface HourlyForecast {
  /** The first forecast hour's start. */
  readonly start: number;
  /** Mean rps per hour. */
  readonly values: readonly number[];
}

export interface AwsState {
  readonly perReplica: number;
  readonly target: number;
  readonly highTicks: number;
  readonly lowTicks: number;
  readonly highStreak: number;
  readonly lowStreak: number;
  readonly lastScaleIn?: number;
  readonly fittedAt?: number;
  readonly forecast?: HourlyForecast;
}

/**
 * Mean rps per clock hour over the last `historyMs`: leading points up to the first hour
 * boundary are dropped, a trailing partial hour too. Undefined when the step does not divide
 * an hour. Worked example: 30-minute steps from 00:30, rps [1, 2, 4, 6, 8] → hours from 01:00:
 * [3, 7] (the 08 of 03:00 is a partial hour).
 */
export function hourlyMeans(rps: RegularSeries, historyMs: number): RegularSeries | undefined {
  const step = rps.stepMs;
  if (step > HOUR || HOUR % step !== 0) return undefined;
  // Points to skip up to the first hour boundary (rounded up when the grid is off the hour).
  const skip = Math.ceil((((HOUR - (rps.start % HOUR)) % HOUR) / step) - 1e-9);
  const aligned: RegularSeries = { start: millis(rps.start + skip * step), stepMs: step, values: rps.values.slice(skip) };
  const hourly = aggregate(aligned, HOUR / step, 'mean');
  const keep = Math.floor(historyMs / HOUR);
  const drop = Math.max(0, hourly.values.length - keep);
  return { start: millis(hourly.start + drop * HOUR), stepMs: HOUR, values: hourly.values.slice(drop) };
}

/** Mean of the same clock hour over the days seen (NaN skipped); `horizon` hours from the series' end. */
export function sameHourMean(hourly: RegularSeries, horizon: number): number[] {
  const n = hourly.values.length;
  return Array.from({ length: horizon }, (_, h) => {
    let sum = 0;
    let count = 0;
    for (let i = n + h - 24; i >= 0; i -= 24) {
      const v = hourly.values[i];
      if (i < n && v !== undefined && !Number.isNaN(v)) {
        sum += v;
        count++;
      }
    }
    return count > 0 ? sum / count : NaN;
  });
}

/** The AWS-style hourly load forecast, or undefined with less than 24 hours of history. */
export function awsForecast(rps: RegularSeries, options: { historyMs: number; horizonHours: number; engines?: ForecastEngines }): HourlyForecast | undefined {
  const hourly = hourlyMeans(rps, options.historyMs);
  if (hourly === undefined || hourly.values.filter((v) => !Number.isNaN(v)).length < 24) return undefined;
  const start = hourly.start + hourly.values.length * HOUR;
  const outcome = forecast({ series: hourly, horizonSteps: options.horizonHours, quantiles: [0.5], nonNegative: true, ...(options.engines && { engines: options.engines }) });
  const values = outcome.ok ? outcome.forecast.mean : sameHourMean(hourly, options.horizonHours);
  return { start, values };
}

export function awsPolicy(options: AwsOptions = {}): Policy<AwsState> {
  const utilization = options.utilization ?? 0.7;
  const buffer = options.schedulingBufferMs ?? 300_000;
  const refitEvery = options.refitEveryMs ?? 6 * HOUR;
  const historyMs = options.historyMs ?? 14 * DAY;
  const horizonHours = options.horizonHours ?? 48;
  const cooldown = options.cooldownMs ?? 300_000;
  return {
    name: 'aws-like',
    init: (setup) => ({
      perReplica: setup.perReplica,
      target: setup.perReplica * utilization,
      highTicks: Math.max(1, Math.round((3 * MINUTE) / setup.tickMs)),
      lowTicks: Math.max(1, Math.round((15 * MINUTE) / setup.tickMs)),
      highStreak: 0,
      lowStreak: 0,
    }),
    step(state, observation, history) {
      const { now, load, ready, starting, current } = observation;
      let next: AwsState = state;
      if (state.fittedAt === undefined || now - state.fittedAt >= refitEvery) {
        const fc = awsForecast(history.trace(), { historyMs, horizonHours, ...(options.engines && { engines: options.engines }) });
        next = { ...next, fittedAt: now, ...(fc && { forecast: fc }) };
      }
      if (Number.isNaN(load)) return hold(next, observation);

      // Predictive floor: the hour that starts within the scheduling buffer is in force.
      let floor = 0;
      if (next.forecast !== undefined) {
        const hour = Math.floor((now + buffer) / HOUR) * HOUR;
        const v = next.forecast.values[(hour - next.forecast.start) / HOUR];
        if (v !== undefined && !Number.isNaN(v)) floor = Math.ceil(v / next.target - 1e-9);
      }

      const utilizationNow = ready > 0 ? load / (ready * state.perReplica) : Number.POSITIVE_INFINITY;
      const highStreak = utilizationNow > utilization ? next.highStreak + 1 : 0;
      const lowStreak = utilizationNow < 0.9 * utilization ? next.lowStreak + 1 : 0;
      const wanted = Math.ceil(load / next.target - 1e-9);
      let tracked = current;
      let lastScaleIn = next.lastScaleIn;
      if (highStreak >= next.highTicks) {
        tracked = Math.max(current, wanted);
      } else if (lowStreak >= next.lowTicks && starting === 0 && (lastScaleIn === undefined || now - lastScaleIn >= cooldown) && Math.max(wanted, floor) < current) {
        tracked = wanted;
        lastScaleIn = now;
      }
      next = { ...next, highStreak, lowStreak, ...(lastScaleIn !== undefined && { lastScaleIn }) };
      return { state: next, desired: Math.max(tracked, floor) };
    },
  };
}
