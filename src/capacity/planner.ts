// The capacity planner: one controller tick's observations, the cached forecast and the
// planner's own memory in; a replica count with its reasons and the next memory out. Pure
// (ARCHITECTURE.md, functional core): time is `now`, memory is the returned state, which is a
// plain JSON object the shell persists between ticks.
//
// Order of work, each step adding its reasons:
//   1. predictive (predictive.ts): ⌈forecast max over [now, now + buffer + tick] / target⌉,
//      within [min, max] or the IncreaseMaxCapacity ceiling. ForecastOnly records it with a
//      `forecast-only` reason and does not act; Off skips it.
//   2. reactive (reactive.ts): the HPA ratio with tolerance → stabilization windows
//      (stabilization.ts) → cooldowns (cooldown.ts) → burst mode (burst.ts), which overrides
//      scale-up holds and forbids scale-down → disableScaleIn → within [min, max].
//   3. combined: the larger of the acting predictive part and the reactive part (AWS
//      predictive scaling with target tracking: "the larger of the two wins"). The count
//      falls only when both parts are below the current count, and the reactive part is below
//      it only after its scale-down stabilization window and cooldown have passed.
//
// disableScaleIn holds the reactive part at the current count when it decides alone; with
// ForecastAndScale acting, the forecast may still lower the count (spec/types.ts,
// ReactiveSpec.disableScaleIn), which then still needs the reactive part's own agreement.
//
// Everything is monotone in the load: with the same state, more observed load or a higher
// forecast never gives fewer replicas. The load → CPU relation (cpu-model.ts) is updated
// after deciding, so this tick's observation does not bend the line it is judged by.

import type { ScalingSpec } from '../spec/types.js';
import { assertNever, type Millis } from '../spec/units.js';
import { burstStep, PANIC_WINDOW_MS, type BurstState } from './burst.js';
import { applyCooldown } from './cooldown.js';
import { addCpuSample, emptyCpuSums, fitCpu, type CpuModelSums } from './cpu-model.js';
import type { Decision, Reason } from './decision.js';
import { planPredictive } from './predictive.js';
import { reactiveDesired } from './reactive.js';
import { stabilize, type Recommendation } from './stabilization.js';
import { clamp } from './target.js';

export interface PlannerInput {
  spec: ScalingSpec;
  now: Millis;
  /** Controller tick length (the `auto` scheduling buffer adds one tick to the warm-up). */
  tickMs: number;
  observed: {
    /** Load in the spec metric: rps and concurrency are totals over ready replicas; cpu is average percent per ready replica. */
    load: number;
    /** Also the request rate (rps) when the metric is cpu, so the load→CPU relation can be learned. */
    rps?: number;
    readyReplicas: number;
    /** Replicas currently desired/running (ready + starting). */
    currentReplicas: number;
  };
  /** The load forecast at spec.predictive.quantile, as totals in the metric's unit (rps for cpu: converted through the learned relation). */
  forecast?: { start: Millis; stepMs: number; values: readonly number[] };
  /** Measured p95 replica warm-up, for schedulingBuffer `auto`. */
  warmupP95Ms?: number;
}

/** The planner's memory between ticks: plain JSON (no undefined, NaN or Infinity), persisted by the shell. */
export interface PlannerState {
  /** Format of this object, so a stored state from an older planner can be recognised. */
  version: 1;
  /** Raw reactive recommendations within the longer stabilization window, oldest first. */
  recommendations: Recommendation[];
  /** When the decided count last rose / fell (any cause), for the cooldowns; null if never. */
  lastScaleUpAt: Millis | null;
  lastScaleDownAt: Millis | null;
  /** Burst mode, or null when not in it. */
  burst: BurstState | null;
  /** Running least-squares sums of CPU% per replica against req/s per replica (metric cpu). */
  cpu: CpuModelSums;
}

export function initialPlannerState(): PlannerState {
  return { version: 1, recommendations: [], lastScaleUpAt: null, lastScaleDownAt: null, burst: null, cpu: emptyCpuSums() };
}

const isCount = (n: number): boolean => Number.isInteger(n) && n >= 0;
const isAmount = (n: number): boolean => Number.isFinite(n) && n >= 0;

/** Programming errors in the shell (a NaN load, a fractional replica count) fail loudly here. */
function checkInput(input: PlannerInput): void {
  const { observed: o, now, tickMs } = input;
  if (!Number.isFinite(now)) throw new RangeError(`now must be a finite instant in ms, got ${now}`);
  if (!isAmount(tickMs)) throw new RangeError(`tickMs must be finite and ≥ 0, got ${tickMs}`);
  if (!isAmount(o.load)) throw new RangeError(`observed.load must be finite and ≥ 0, got ${o.load}`);
  if (o.rps !== undefined && !isAmount(o.rps)) throw new RangeError(`observed.rps must be finite and ≥ 0, got ${o.rps}`);
  if (!isCount(o.readyReplicas)) throw new RangeError(`observed.readyReplicas must be a whole number ≥ 0, got ${o.readyReplicas}`);
  if (!isCount(o.currentReplicas)) throw new RangeError(`observed.currentReplicas must be a whole number ≥ 0, got ${o.currentReplicas}`);
}

