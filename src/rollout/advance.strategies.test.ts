// linear, blueGreen, allAtOnce and shadow, tick by tick: state × input → actions.
import { describe, expect, it } from 'vitest';
import { expandLinear } from '../spec/defaults.js';
import { millis } from '../spec/units.js';
import { advance } from './advance.js';
import { phaseOf } from './phase.js';
import type { RolloutState } from './state.js';
import { MIN, analysis, at, brief, input, start } from './world.test.js';

type Row = [what: string, t: number, canaryReady: number, stableReady: number, extra: Parameters<typeof input>[4], expected: string[], phase: string];

function table(name: string, initial: () => RolloutState, need: number, rows: Row[]): void {
  describe(name, () => {
    let state = initial();
    it.each(rows)('%s', (_what, t, canaryReady, stableReady, extra, expected, phase) => {
      const out = advance(state, input(at(t), canaryReady, stableReady, need, extra));
      expect(brief(out.actions)).toEqual(expected);
      expect(phaseOf(out.state, at(t)).phase).toBe(phase);
      state = out.state;
    });
  });
}

table('linear 50 % every minute, need 6', () => start('linear', expandLinear(50, 60_000, analysis)), 6, [
  ['pre-scale for 50 %', 0, 0, 6, {}, ['scale r1 6', 'scale r2 3'], 'Progressing'],
  ['50 % moves; the 1m interval starts', 10_000, 3, 6, {}, ['weights 50/50'], 'Paused'],
  ['the stable follows a tick later', 20_000, 3, 6, {}, ['scale r1 3'], 'Paused'],
  ['interval over: the analysis starts', 10_000 + MIN, 3, 3, {}, ['startAnalysis 2'], 'Progressing'],
  ['passed: pre-scale for all traffic', 20_000 + MIN, 3, 3, { analysis: { step: 2, outcome: 'pass' } }, ['scale r2 6'], 'Progressing'],
  ['ready: all traffic', 30_000 + MIN, 6, 3, {}, ['weights 0/100'], 'Progressing'],
  ['promoted', 40_000 + MIN, 6, 3, {}, ['promote r2'], 'Succeeded'],
]);

table('blueGreen defaults, need 4: full-size warm-up with no traffic, one switch, the old kept 10 min', () => start('blueGreen'), 4, [
  ['the new revision is scaled to full size; the stable is held at full size', 0, 0, 4, {}, ['scale r1 4', 'scale r2 4'], 'Progressing'],
  ['still warming up: no traffic yet', 10_000, 2, 4, {}, [], 'Progressing'],
  ['ready: all traffic at once', 20_000, 4, 4, {}, ['weights 0/100'], 'Paused'],
  ['the old revision keeps its replicas during the pause (instant rollback)', 30_000, 4, 4, {}, [], 'Paused'],
  ['after 10 min: promote, the old revision is retired', 20_000 + 10 * MIN, 4, 4, {}, ['promote r2'], 'Succeeded'],
]);

const bgAnalysed = [
  { kind: 'setCanaryScale' as const, scale: { kind: 'weight' as const, weight: 100 } },
  { kind: 'analysis' as const, analysis },
  { kind: 'setWeight' as const, weight: 100 },
];
table('blueGreen judged on mirrored requests before the switch, need 4', () => start('blueGreen', bgAnalysed), 4, [
  ['full-size warm-up', 0, 0, 4, {}, ['scale r1 4', 'scale r2 4'], 'Progressing'],
  ['ready: mirror all requests, start the analysis; live weight stays 0', 10_000, 4, 4, {}, ['mirror 100', 'startAnalysis 2'], 'Progressing'],
  ['passed: the mirror ends and all traffic switches', 20_000, 4, 4, { analysis: { step: 2, outcome: 'pass' } }, ['mirror 0', 'weights 0/100'], 'Progressing'],
  ['promoted', 30_000, 4, 4, {}, ['promote r2'], 'Succeeded'],
]);

table('allAtOnce defaults, need 3: ready first, then everything at once', () => start('allAtOnce'), 3, [
  ['the new revision is scaled for all traffic', 0, 0, 3, {}, ['scale r1 3', 'scale r2 3'], 'Progressing'],
  ['ready: switch', 10_000, 3, 3, {}, ['weights 0/100'], 'Progressing'],
  ['promoted', 20_000, 3, 3, {}, ['promote r2'], 'Succeeded'],
]);

const bake = [{ kind: 'pause' as const, durationMs: millis(5 * MIN) }, { kind: 'analysis' as const, analysis }];
table('allAtOnce with bake and analysis, failing: rolled back in one tick (the stable was held)', () => start('allAtOnce', bake), 3, [
  ['scale for all traffic', 0, 0, 3, {}, ['scale r1 3', 'scale r2 3'], 'Progressing'],
  ['switch; the bake starts', 10_000, 3, 3, {}, ['weights 0/100'], 'Paused'],
  ['baked: analyse', 10_000 + 5 * MIN, 3, 3, {}, ['startAnalysis 2'], 'Progressing'],
  ['failed: traffic back at once', 20_000 + 5 * MIN, 3, 3, { analysis: { step: 2, outcome: 'fail' } }, ['abort: analysis at step 3/3 (analysis) failed', 'weights 100/0'], 'RolledBack'],
  ['a tick later the new revision goes to 0', 30_000 + 5 * MIN, 3, 3, {}, ['scale r2 0'], 'RolledBack'],
]);

table('shadow defaults, need 4: mirrored, never live, then promoted', () => start('shadow'), 4, [
  ['the shadow is scaled to full size', 0, 0, 4, {}, ['scale r1 4', 'scale r2 4'], 'Progressing'],
  ['ready: mirror every request; the 10 min bake starts', 10_000, 4, 4, {}, ['mirror 100'], 'Paused'],
  ['baked: analyse on the mirrored traffic', 10_000 + 10 * MIN, 4, 4, {}, ['startAnalysis 3'], 'Progressing'],
  ['still judging: live weight 0', 20_000 + 10 * MIN, 4, 4, { analysis: { step: 3, outcome: 'continue' } }, [], 'Progressing'],
  ['passed: mirror off, all live traffic at once (it is ready)', 30_000 + 10 * MIN, 4, 4, { analysis: { step: 3, outcome: 'pass' } }, ['mirror 0', 'weights 0/100'], 'Progressing'],
  ['promoted', 40_000 + 10 * MIN, 4, 4, {}, ['promote r2'], 'Succeeded'],
]);

table('shadow failing: the mirror stops and the shadow goes to 0', () => start('shadow', [{ kind: 'analysis', analysis }]), 2, [
  ['scaled for the mirror', 0, 0, 2, {}, ['scale r1 2', 'scale r2 2'], 'Progressing'],
  ['mirroring, judging', 10_000, 2, 2, {}, ['mirror 100', 'startAnalysis 1'], 'Progressing'],
  ['failed: no live traffic to move back, so it ends in this tick', 20_000, 2, 2, { analysis: { step: 1, outcome: 'fail' } }, ['abort: analysis at step 2/2 (analysis) failed', 'mirror 0', 'scale r2 0'], 'RolledBack'],
]);
