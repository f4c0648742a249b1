// Invariants of the rollout machine over random plans, loads, warm-up speeds, analysis
// outcomes and user commands, run in the simulated world of world.test.ts (scale-downs
// take effect at once, scale-ups become ready `rate` replicas per tick).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RolloutStep, RolloutStrategy } from '../spec/types.js';
import { millis } from '../spec/units.js';
import type { RolloutAction, RolloutEvent } from './actions.js';
import { advance } from './advance.js';
import { phaseOf } from './phase.js';
import { shareOf } from './replicas.js';
import type { AnalysisOutcome } from './state.js';
import { statusOf } from './status.js';
import type { RolloutCommand } from './tick.js';
import { CANARY, MIN, STABLE, TICK, analysis, apply, capacityHolds, drive, start, warm, world } from './world.test.js';

type Kind = 'setWeight' | 'pause' | 'timedPause' | 'analysis' | 'setCanaryScale';

const stepArb = (kinds: Kind[], weights: number[]): fc.Arbitrary<RolloutStep> =>
  fc.constantFrom(...kinds).chain((kind): fc.Arbitrary<RolloutStep> => {
    switch (kind) {
      case 'setWeight':
        return fc.constantFrom(...weights).map((weight) => ({ kind: 'setWeight', weight }));
      case 'pause':
        return fc.constant({ kind: 'pause' });
      case 'timedPause':
        return fc.integer({ min: 1, max: 5 }).map((m) => ({ kind: 'pause', durationMs: millis(m * MIN) }));
      case 'analysis':
        return fc.constant({ kind: 'analysis', analysis });
      case 'setCanaryScale':
        return fc.oneof(
          fc.nat(6).map((replicas): RolloutStep => ({ kind: 'setCanaryScale', scale: { kind: 'replicas', replicas } })),
          fc.integer({ min: 0, max: 100 }).map((weight): RolloutStep => ({ kind: 'setCanaryScale', scale: { kind: 'weight', weight } })),
          fc.constant<RolloutStep>({ kind: 'setCanaryScale', scale: { kind: 'matchTrafficWeight' } }),
        );
    }
  });

const ALL_WEIGHTS = Array.from({ length: 101 }, (_, i) => i);

/** Plans the spec parser accepts, per strategy (canary/linear weights never fall). */
function planArb(untimedPauses: boolean): fc.Arbitrary<{ strategy: RolloutStrategy; steps: RolloutStep[] }> {
  const pause: Kind[] = untimedPauses ? ['pause', 'timedPause'] : ['timedPause'];
  const of = (strategy: RolloutStrategy, kinds: Kind[], weights: number[], min = 0) =>
    fc.array(stepArb(kinds, weights), { minLength: min, maxLength: 6 }).map((steps) => ({ strategy, steps }));
  const rising = (strategy: RolloutStrategy) =>
    of(strategy, ['setWeight', 'analysis', 'setCanaryScale', ...pause], ALL_WEIGHTS, 1).map(({ steps }) => {
      const sorted = steps.flatMap((s) => (s.kind === 'setWeight' ? [s.weight] : [])).sort((a, b) => a - b);
      return { strategy, steps: steps.map((s) => (s.kind === 'setWeight' ? { ...s, weight: sorted.shift() ?? s.weight } : s)) };
    });
  return fc.oneof(
    rising('canary'),
    rising('linear'),
    of('blueGreen', ['setWeight', 'analysis', 'setCanaryScale', ...pause], [0, 100]),
    of('allAtOnce', ['analysis', ...pause], []),
    of('shadow', ['analysis', 'setCanaryScale', ...pause], []),
  );
}

const outcomeArb = fc.constantFrom<AnalysisOutcome>('continue', 'pass', 'fail', 'hold');
const commandArb = fc.constantFrom<RolloutCommand>('promote', 'promoteFull', 'pause', 'resume', 'abort');

const scenarioArb = fc.record({
  plan: planArb(true),
  autoRollback: fc.boolean(),
  need: fc.nat(30),
  rate: fc.integer({ min: 1, max: 6 }),
  outcomes: fc.array(outcomeArb, { minLength: 1, maxLength: 8 }),
  commands: fc.array(fc.tuple(fc.nat(120), commandArb), { maxLength: 6 }),
});

function weightsValid(actions: readonly RolloutAction[]): void {
  for (const a of actions) {
    if (a.kind !== 'setWeights') continue;
    expect(Object.keys(a.weights).sort()).toEqual([STABLE, CANARY].sort());
    const values = Object.values(a.weights);
    for (const v of values) expect(Number.isInteger(v) && v >= 0 && v <= 100).toBe(true);
    expect(values.reduce((x, y) => x + y, 0)).toBe(100);
  }
}

