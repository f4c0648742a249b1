// Test fixtures for the rollout machine: spec builders and a simulated world that applies
// actions the way a controller and a target would — scale-downs at once (the worst case for
// capacity), scale-ups becoming ready a few replicas per tick. Other rollout tests import
// these; the tests at the bottom check the world itself.
import { expect, it } from 'vitest';
import { defaultAnalysis, defaultSteps } from '../spec/defaults.js';
import type { RolloutSpec, RolloutStep, RolloutStrategy } from '../spec/types.js';
import { millis, revisionId, type Millis } from '../spec/units.js';
import type { RolloutAction } from './actions.js';
import { advance, type AdvanceResult } from './advance.js';
import { shareOf } from './replicas.js';
import { startRollout, type RolloutState } from './state.js';
import type { AdvanceInput, AnalysisObservation, RolloutCommand } from './tick.js';

export const STABLE = revisionId('r1');
export const CANARY = revisionId('r2');
export const T0 = millis(1_000_000);
export const TICK = 10_000;
export const MIN = 60_000;
export const analysis = defaultAnalysis();

export function rolloutSpec(strategy: RolloutStrategy, steps?: RolloutStep[], autoRollback = true): RolloutSpec {
  return { strategy, steps: steps ?? defaultSteps(strategy, analysis), analysis, autoRollback };
}

export function start(strategy: RolloutStrategy, steps?: RolloutStep[], autoRollback = true): RolloutState {
  return startRollout({ stable: STABLE, canary: CANARY, spec: rolloutSpec(strategy, steps, autoRollback), now: T0 });
}

export const at = (ms: number): Millis => millis(T0 + ms);

export function input(now: number, canaryReady: number, stableReady: number, needReplicas: number, extra: Partial<AdvanceInput> = {}): AdvanceInput {
  return { now: millis(now), observed: { canaryReady, stableReady, needReplicas }, ...extra };
}

/** The actions in a compact form a table can state: `scale r2 1`, `weights 90/10`, … */
export function brief(actions: readonly RolloutAction[]): string[] {
  return actions.map((a) => {
    switch (a.kind) {
      case 'scale':
        return `scale ${a.revision} ${a.replicas}`;
      case 'setWeights':
        return `weights ${a.weights[STABLE]}/${a.weights[CANARY]}`;
      case 'setMirror':
        return `mirror ${a.percent}`;
      case 'startAnalysis':
        return `startAnalysis ${a.step}`;
      case 'promote':
        return `promote ${a.revision}`;
      case 'abort':
        return `abort: ${a.reason}`;
    }
  });
}

/** A deployment as the controller and target see it. */
export interface World {
  now: number;
  need: number;
  /** Ready replicas per side; `target` is what was last asked. */
  ready: { canary: number; stable: number };
  target: { canary: number; stable: number };
  /** Live canary weight the router applies, and the mirror. */
  canaryWeight: number;
  /** The canary weight before the last batch of actions: requests routed by it may still arrive. */
  previousCanaryWeight: number;
  mirror: number;
  promoted: boolean;
  startedAnalyses: number[];
}

/** Before the rollout the stable serves everything (at least one replica: see shareOf). */
export function world(need: number): World {
  const stable = shareOf(need, 100);
  return { now: T0, need, ready: { canary: 0, stable }, target: { canary: 0, stable }, canaryWeight: 0, previousCanaryWeight: 0, mirror: 0, promoted: false, startedAnalyses: [] };
}

/** Applies actions in order; a scale-down removes ready replicas at once. */
export function apply(w: World, actions: readonly RolloutAction[]): void {
  w.previousCanaryWeight = w.canaryWeight;
  for (const a of actions) {
    switch (a.kind) {
      case 'scale': {
        const side = a.revision === CANARY ? 'canary' : 'stable';
        w.target[side] = a.replicas;
        w.ready[side] = Math.min(w.ready[side], a.replicas);
        break;
      }
      case 'setWeights':
        w.canaryWeight = a.weights[CANARY] ?? 0;
        break;
      case 'setMirror':
        w.mirror = a.percent;
        break;
      case 'startAnalysis':
        w.startedAnalyses.push(a.step);
        break;
      case 'promote':
        w.promoted = true;
        break;
      case 'abort':
        break;
    }
  }
}

/** Replicas starting since the last tick become ready, up to `rate` per side. */
export function warm(w: World, rate: number): void {
  for (const side of ['canary', 'stable'] as const) w.ready[side] = Math.min(w.target[side], w.ready[side] + rate);
}

/**
 * The capacity invariant during a transition: each side's ready replicas cover its share
 * under the weights before *and* after the tick's actions (both are in force while the
 * router switches), the canary covers its mirror, and so the total covers the need.
 */
export function capacityHolds(w: World): boolean {
  if (w.promoted) return true;
  const canaryMax = Math.max(w.canaryWeight, w.previousCanaryWeight);
  const canaryMin = Math.min(w.canaryWeight, w.previousCanaryWeight);
  const canaryOk = w.ready.canary >= Math.max(shareOf(w.need, canaryMax), shareOf(w.need, w.mirror));
  const stableOk = w.ready.stable >= shareOf(w.need, 100 - canaryMin);
  return canaryOk && stableOk && w.ready.canary + w.ready.stable >= w.need;
}

export interface Drive {
  rate?: number;
  analysis?: (step: number, w: World) => AnalysisObservation['outcome'];
  command?: (tick: number, state: RolloutState) => RolloutCommand | undefined;
  ticks?: number;
  /** Called after every tick with what happened, for invariants. */
  check?: (w: World, out: AdvanceResult, inputUsed: AdvanceInput, before: RolloutState) => void;
}

/** Runs a rollout tick by tick in a world until it ends or `ticks` pass; returns the final state. */
export function drive(state: RolloutState, w: World, d: Drive = {}): { state: RolloutState; actions: RolloutAction[] } {
  const all: RolloutAction[] = [];
  let s = state;
  for (let t = 0; t < (d.ticks ?? 500) && s.terminal === null; t++) {
    const step = s.stepIndex;
    const current = s.steps[step];
    const outcome = current?.kind === 'analysis' && w.startedAnalyses.includes(step) && d.analysis !== undefined ? d.analysis(step, w) : undefined;
    const command = d.command?.(t, s);
    const used = input(w.now, w.ready.canary, w.ready.stable, w.need, {
      ...(outcome === undefined ? {} : { analysis: { step, outcome } }),
      ...(command === undefined ? {} : { command }),
    });
    const out = advance(s, used);
    apply(w, out.actions);
    d.check?.(w, out, used, s);
    all.push(...out.actions);
    s = out.state;
    w.now += TICK;
    warm(w, d.rate ?? 1);
  }
  return { state: s, actions: all };
}

it('the world drives a default canary to promotion, analyses passing', () => {
  const w = world(10);
  const { state } = drive(start('canary'), w, { analysis: () => 'pass' });
  expect(state.terminal?.status).toBe('Succeeded');
  expect(w.promoted).toBe(true);
  expect(w.canaryWeight).toBe(100);
});

it('scale-downs remove ready replicas at once, scale-ups warm up', () => {
  const w = world(4);
  apply(w, [{ kind: 'scale', revision: STABLE, replicas: 2, because: '' }, { kind: 'scale', revision: CANARY, replicas: 3, because: '' }]);
  expect(w.ready).toEqual({ canary: 0, stable: 2 });
  warm(w, 2);
  expect(w.ready).toEqual({ canary: 2, stable: 2 });
});
