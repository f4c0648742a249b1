// The canary strategy tick by tick: state × input → actions, as the worked example in
// scaling.ts tells it (need 10 replicas; steps setWeight 10, pause 1m, setWeight 50).
import { describe, expect, it } from 'vitest';
import { millis } from '../spec/units.js';
import { advance } from './advance.js';
import { phaseOf } from './phase.js';
import type { RolloutState } from './state.js';
import { MIN, T0, analysis, at, brief, input, start } from './world.test.js';

const steps = [{ kind: 'setWeight' as const, weight: 10 }, { kind: 'pause' as const, durationMs: millis(MIN) }, { kind: 'setWeight' as const, weight: 50 }];

describe('canary, need 10: pre-scale, then weight, then scale the stable down a tick later', () => {
  // Each row: when, ready canary/stable, the actions expected, the phase after.
  const rows: Array<[string, number, number, number, string[], string]> = [
    ['first tick: the canary is scaled for 10 % before any traffic moves', 0, 0, 10, ['scale r1 10', 'scale r2 1'], 'Progressing'],
    ['the canary is not ready yet: nothing new', 10_000, 0, 10, [], 'Progressing'],
    ['the canary is ready: 10 % moves; the stable keeps its 10 replicas this tick', 20_000, 1, 10, ['weights 90/10'], 'Paused'],
    ['a tick later the stable is scaled to its 90 %', 30_000, 1, 10, ['scale r1 9'], 'Paused'],
    ['the pause ends: the canary is pre-scaled for 50 %', 20_000 + MIN, 1, 9, ['scale r2 5'], 'Progressing'],
    ['ready for 50 %: weights move, and the canary is pre-scaled for the finish', 30_000 + MIN, 5, 9, ['weights 50/50', 'scale r2 10'], 'Progressing'],
    ['a tick later the stable is scaled to its 50 %', 40_000 + MIN, 5, 9, ['scale r1 5'], 'Progressing'],
    ['the canary is ready for all traffic: weights 0/100', 50_000 + MIN, 10, 5, ['weights 0/100'], 'Progressing'],
    ['a tick later: promote (the old revision is retired by it)', 60_000 + MIN, 10, 5, ['promote r2'], 'Succeeded'],
  ];
  let state: RolloutState = start('canary', steps);
  it.each(rows)('%s', (_what, t, canaryReady, stableReady, expected, phase) => {
    const out = advance(state, input(T0 + t, canaryReady, stableReady, 10));
    expect(brief(out.actions)).toEqual(expected);
    expect(phaseOf(out.state, T0 + t).phase).toBe(phase);
    state = out.state;
  });
});

