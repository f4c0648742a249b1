// Shared helpers for the capacity tests: a scaling spec with the spec defaults (rps, 200 req/s
// per replica at 0.7 → 140 req/s, 1–10 replicas, HPA-style windows) and a typed way to vary
// it, plus a tiny controller loop that feeds each decision back as the next current count.
// (A test file, so it is never part of the built core; its one test checks the base.)
import { expect, it } from 'vitest';
import type { PredictiveSpec, ReactiveSpec, ScaleDirection, ScalingSpec, ScalingTarget } from '../spec/types.js';
import { millis, type Millis } from '../spec/units.js';
import type { Decision } from './decision.js';
import { decide, initialPlannerState, type PlannerInput, type PlannerState } from './planner.js';

export interface SpecPatch {
  replicas?: number;
  minReplicas?: number;
  maxReplicas?: number;
  target?: Partial<ScalingTarget>;
  predictive?: Partial<PredictiveSpec>;
  reactive?: Partial<Omit<ReactiveSpec, 'scaleUp' | 'scaleDown'>> & { scaleUp?: Partial<ScaleDirection>; scaleDown?: Partial<ScaleDirection> };
}

export function scalingSpec(patch: SpecPatch = {}): ScalingSpec {
  const minReplicas = patch.minReplicas ?? 1;
  return {
    replicas: patch.replicas ?? minReplicas,
    minReplicas,
    maxReplicas: patch.maxReplicas ?? 10,
    target: { metric: 'rps', valuePerReplica: 200, utilization: 0.7, ...patch.target },
    predictive: {
      mode: 'ForecastAndScale',
      quantile: 0.9,
      historyMs: millis(14 * 86_400_000),
      horizonMs: millis(2 * 86_400_000),
      schedulingBuffer: { kind: 'fixed', durationMs: millis(120_000) },
      maxCapacityBreach: 'HonorMaxCapacity',
      maxCapacityBuffer: 0,
      ...patch.predictive,
    },
    reactive: {
      tolerance: patch.reactive?.tolerance ?? 0.1,
      disableScaleIn: patch.reactive?.disableScaleIn ?? false,
      scaleUp: { stabilizationMs: millis(0), cooldownMs: millis(60_000), ...patch.reactive?.scaleUp },
      scaleDown: { stabilizationMs: millis(300_000), cooldownMs: millis(300_000), ...patch.reactive?.scaleDown },
    },
  };
}

/** No windows, no cooldowns: the raw ratio acts at once (for tests of one mechanism at a time). */
export const instant: SpecPatch['reactive'] = {
  scaleUp: { stabilizationMs: millis(0), cooldownMs: millis(0) },
  scaleDown: { stabilizationMs: millis(0), cooldownMs: millis(0) },
};

export interface Tick {
  t: number;
  load: number;
  /** Ready replicas; default: all of the current ones. */
  ready?: number;
  rps?: number;
  forecast?: PlannerInput['forecast'];
  forecastMedian?: PlannerInput['forecastMedian'];
  warmupP95Ms?: number;
}

/**
 * Runs ticks in order, starting at `current` replicas; each decision becomes the next tick's
 * current count (an ideal target that starts replicas instantly unless `ready` says otherwise).
 */
export function simulate(spec: ScalingSpec, current: number, ticks: readonly Tick[], state: PlannerState = initialPlannerState(), tickMs = 10_000): { decisions: Decision[]; state: PlannerState } {
  const decisions: Decision[] = [];
  let s = state;
  let cur = current;
  for (const k of ticks) {
    const out = decide(
      {
        spec,
        now: millis(k.t),
        tickMs,
        observed: { load: k.load, rps: k.rps, readyReplicas: k.ready ?? cur, currentReplicas: cur },
        forecast: k.forecast,
        ...(k.forecastMedian !== undefined && { forecastMedian: k.forecastMedian }),
        warmupP95Ms: k.warmupP95Ms,
      },
      s,
    );
    decisions.push(out.decision);
    s = out.state;
    cur = out.decision.replicas;
  }
  return { decisions, state: s };
}

/** Ticks every `stepMs` from `from` (inclusive) to `to` (exclusive) at a constant load. */
export function steady(from: number, to: number, load: number, stepMs = 10_000): Tick[] {
  const out: Tick[] = [];
  for (let t = from; t < to; t += stepMs) out.push({ t, load });
  return out;
}

export const at = (ms: number): Millis => millis(ms);

it('the base spec is the documented default shape', () => {
  const s = scalingSpec();
  expect(s.target.valuePerReplica * s.target.utilization).toBeCloseTo(140, 12);
  expect([s.minReplicas, s.maxReplicas, s.reactive.scaleDown.stabilizationMs]).toEqual([1, 10, 300_000]);
});
