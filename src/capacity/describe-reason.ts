// A planner reason (decision.ts) as one sentence with its numbers, for `rollcast explain`
// and anything else that shows people why a deployment has the replicas it has. Pure: the
// decision's time and the spec metric (for the unit) come in as arguments.
//
// Example, a forecast reason at 14:03 with a 2m buffer and a 10s tick:
//   forecast q0.9: 1 340 req/s at 14:05 (highest over the next 2m10s, buffer 2m) ÷ 140 req/s per replica → 10 replicas
// Times of day are UTC (the caller prints each decision's full ISO-8601 time beside them).

import { formatDuration } from '../spec/duration.js';
import type { ScalingMetric } from '../spec/types.js';
import { assertNever } from '../spec/units.js';
import type { Reason } from './decision.js';

export interface ReasonContext {
  /** When the decision was made (controller clock, epoch ms): "the next 2m10s" is counted from it. */
  now: number;
  /** The spec metric, naming the unit of loads; unknown → loads are written without a unit. */
  metric?: ScalingMetric;
}

/** The unit of loads in `metric` ('' when unknown), as it follows a number: `req/s`, `in flight`, `% CPU`. */
export function loadUnit(metric: ScalingMetric | undefined): string {
  switch (metric) {
    case undefined:
      return '';
    case 'rps':
      return 'req/s';
    case 'concurrency':
      return 'in flight';
    case 'cpu':
      return '% CPU';
    default:
      return assertNever(metric, 'metric');
  }
}

/**
 * Numbers for sentences: thousands grouped with a space (1 340), integers from 100 up,
 * otherwise at most 2 decimals without trailing zeros (0.95, 1.07, 12.5). Rounding is
 * toFixed's (half away from zero on the decimal value), which is all a sentence needs.
 */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const text = Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(2).replace(/\.?0+$/, '');
  const [int = '', frac] = text.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** `14:05`, or `14:05:30` when the seconds are not zero (UTC). */
export function clockTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.slice(17, 19) === '00' ? iso.slice(11, 16) : iso.slice(11, 19);
}

/** A duration to the second (`2m10s`, not `2m9s760ms`); under a second as it is. */
export function roughDuration(ms: number): string {
  return formatDuration(Math.abs(ms) >= 1000 ? Math.round(ms / 1000) * 1000 : ms);
}

/** `1 340 req/s`, or just `1 340` when the unit is unknown. */
function amount(v: number, unit: string): string {
  return unit === '' ? formatNumber(v) : `${formatNumber(v)} ${unit}`;
}

const replicaCount = (n: number): string => `${n} ${n === 1 ? 'replica' : 'replicas'}`;
const withNote = (text: string, note: string | undefined): string => (note === undefined || note === '' ? text : `${text} (${note})`);

/** One reason as a sentence (no trailing period). */
export function describeReason(reason: Reason, ctx: ReasonContext): string {
  const unit = loadUnit(ctx.metric);
  switch (reason.source) {
    case 'forecast': {
      // For the cpu metric the forecast is a request rate, turned into replicas through the
      // learned load → CPU relation (decision.ts), so its unit is req/s there.
      const u = ctx.metric === 'cpu' ? 'req/s' : unit;
      const window: string[] = [];
      if (reason.windowEnd !== undefined) window.push(`highest over the next ${roughDuration(Math.max(0, reason.windowEnd - ctx.now))}`);
      if (reason.bufferMs !== undefined) window.push(`buffer ${roughDuration(reason.bufferMs)}`);
      if (reason.median !== undefined && reason.multiplier !== undefined) {
        window.push(`median ${amount(reason.median, u)} × headroom ${formatNumber(reason.multiplier)}`);
      }
      return (
        `forecast q${reason.q}: ${amount(reason.load, u)} at ${clockTime(reason.at)}${window.length > 0 ? ` (${window.join(', ')})` : ''}` +
        ` ÷ ${amount(reason.perReplica, u)} per replica → ${replicaCount(reason.replicas)}` +
        (reason.ledScaleIn === true ? '; it led a scale-in (the observed load agreed, so the scale-down stabilization and cooldown were skipped)' : '')
      );
    }
    case 'reactive': {
      const per = reason.observedPerReplica === undefined ? '' : ` (${amount(reason.observedPerReplica, unit)} per replica)`;
      return withNote(
        `reactive: observed ${amount(reason.observed, unit)}${per} against a target of ${amount(reason.perReplica, unit)} per replica,` +
          ` ratio ${formatNumber(reason.ratio)} → ${replicaCount(reason.replicas)}`,
        reason.note,
      );
    }
    case 'burst':
      return reason.untilMs === undefined
        ? `burst: observed ${amount(reason.observed, unit)} is more than twice the ready capacity of ${amount(reason.readyCapacity, unit)}` +
            ` → ${replicaCount(reason.replicas)}, no scaling down while it lasts`
        : `burst: still in burst mode until ${clockTime(reason.untilMs)} unless load rises again (observed ${amount(reason.observed, unit)},` +
            ` ready capacity ${amount(reason.readyCapacity, unit)}) → ${replicaCount(reason.replicas)}, no scaling down`;
    case 'tolerance':
      return withNote(
        `tolerance: ratio ${formatNumber(reason.ratio)} is within ±${formatNumber(reason.tolerance * 100)} % of the target, so no reactive change`,
        reason.note,
      );
    case 'stabilization': {
      const pick = reason.direction === 'up' ? 'lowest' : 'highest';
      return (
        `stabilization: the scale-${reason.direction} window of ${roughDuration(reason.windowMs)} held the reactive part at ${reason.held}` +
        ` (recommended ${reason.recommended}; the ${pick} recommendation in the window wins)`
      );
    }
    case 'cooldown':
      return `cooldown: no scale-${reason.direction} until ${clockTime(reason.untilMs)} (the last one was too recent), held at ${reason.held}`;
    case 'scale-in-disabled':
      return `scale-in disabled: the reactive part may not remove replicas, held at ${reason.held}`;
    case 'bounds':
      return `bounds: ${reason.unclamped} is outside [${reason.min}, ${reason.max}] → ${replicaCount(reason.replicas)}`;
    case 'forecast-only':
      return `forecast only: the forecast would set ${replicaCount(reason.wouldBe)} (recorded, not acted on)`;
    case 'no-forecast':
      return `no forecast: ${reason.why}`;
    case 'cpu-model':
      return (
        `cpu model: CPU % per replica = ${formatNumber(reason.slope)} × (req/s per replica) ${reason.intercept < 0 ? '−' : '+'} ${formatNumber(Math.abs(reason.intercept))}` +
        `, learned from ${reason.samples} ${reason.samples === 1 ? 'sample' : 'samples'}`
      );
    default:
      return assertNever(reason, 'reason');
  }
}