describe('canary with analysis', () => {
  const withAnalysis = [{ kind: 'setWeight' as const, weight: 20 }, { kind: 'analysis' as const, analysis }];

  function atAnalysis(autoRollback = true): RolloutState {
    let s = start('canary', withAnalysis, autoRollback);
    s = advance(s, input(at(0), 0, 10, 10)).state;
    const out = advance(s, input(at(10_000), 2, 10, 10));
    expect(brief(out.actions)).toEqual(['weights 80/20', 'startAnalysis 1']);
    return advance(out.state, input(at(20_000), 2, 10, 10)).state; // stable → 8
  }

  it('waits while the analysis runs, moves on when it passes', () => {
    const s = atAnalysis();
    const running = advance(s, input(at(30_000), 2, 8, 10, { analysis: { step: 1, outcome: 'continue' } }));
    expect(brief(running.actions)).toEqual([]);
    expect(phaseOf(running.state, at(30_000))).toMatchObject({ phase: 'Progressing' });
    const passed = advance(running.state, input(at(40_000), 2, 8, 10, { analysis: { step: 1, outcome: 'pass' } }));
    expect(brief(passed.actions)).toEqual(['scale r2 10']); // the finish's pre-scale
  });

  it('a Fail with autoRollback rolls back: abort, then weights back as the stable allows', () => {
    const s = atAnalysis();
    const failed = advance(s, input(at(30_000), 2, 8, 10, { analysis: { step: 1, outcome: 'fail' } }));
    // 8 stable ready cover 80 %: the weights stay; the stable is asked for all 10.
    expect(brief(failed.actions)).toEqual(['abort: analysis at step 2/2 (analysis) failed', 'scale r1 10']);
    expect(phaseOf(failed.state, at(30_000)).phase).toBe('RolledBack');
    const back = advance(failed.state, input(at(40_000), 2, 10, 10));
    expect(brief(back.actions)).toEqual(['weights 100/0']);
    const done = advance(back.state, input(at(50_000), 2, 10, 10));
    expect(brief(done.actions)).toEqual(['scale r2 0']);
    expect(done.state.terminal).toMatchObject({ status: 'RolledBack' });
  });

  it('a Fail without autoRollback pauses for a human; promote accepts it', () => {
    const s = atAnalysis(false);
    const failed = advance(s, input(at(30_000), 2, 8, 10, { analysis: { step: 1, outcome: 'fail' } }));
    expect(brief(failed.actions)).toEqual([]);
    expect(phaseOf(failed.state, at(30_000))).toMatchObject({ phase: 'Paused', reason: expect.stringContaining('autoRollback is off') as unknown });
    const promoted = advance(failed.state, input(at(40_000), 2, 8, 10, { command: 'promote' }));
    expect(brief(promoted.actions)).toEqual(['scale r2 10']);
  });

  it('hold (inconclusive) keeps the weights and never promotes, however long', () => {
    let s = atAnalysis();
    for (let t = 30_000; t < 30_000 + 60 * MIN; t += 60_000) {
      const out = advance(s, input(at(t), 10, 10, 10, { analysis: { step: 1, outcome: 'hold' } }));
      expect(out.actions.filter((a) => a.kind === 'setWeights' || a.kind === 'promote')).toEqual([]);
      s = out.state;
    }
    expect(phaseOf(s, at(0)).phase).toBe('Paused');
    expect(s.canaryWeight).toBe(20);
  });

  it('ignores an outcome for another step', () => {
    const s = atAnalysis();
    const out = advance(s, input(at(30_000), 2, 8, 10, { analysis: { step: 0, outcome: 'fail' } }));
    expect(out.state.abort).toBeNull();
    expect(out.state.analyses).toEqual([]);
  });
});

describe('ordering', () => {
  it('emits scale, not setWeights, until the canary covers its share', () => {
    let s = start('canary', [{ kind: 'setWeight', weight: 40 }]);
    for (const [t, ready] of [[0, 0], [10_000, 1], [20_000, 2], [30_000, 3]] as const) {
      const out = advance(s, input(at(t), ready, 10, 10));
      expect(out.actions.some((a) => a.kind === 'setWeights')).toBe(false);
      s = out.state;
    }
    expect(brief(advance(s, input(at(40_000), 4, 10, 10)).actions)).toEqual(['weights 60/40', 'scale r2 10']);
  });

  it('runs back-to-back weight steps in one tick when the canary is ready, and still holds the stable', () => {
    let s = start('canary', [{ kind: 'setWeight', weight: 10 }, { kind: 'setWeight', weight: 30 }, { kind: 'pause' }]);
    s = advance(s, input(at(0), 0, 10, 10)).state;
    const out = advance(s, input(at(10_000), 3, 10, 10));
    expect(brief(out.actions)).toEqual(['weights 90/10', 'weights 70/30', 'scale r2 3']);
    // The stable was at 100 % at the start of the tick: it keeps 10 until the next one.
    expect(out.state.requested.stable).toBe(10);
    expect(brief(advance(out.state, input(at(20_000), 3, 10, 10)).actions)).toEqual(['scale r1 7']);
  });

  it('follows the need: more load scales both sides by their shares', () => {
    let s = start('canary', [{ kind: 'setWeight', weight: 50 }, { kind: 'pause' }]);
    s = advance(s, input(at(0), 0, 4, 4)).state;
    s = advance(s, input(at(10_000), 2, 4, 4)).state;
    s = advance(s, input(at(20_000), 2, 4, 4)).state;
    expect(brief(advance(s, input(at(30_000), 2, 2, 9)).actions)).toEqual(['scale r1 5', 'scale r2 5']);
  });
});
