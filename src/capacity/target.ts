// What one replica should carry, and how a load becomes a whole number of replicas. Every
// part of the planner (forecast, reactive ratio, burst) divides by the same target, so it
// is defined once here.

import type { ScalingTarget } from '../spec/types.js';

/**
 * Desired load per replica = valuePerReplica × utilization, in the metric's unit.
 * Example: rps, 200 req/s per replica at utilization 0.7 → 140 req/s; cpu, 100 % × 0.7 → 70 %.
 */
export function targetPerReplica(target: ScalingTarget): number {
  return target.valuePerReplica * target.utilization;
}

/**
 * Relative slack forgiven before rounding up: (15 × 0.7) / 0.7 is 15.000000000000002 and
 * 100 × 1.1 is 110.00000000000001 in doubles, and a rounding error in the last bit must not
 * cost a whole replica.
 */
const SLACK = 1e-9;

/**
 * ⌈x⌉ for replica counts, forgiving floating-point noise; never below 0. Monotone in x.
 * Examples: 15.000000000000002 → 15, 2.01 → 3, −1 → 0.
 */
export function ceilReplicas(x: number): number {
  return Math.max(0, Math.ceil(x - SLACK * Math.max(1, Math.abs(x))));
}

/** `x` clamped into [min, max] (max wins when min > max, which a valid spec never has). */
export function clamp(x: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, x));
}
