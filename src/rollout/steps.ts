// One plan step, run for one tick: a straight line of early returns per step kind (as
// Argo Rollouts' reconcileCanaryPause / reconcileCanaryReplicaSets read). A step either
// completes this tick (`done`), waits (`wait`, with why), or asks for a rollback (`abort`).
// Nothing here scales: the replicas a waiting step needs (e.g. the canary's share before a
// weight rises) follow from the state in scaling.ts, so a waiting step emits `scale`, and
// only a step whose side is ready emits `setWeights`.

import { assertNever } from '../spec/units.js';
import type { PlanStep } from './plan.js';
import { canaryScaleReplicas, covers } from './replicas.js';
import type { Tick } from './tick.js';

export type StepResult = { kind: 'done' } | { kind: 'wait'; because: string } | { kind: 'abort'; because: string };

const done: StepResult = { kind: 'done' };
const wait = (because: string): StepResult => ({ kind: 'wait', because });

export function runStep(tick: Tick, step: PlanStep, index: number): StepResult {
  const s = tick.state;
  const { canaryReady, stableReady } = tick.input.observed;
  switch (step.kind) {
    case 'setWeight': {
      const w = step.weight;
      if (s.canaryWeight === w) return done;
      // Raising: the canary must already have the replicas for its new share.
      if (w > s.canaryWeight && !covers(canaryReady, tick.need, w)) return wait(`canary ${canaryReady} ready, needs its share of ${w} %`);
      // Lowering (blueGreen `setWeight 0`): the stable must have them for its share.
      if (w < s.canaryWeight && !covers(stableReady, tick.need, 100 - w)) return wait(`stable ${stableReady} ready, needs its share of ${100 - w} %`);
      tick.setCanaryWeight(w, tick.stepLabel(index));
      return done;
    }
    case 'setMirror': {
      const p = step.percent;
      // A canary with all live traffic has nothing to be mirrored (see Tick.setCanaryWeight).
      if (s.mirrorPercent === p || s.canaryWeight === 100) return done;
      if (p > s.mirrorPercent && !covers(canaryReady, tick.need, p)) return wait(`canary ${canaryReady} ready, needs its share of the ${p} % mirror`);
      tick.setMirror(p, tick.stepLabel(index));
      return done;
    }
    case 'setCanaryScale': {
      const scale = step.scale.kind === 'matchTrafficWeight' ? null : step.scale;
      if (JSON.stringify(s.canaryScale) !== JSON.stringify(scale)) tick.update({ canaryScale: scale });
      // Done when the canary has the replicas asked for (Argo waits for the ReplicaSet too).
      const want = canaryScaleReplicas(tick.state.canaryScale, tick.need);
      return canaryReady >= want ? done : wait(`canary ${canaryReady} of ${want} replicas ready`);
    }
    case 'pause': {
      if (step.durationMs === undefined) return wait('paused until promoted');
      const started = s.stepStartedAt ?? tick.now;
      return tick.now - started >= step.durationMs ? done : wait('pausing');
    }
    case 'analysis': {
      const record = s.analyses.find((a) => a.step === index);
      if (record === undefined || record.outcome === 'continue') return wait('analysis running');
      if (record.outcome === 'pass') return done;
      // `hold`: inconclusive with onInconclusive hold — keep the weights, never promote; a
      // later pass or fail decides (analysis/run-state.ts already turned onInconclusive
      // rollback into fail). A human may promote past it or abort.
      if (record.outcome === 'hold') return wait('analysis inconclusive, holding');
      if (record.outcome === 'fail') {
        return s.autoRollback ? { kind: 'abort', because: `analysis at ${tick.stepLabel(index)} failed` } : wait('analysis failed, autoRollback off');
      }
      return assertNever(record.outcome, 'analysis outcome');
    }
    default:
      return assertNever(step, 'step');
  }
}
