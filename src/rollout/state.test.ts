// The persisted state: plain JSON, versioned; `rollout status --json` derived from it.
import { expect, it } from 'vitest';
import { advance } from './advance.js';
import { RolloutStateError } from './errors.js';
import { RolloutInputError } from './errors.js';
import { readRolloutState, ROLLOUT_STATE_VERSION } from './state.js';
import { statusOf } from './status.js';
import { at, input, start } from './world.test.js';

it('round-trips through JSON unchanged, and advances the same afterwards', () => {
  let s = start('shadow');
  s = advance(s, input(at(0), 0, 4, 4)).state;
  const stored = JSON.parse(JSON.stringify(s)) as unknown;
  expect(readRolloutState(stored)).toEqual(s);
  const next = input(at(10_000), 4, 4, 4);
  expect(advance(readRolloutState(stored), next)).toEqual(advance(s, next));
});

it('refuses a state of another version, naming it', () => {
  expect(() => readRolloutState({ ...start('canary'), version: 2 })).toThrow(
    new RolloutStateError(`rollout state version 2 is not supported (this build reads ${ROLLOUT_STATE_VERSION})`, 2),
  );
  expect(() => readRolloutState('x')).toThrow(RolloutStateError);
});

it('refuses observations that are not counts', () => {
  expect(() => advance(start('canary'), input(at(0), 0, 4, Number.NaN))).toThrow(new RolloutInputError('observed.needReplicas', Number.NaN));
  expect(() => advance(start('canary'), input(at(0), -1, 4, 4))).toThrow('observed.canaryReady = -1, must be a finite number ≥ 0');
});

it('rounds a fractional need up', () => {
  const out = advance(start('allAtOnce'), input(at(0), 0, 4, 3.2));
  expect(out.state.requested).toEqual({ canary: 4, stable: 4 });
});

it('status: { phase, reason, step, weights, verdicts }', () => {
  let s = start('shadow');
  s = advance(s, input(at(0), 0, 4, 4)).state;
  s = advance(s, input(at(10_000), 4, 4, 4)).state;
  s = advance(s, input(at(10_000 + 600_000), 4, 4, 4)).state;
  const result = {
    at: at(600_000),
    verdict: 'Fail' as const,
    metrics: [{ metric: 'error-rate', verdict: 'Fail' as const, reason: 'canary 3.1 % > 1 %', values: {} }],
    samples: { baseline: 900, canary: 880 },
  };
  s = { ...s, autoRollback: false };
  s = advance(s, input(at(20_000 + 600_000), 4, 4, 4, { analysis: { step: 3, outcome: 'fail', result } })).state;
  expect(statusOf(s, at(20_000 + 600_000))).toEqual({
    phase: 'Paused',
    reason: 'step 4/4 (analysis): failed (last verdict Fail) and autoRollback is off: promote to accept or abort to roll back',
    step: 3,
    steps: ['setCanaryScale 100 %', 'setMirror 100', 'pause 10m', 'analysis'],
    weights: { r1: 100, r2: 0 },
    mirror: { revision: 'r2', percent: 100 },
    verdicts: [{ step: 3, outcome: 'fail', verdict: 'Fail', reasons: ['error-rate: canary 3.1 % > 1 %'] }],
  });
});
