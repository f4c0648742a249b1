// What each strategy adds to the spec's steps (plan.ts header), from the spec defaults.
import { expect, it } from 'vitest';
import { millis } from '../spec/units.js';
import { describeStep, planSteps } from './plan.js';
import { analysis, rolloutSpec } from './world.test.js';

it.each([
  ['canary', ['setWeight 10', 'pause 5m', 'analysis', 'setWeight 50', 'pause 10m', 'analysis']],
  ['allAtOnce', ['setWeight 100']],
  ['shadow', ['setCanaryScale 100 %', 'setMirror 100', 'pause 10m', 'analysis']],
  // No pause or analysis runs before the switch, so nothing is mirrored.
  ['blueGreen', ['setCanaryScale 100 %', 'setWeight 100', 'pause 10m']],
] as const)('default %s plan', (strategy, expected) => {
  expect(planSteps(rolloutSpec(strategy)).map(describeStep)).toEqual(expected);
});

it('blueGreen mirrors before an analysis that runs ahead of the switch', () => {
  const spec = rolloutSpec('blueGreen', [{ kind: 'setCanaryScale', scale: { kind: 'weight', weight: 100 } }, { kind: 'analysis', analysis }, { kind: 'setWeight', weight: 100 }, { kind: 'pause', durationMs: millis(60_000) }]);
  expect(planSteps(spec).map(describeStep)).toEqual(['setCanaryScale 100 %', 'setMirror 100', 'analysis', 'setWeight 100', 'pause 1m']);
});

it('allAtOnce runs its bake and analysis after the switch', () => {
  const spec = rolloutSpec('allAtOnce', [{ kind: 'pause', durationMs: millis(300_000) }, { kind: 'analysis', analysis }]);
  expect(planSteps(spec).map(describeStep)).toEqual(['setWeight 100', 'pause 5m', 'analysis']);
});

it('shadow without a setCanaryScale starts mirroring first', () => {
  expect(planSteps(rolloutSpec('shadow', [{ kind: 'analysis', analysis }])).map(describeStep)).toEqual(['setMirror 100', 'analysis']);
});

it('the plan is a copy: changing the spec afterwards does not change it', () => {
  const spec = rolloutSpec('canary', [{ kind: 'setWeight', weight: 10 }]);
  const plan = planSteps(spec);
  (spec.steps[0] as { weight: number }).weight = 90;
  expect(plan).toEqual([{ kind: 'setWeight', weight: 10 }]);
});