/**
 * One tick's decision. Example (rps, 200 req/s per replica at 0.7 → 140, min 1, max 10,
 * ForecastAndScale, fixed buffer 2 m, tick 10 s): 4 replicas ready, 700 req/s observed
 * (ratio 1.25 → reactive 5), forecast max 1 300 req/s over the next 130 s (→ ⌈9.3⌉ = 10)
 * → 10 replicas, because: forecast, reactive.
 */
export function decide(input: PlannerInput, state: PlannerState): { decision: Decision; state: PlannerState } {
  checkInput(input);
  const { spec, now, observed } = input;
  const current = observed.currentReplicas;
  const reactiveSpec = spec.reactive;
  const because: Reason[] = [];

  // 1. Predictive.
  const predicted = predictivePart(input, state);
  because.push(...predicted.reasons);
  const acting = predicted.acting;

  // 2. Reactive.
  const raw = reactiveDesired(spec.target, reactiveSpec.tolerance, observed);
  because.push(...raw.reasons);
  const stabilized = stabilize(state.recommendations, raw.desired, current, now, reactiveSpec.scaleUp.stabilizationMs, reactiveSpec.scaleDown.stabilizationMs);
  if (stabilized.reason !== undefined) because.push(stabilized.reason);
  const cooled = applyCooldown(stabilized.replicas, current, now, state, reactiveSpec.scaleUp, reactiveSpec.scaleDown);
  if (cooled.reason !== undefined) because.push(cooled.reason);
  let reactive = cooled.replicas;

  const burst = burstStep(spec.target, observed.load, observed.readyReplicas, now, state.burst);
  if (burst.state !== null) {
    reactive = Math.max(reactive, current, burst.desired ?? 0);
    because.push(
      burst.desired !== undefined
        ? { source: 'burst', observed: observed.load, readyCapacity: burst.readyCapacity, replicas: reactive }
        : { source: 'burst', observed: observed.load, readyCapacity: burst.readyCapacity, replicas: reactive, untilMs: burst.state.lastAboveAt + PANIC_WINDOW_MS },
    );
  }
  if (reactiveSpec.disableScaleIn && !acting && reactive < current) {
    reactive = current;
    because.push({ source: 'scale-in-disabled', held: current });
  }
  const reactiveBounded = clamp(reactive, spec.minReplicas, spec.maxReplicas);
  if (reactiveBounded !== reactive) {
    because.push({ source: 'bounds', min: spec.minReplicas, max: spec.maxReplicas, unclamped: reactive, replicas: reactiveBounded });
  }

  // 3. Combined.
  const replicas = acting && predicted.replicas !== undefined ? Math.max(predicted.replicas, reactiveBounded) : reactiveBounded;

  const decision: Decision = { replicas, reactive: reactiveBounded, changed: replicas !== current, because };
  if (predicted.replicas !== undefined) decision.predictive = predicted.replicas;

  const next: PlannerState = {
    version: 1,
    recommendations: stabilized.history,
    lastScaleUpAt: replicas > current ? now : state.lastScaleUpAt,
    lastScaleDownAt: replicas < current ? now : state.lastScaleDownAt,
    burst: burst.state,
    cpu:
      spec.target.metric === 'cpu' && observed.rps !== undefined && observed.readyReplicas > 0
        ? addCpuSample(state.cpu, observed.rps / observed.readyReplicas, observed.load)
        : state.cpu,
  };
  return { decision, state: next };
}

function predictivePart(input: PlannerInput, state: PlannerState): { replicas?: number; acting: boolean; reasons: Reason[] } {
  const spec: ScalingSpec = input.spec;
  const mode = spec.predictive.mode;
  switch (mode) {
    case 'Off':
      return { acting: false, reasons: [] };
    case 'ForecastOnly':
    case 'ForecastAndScale': {
      const p = planPredictive({
        spec,
        now: input.now,
        tickMs: input.tickMs,
        forecast: input.forecast,
        warmupP95Ms: input.warmupP95Ms,
        cpuFit: spec.target.metric === 'cpu' ? fitCpu(state.cpu) : undefined,
      });
      if (p.kind === 'none') return { acting: false, reasons: p.reasons };
      if (mode === 'ForecastOnly') return { replicas: p.replicas, acting: false, reasons: [...p.reasons, { source: 'forecast-only', wouldBe: p.replicas }] };
      return { replicas: p.replicas, acting: true, reasons: p.reasons };
    }
    default:
      return assertNever(mode, 'predictive mode');
  }
}
