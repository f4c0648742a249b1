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
//      it only after its scale-down stabilization window and cooldown have passed — except
//      under forecast-led scale-in (below).
//
// Adaptive headroom (spec.predictive.headroom 'adaptive', with PlannerInput.forecastMedian):
// the predictive load is the median × a level learned from the load just observed × a scale
// learned from the planner's own forecast errors (headroom.ts). The observation of the tick
// that just ended is folded in *before* predicting: it is the nowcast's input, not the thing
// judged. With adaptive headroom the forecast also leads scale-in: when the acting predictive
// part is below the current count and the HPA's raw recommendation agrees (it asks for no more
// than the predictive part), the reactive part's scale-down stabilization and cooldown are
// skipped and the count falls to the larger of the two at once. Those holds exist because a
// reactive controller cannot tell a dip from a fall; the forecast can, and where it is wrong
// the score histogram widens the headroom and the reactive part and burst mode still catch
// the surprise. (Suspending the lead for a stabilization window after each surprise was
// tried on the tuning split: it cost 4–7 % more replica-hours on the bursty traces and
// served no more of their load, so it is not done.) Worked example (1-minute ticks, 100 req/s
// per replica target): a 5-minute step of 1 500 req/s ends and 900 is observed, as forecast:
// 15 → 9 replicas now instead of 5 minutes later (6 replica-minutes saved per minute the 15
// would have been held). Burst mode still forbids it.
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
import { emptyHeadroom, observe, type HeadroomState } from './headroom.js';
import { planPredictive } from './predictive.js';
import { reactiveDesired } from './reactive.js';
import { stabilize, type Recommendation } from './stabilization.js';
import { clamp, targetPerReplica } from './target.js';

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
  /** The median (0.5 quantile) forecast on a grid, same units as `forecast`; read by adaptive headroom. */
  forecastMedian?: { start: Millis; stepMs: number; values: readonly number[] };
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
  /** Adaptive headroom's tracker (headroom.ts); absent until it first runs. Bounded (MAX_PENDING). */
  headroom?: HeadroomState;
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
  const forecastLeads = acting && predicted.adaptive;

  // 2. Reactive.
  const raw = reactiveDesired(spec.target, reactiveSpec.tolerance, observed);
  because.push(...raw.reasons);
  const stabilized = stabilize(state.recommendations, raw.desired, current, now, reactiveSpec.scaleUp.stabilizationMs, reactiveSpec.scaleDown.stabilizationMs);
  // Forecast-led scale-in (header): the holds are skipped when the forecast and the raw HPA
  // recommendation both say fewer replicas than running.
  const ledScaleIn = forecastLeads && predicted.replicas !== undefined && predicted.replicas < current && raw.desired <= predicted.replicas;
  let reactive: number;
  if (ledScaleIn) {
    reactive = raw.desired;
    const f = because.find((r) => r.source === 'forecast');
    if (f !== undefined && f.source === 'forecast') f.ledScaleIn = true;
  } else {
    if (stabilized.reason !== undefined) because.push(stabilized.reason);
    const cooled = applyCooldown(stabilized.replicas, current, now, state, reactiveSpec.scaleUp, reactiveSpec.scaleDown);
    if (cooled.reason !== undefined) because.push(cooled.reason);
    reactive = cooled.replicas;
  }

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
    // An unmeasured hold (reactive.ts `measured: false`) is no recommendation: left out.
    recommendations: raw.measured === false ? state.recommendations : stabilized.history,
    lastScaleUpAt: replicas > current ? now : state.lastScaleUpAt,
    lastScaleDownAt: replicas < current ? now : state.lastScaleDownAt,
    burst: burst.state,
    cpu:
      spec.target.metric === 'cpu' && observed.rps !== undefined && observed.readyReplicas > 0
        ? addCpuSample(state.cpu, observed.rps / observed.readyReplicas, observed.load)
        : state.cpu,
  };
  if (predicted.headroom !== undefined) next.headroom = predicted.headroom;
  else if (state.headroom !== undefined) next.headroom = state.headroom;
  return { decision, state: next };
}

interface PredictivePart {
  replicas?: number;
  acting: boolean;
  /** True when adaptive headroom sized `replicas`. */
  adaptive: boolean;
  reasons: Reason[];
  headroom?: HeadroomState;
}

/**
 * The observed load in the forecast's unit: the load itself for rps and concurrency, the
 * request rate for cpu (undefined when the shell did not give it).
 */
function observedInForecastUnit(input: PlannerInput): number | undefined {
  return input.spec.target.metric === 'cpu' ? input.observed.rps : input.observed.load;
}

function predictivePart(input: PlannerInput, state: PlannerState): PredictivePart {
  const spec: ScalingSpec = input.spec;
  const mode = spec.predictive.mode;
  switch (mode) {
    case 'Off':
      return { acting: false, adaptive: false, reasons: [] };
    case 'ForecastOnly':
    case 'ForecastAndScale': {
      const cpuFit = spec.target.metric === 'cpu' ? fitCpu(state.cpu) : undefined;
      let adaptive: { median: NonNullable<PlannerInput['forecastMedian']>; state: HeadroomState } | undefined;
      if (spec.predictive.headroom === 'adaptive' && input.forecastMedian !== undefined) {
        let h = state.headroom ?? emptyHeadroom();
        const load = observedInForecastUnit(input);
        // The ratio floor (headroom.ts logRatio): 5 % of one replica's target load for the
        // totals metrics; for cpu the forecast is in req/s and a replica's req/s is only known
        // once the relation is fitted, so a token 1e-6 req/s keeps the ratio finite.
        const floor = spec.target.metric === 'cpu' ? 1e-6 : 0.05 * targetPerReplica(spec.target);
        if (load !== undefined) h = observe(h, { now: input.now, tickMs: input.tickMs, load, quantile: spec.predictive.quantile, floor });
        adaptive = { median: input.forecastMedian, state: h };
      }
      const p = planPredictive({
        spec,
        now: input.now,
        tickMs: input.tickMs,
        forecast: input.forecast,
        warmupP95Ms: input.warmupP95Ms,
        cpuFit,
        ...(adaptive !== undefined && { adaptive }),
      });
      const headroom = p.kind === 'planned' ? p.headroom : adaptive?.state;
      const base = { adaptive: p.kind === 'planned' && p.headroom !== undefined, ...(headroom !== undefined && { headroom }) };
      if (p.kind === 'none') return { acting: false, reasons: p.reasons, ...base };
      if (mode === 'ForecastOnly') return { replicas: p.replicas, acting: false, reasons: [...p.reasons, { source: 'forecast-only', wouldBe: p.replicas }], ...base };
      return { replicas: p.replicas, acting: true, reasons: p.reasons, ...base };
    }
    default:
      return assertNever(mode, 'predictive mode');
  }
}