describe('every tick of every rollout', () => {
  it('keeps weights integral, within 0..100 and summing to 100; keeps capacity; and a repeated advance does nothing', () => {
    fc.assert(
      fc.property(scenarioArb, ({ plan, autoRollback, need, rate, outcomes, commands }) => {
        const w = world(need);
        let n = 0;
        drive(start(plan.strategy, plan.steps, autoRollback), w, {
          rate,
          ticks: 300,
          analysis: () => outcomes[n++ % outcomes.length] ?? 'continue',
          command: (t) => commands.find(([at]) => at === t)?.[1],
          check: (world, out, used) => {
            weightsValid(out.actions);
            const status = statusOf(out.state, used.now);
            expect(Object.values(status.weights).reduce((x, y) => x + y, 0)).toBe(100);
            expect(capacityHolds(world)).toBe(true);
            // Idempotence: the same input again, on the state it produced, changes nothing.
            const again = advance(out.state, used);
            expect(again.actions).toEqual([]);
            expect(again.state).toEqual(out.state);
          },
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('abort', () => {
  it('always ends RolledBack with the stable at 100 % and sized for the load, the canary at 0', () => {
    fc.assert(
      fc.property(scenarioArb, fc.nat(60), ({ plan, need, rate, outcomes }, abortAt) => {
        const w = world(need);
        let n = 0;
        const { state, actions } = drive(start(plan.strategy, plan.steps), w, {
          rate,
          ticks: 400,
          analysis: () => outcomes[n++ % outcomes.length] ?? 'continue',
          command: (t) => (t === abortAt ? 'abort' : undefined),
          check: (world) => expect(capacityHolds(world)).toBe(true),
        });
        if (state.terminal?.status === 'Succeeded') return; // finished before the abort arrived
        expect(state.terminal?.status).toBe('RolledBack');
        expect(w.canaryWeight).toBe(0);
        expect(w.mirror).toBe(0);
        expect(w.target.canary).toBe(0);
        expect(w.target.stable).toBe(shareOf(need, 100));
        expect(actions.some((a) => a.kind === 'promote')).toBe(false);
        expect(actions.filter((a) => a.kind === 'abort')).toHaveLength(1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('analysis outcomes', () => {
  const timedPlan = planArb(false);

  it('a Fail with autoRollback rolls back (and a plan without analysis succeeds)', () => {
    fc.assert(
      fc.property(timedPlan, fc.nat(30), fc.integer({ min: 1, max: 6 }), (plan, need, rate) => {
        const w = world(need);
        const { state } = drive(start(plan.strategy, plan.steps, true), w, { rate, ticks: 2000, analysis: () => 'fail' });
        const analysed = plan.steps.some((s) => s.kind === 'analysis');
        expect(state.terminal?.status).toBe(analysed ? 'RolledBack' : 'Succeeded');
        expect(phaseOf(state, w.now).phase).toBe(analysed ? 'RolledBack' : 'Succeeded');
      }),
      { numRuns: 150 },
    );
  });

  it('Inconclusive (hold) or still running never promotes: the rollout stays Paused or Progressing', () => {
    const analysedPlan = timedPlan.filter((p) => p.steps.some((s) => s.kind === 'analysis'));
    fc.assert(
      fc.property(analysedPlan, fc.nat(30), fc.array(fc.constantFrom<AnalysisOutcome>('hold', 'continue'), { minLength: 1 }), (plan, need, outcomes) => {
        const w = world(need);
        let n = 0;
        const { state, actions } = drive(start(plan.strategy, plan.steps), w, {
          rate: 3,
          ticks: 1000,
          analysis: () => outcomes[n++ % outcomes.length] ?? 'hold',
        });
        expect(state.terminal).toBeNull();
        expect(actions.some((a) => a.kind === 'promote')).toBe(false);
        expect(['Paused', 'Progressing']).toContain(phaseOf(state, w.now).phase);
        expect(state.steps[state.stepIndex]?.kind).toBe('analysis');
      }),
      { numRuns: 150 },
    );
  });
});

describe('a control plane killed at any point', () => {
  // The controller applies a tick's actions, then persists state and events in one
  // transaction. A crash before applying loses the tick; a crash after applying and before
  // persisting loses its record but not its effects. Either way the next tick starts from
  // the last persisted state, and the persisted history must read as one clean run.
  it('resumes without repeating or skipping a step', () => {
    const crashArb = fc.array(fc.tuple(fc.nat(200), fc.constantFrom('beforeApply', 'afterApply')), { maxLength: 30 });
    fc.assert(
      fc.property(planArb(false), fc.nat(30), fc.integer({ min: 1, max: 6 }), crashArb, (plan, need, rate, crashes) => {
        const w = world(need);
        let persisted = start(plan.strategy, plan.steps);
        const log: RolloutEvent[] = [];
        for (let t = 0; t < 3000 && persisted.terminal === null; t++) {
          const i = persisted.stepIndex;
          const analysed = persisted.steps[i]?.kind === 'analysis' && w.startedAnalyses.includes(i);
          const out = advance(persisted, {
            now: millis(w.now),
            observed: { canaryReady: w.ready.canary, stableReady: w.ready.stable, needReplicas: w.need },
            ...(analysed ? { analysis: { step: i, outcome: 'pass' as const } } : {}),
          });
          const crash = crashes.find(([at]) => at === t)?.[1];
          if (crash !== 'beforeApply') apply(w, out.actions);
          if (crash === undefined) {
            persisted = out.state;
            log.push(...out.events);
          }
          expect(capacityHolds(w)).toBe(true);
          w.now += TICK;
          warm(w, rate);
        }
        expect(persisted.terminal?.status).toBe('Succeeded');
        const entered = log.filter((e) => e.kind === 'StepStarted').map((e) => e.step);
        expect(entered).toEqual(persisted.steps.map((_, i) => i));
        const completed = log.filter((e) => e.kind === 'StepCompleted').map((e) => e.step);
        expect(completed).toEqual(persisted.steps.map((_, i) => i));
        expect(log.filter((e) => e.kind === 'Started' || e.kind === 'Promoted').map((e) => e.kind)).toEqual(['Started', 'Promoted']);
        expect(w.canaryWeight).toBe(100);
      }),
      { numRuns: 150 },
    );
  });
});
