// The phase table: state → { phase, reason }, computed, never stored.
import { expect, it } from 'vitest';
import { millis } from '../spec/units.js';
import type { AnalysisResult } from '../analysis/verdict.js';
import { phaseOf } from './phase.js';
import type { RolloutState } from './state.js';
import { MIN, analysis, at, start } from './world.test.js';

const base = start('canary', [
  { kind: 'setWeight', weight: 10 },
  { kind: 'pause', durationMs: millis(5 * MIN) },
  { kind: 'pause' },
  { kind: 'analysis', analysis },
  { kind: 'setCanaryScale', scale: { kind: 'replicas', replicas: 2 } },
]);
const running: RolloutState = { ...base, startedAt: at(0), stepStartedAt: at(0) };
const result: AnalysisResult = { at: at(0), verdict: 'Inconclusive', metrics: [], samples: { baseline: 12, canary: 3 } };
const now = at(2 * MIN);

it.each<[string, RolloutState, string, string]>([
  ['created, not advanced', base, 'Pending', 'waiting for the controller to start it'],
  ['created by a supersede', { ...base, supersedes: 'r0' as RolloutState['canary'] }, 'Pending', 'waiting for the superseded rollout of r0 to roll back'],
  ['waiting for the canary before 10 %', running, 'Progressing', 'step 1/5 (setWeight 10): waiting for the replicas to move r2 from 0 % to 10 %'],
  ['in a timed pause, with the time left', { ...running, stepIndex: 1, canaryWeight: 10 }, 'Paused', 'step 2/5 (pause 5m): 3m left'],
  ['in an untimed pause', { ...running, stepIndex: 2 }, 'Paused', 'step 3/5 (pause until promoted): waiting for promote'],
  ['paused by the user', { ...running, pausedAt: at(MIN) }, 'Paused', 'paused by the user at step 1/5 (setWeight 10): resume or promote to continue'],
  ['analysis running', { ...running, stepIndex: 3 }, 'Progressing', 'step 4/5 (analysis): judging r2 against r1'],
  [
    'analysis holding',
    { ...running, stepIndex: 3, analyses: [{ step: 3, outcome: 'hold', at: at(0), result }] },
    'Paused',
    'step 4/5 (analysis): inconclusive (last verdict Inconclusive), holding: promote to accept or abort to roll back',
  ],
  [
    'analysis failed, autoRollback off',
    { ...running, stepIndex: 3, autoRollback: false, analyses: [{ step: 3, outcome: 'fail', at: at(0) }] },
    'Paused',
    'step 4/5 (analysis): failed and autoRollback is off: promote to accept or abort to roll back',
  ],
  ['sizing the canary', { ...running, stepIndex: 4 }, 'Progressing', "step 5/5 (setCanaryScale 2 replicas): waiting for r2's replicas to be ready"],
  ['all steps done', { ...running, stepIndex: 5, canaryWeight: 10 }, 'Progressing', 'all steps done: scaling r2 to take all traffic'],
  ['switched, about to promote', { ...running, stepIndex: 5, canaryWeight: 100 }, 'Progressing', 'r2 has all traffic: promoting'],
  [
    'rolling back',
    { ...running, canaryWeight: 10, abort: { reason: 'aborted by the user', cause: 'command', at: at(0), announced: true } },
    'RolledBack',
    'aborted by the user; rolling back (r2 still has 10 % of traffic)',
  ],
  ['rolled back', { ...running, terminal: { status: 'RolledBack', at: at(0), reason: 'superseded by r3' } }, 'RolledBack', 'superseded by r3'],
  ['promoted', { ...running, terminal: { status: 'Succeeded', at: at(0), reason: 'r2 promoted after 5 steps' } }, 'Succeeded', 'r2 promoted after 5 steps'],
])('%s → %s', (_what, state, phase, reason) => {
  expect(phaseOf(state, now)).toEqual({ phase, reason });
});
