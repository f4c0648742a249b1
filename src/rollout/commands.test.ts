// promote [--full], pause, resume, abort: what each does to a running rollout.
import { expect, it } from 'vitest';
import { millis } from '../spec/units.js';
import { advance } from './advance.js';
import { phaseOf } from './phase.js';
import type { RolloutState } from './state.js';
import { MIN, analysis, at, brief, input, start } from './world.test.js';

const steps = [
  { kind: 'setWeight' as const, weight: 10 },
  { kind: 'pause' as const, durationMs: millis(5 * MIN) },
  { kind: 'pause' as const },
  { kind: 'analysis' as const, analysis },
  { kind: 'setWeight' as const, weight: 50 },
];

/** At 10 % with the 5 min pause started at 10 s, the stable scaled to 9. */
function inPause(): RolloutState {
  let s = start('canary', steps);
  s = advance(s, input(at(0), 0, 10, 10)).state;
  s = advance(s, input(at(10_000), 1, 10, 10)).state;
  return advance(s, input(at(20_000), 1, 10, 10)).state;
}

it('pause holds a timed pause; resume gives it back the time spent paused', () => {
  const paused = advance(inPause(), input(at(MIN), 1, 9, 10, { command: 'pause' }));
  expect(phaseOf(paused.state, at(MIN))).toEqual({ phase: 'Paused', reason: 'paused by the user at step 2/5 (pause 5m): resume or promote to continue' });
  // Long past the 5 minutes: still paused.
  const later = advance(paused.state, input(at(20 * MIN), 1, 9, 10));
  expect(later.state.stepIndex).toBe(1);
  // Resumed after 10 min paused: 1 min had run, 4 are left.
  const resumed = advance(later.state, input(at(11 * MIN), 1, 9, 10, { command: 'resume' }));
  expect(resumed.state.stepIndex).toBe(1);
  expect(phaseOf(resumed.state, at(11 * MIN)).reason).toBe('step 2/5 (pause 5m): 4m10s left');
  expect(advance(resumed.state, input(at(15 * MIN + 10_000), 1, 9, 10)).state.stepIndex).toBe(2);
});

it('promote ends the current pause; an untimed pause waits for it', () => {
  const skipped = advance(inPause(), input(at(MIN), 1, 9, 10, { command: 'promote' }));
  expect(skipped.state.stepIndex).toBe(2);
  expect(phaseOf(skipped.state, at(MIN))).toEqual({ phase: 'Paused', reason: 'step 3/5 (pause until promoted): waiting for promote' });
  const next = advance(skipped.state, input(at(MIN + 10_000), 1, 9, 10, { command: 'promote' }));
  expect(brief(next.actions)).toEqual(['startAnalysis 3']);
});

it('the same command at the same instant is applied once', () => {
  const once = advance(inPause(), input(at(MIN), 1, 9, 10, { command: 'promote' }));
  const twice = advance(once.state, input(at(MIN), 1, 9, 10, { command: 'promote' }));
  expect(twice.state.stepIndex).toBe(2);
  expect(twice.actions).toEqual([]);
});

it('promote does not skip a weight step: the canary must still be ready', () => {
  let s = start('canary', [{ kind: 'setWeight', weight: 50 }]);
  s = advance(s, input(at(0), 0, 10, 10)).state;
  const out = advance(s, input(at(10_000), 1, 10, 10, { command: 'promote' }));
  expect(out.state.stepIndex).toBe(0);
  expect(out.actions).toEqual([]);
});

it('promoteFull skips the remaining steps but not the readiness for all traffic', () => {
  const full = advance(inPause(), input(at(MIN), 1, 9, 10, { command: 'promoteFull' }));
  expect(full.state.stepIndex).toBe(steps.length);
  expect(brief(full.actions)).toEqual(['scale r2 10']);
  const switched = advance(full.state, input(at(MIN + 10_000), 10, 9, 10));
  expect(brief(switched.actions)).toEqual(['weights 0/100']);
  expect(brief(advance(switched.state, input(at(MIN + 20_000), 10, 9, 10)).actions)).toEqual(['promote r2']);
});

it('abort rolls back; later commands are ignored', () => {
  const aborted = advance(inPause(), input(at(MIN), 1, 9, 10, { command: 'abort' }));
  expect(brief(aborted.actions)).toEqual(['abort: aborted by the user', 'scale r1 10']);
  const promoted = advance(aborted.state, input(at(MIN + 10_000), 1, 9, 10, { command: 'promoteFull' }));
  expect(promoted.state.stepIndex).toBe(1);
  expect(promoted.actions).toEqual([]); // 9 ready still cover only 90 %
  const back = advance(promoted.state, input(at(MIN + 20_000), 1, 10, 10));
  expect(brief(back.actions)).toEqual(['weights 100/0']);
});

it('a failed analysis rolls back even while paused by the user', () => {
  let s = advance(inPause(), input(at(MIN), 1, 9, 10, { command: 'promote' })).state;
  s = advance(s, input(at(MIN + 10_000), 1, 9, 10, { command: 'promote' })).state; // into the analysis
  s = advance(s, input(at(MIN + 20_000), 1, 9, 10, { command: 'pause' })).state;
  const out = advance(s, input(at(MIN + 30_000), 1, 9, 10, { analysis: { step: 3, outcome: 'fail' } }));
  expect(out.state.abort?.cause).toBe('analysis');
  expect(phaseOf(out.state, at(MIN + 30_000)).phase).toBe('RolledBack');
});

it('a finished rollout does nothing', () => {
  let s = start('allAtOnce');
  s = advance(s, input(at(0), 3, 3, 3)).state;
  s = advance(s, input(at(10_000), 3, 3, 3)).state;
  expect(s.terminal?.status).toBe('Succeeded');
  const out = advance(s, input(at(20_000), 3, 3, 3, { command: 'abort' }));
  expect(out).toEqual({ state: s, actions: [], events: [] });
});
