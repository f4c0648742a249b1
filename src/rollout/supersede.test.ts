// A newer apply during a rollout: the running one rolls back, a new one from the stable
// revision waits for it (supersede.ts).
import { expect, it } from 'vitest';
import { revisionId } from '../spec/units.js';
import { advance } from './advance.js';
import { phaseOf } from './phase.js';
import { supersede } from './supersede.js';
import type { RolloutState } from './state.js';
import { CANARY, STABLE, at, brief, input, rolloutSpec, start } from './world.test.js';

const R3 = revisionId('r3');

/** r1 → r2 at 50 %, stable scaled to 5. */
function halfway(): RolloutState {
  let s = start('canary', [{ kind: 'setWeight', weight: 50 }, { kind: 'pause' }]);
  s = advance(s, input(at(0), 0, 10, 10)).state;
  s = advance(s, input(at(10_000), 5, 10, 10)).state;
  return advance(s, input(at(20_000), 5, 10, 10)).state;
}

it('aborts the running rollout and starts a new one from the stable revision, Pending until it is done', () => {
  const { superseded, next } = supersede(halfway(), R3, rolloutSpec('canary'), at(30_000));
  expect(superseded.abort).toMatchObject({ cause: 'superseded', reason: 'superseded by r3' });
  expect(next).toMatchObject({ stable: STABLE, canary: R3, supersedes: CANARY, startedAt: null });
  expect(phaseOf(next!, at(30_000)).reason).toBe('waiting for the superseded rollout of r2 to roll back');

  // The old one rolls back at the pace of the stable's warm-up: 5 ready cover 50 %, 8 cover 80 %.
  const a = advance(superseded, input(at(40_000), 5, 5, 10));
  expect(brief(a.actions)).toEqual(['abort: superseded by r3', 'scale r1 10']);
  const b = advance(a.state, input(at(50_000), 5, 8, 10));
  expect(brief(b.actions)).toEqual(['weights 80/20']);
  const c = advance(b.state, input(at(60_000), 5, 10, 10));
  expect(brief(c.actions)).toEqual(['weights 100/0', 'scale r2 2']);
  const d = advance(c.state, input(at(70_000), 2, 10, 10));
  expect(brief(d.actions)).toEqual(['scale r2 0']);
  expect(phaseOf(d.state, at(70_000))).toEqual({ phase: 'RolledBack', reason: 'superseded by r3' });
});

it('leaves the running plan alone: the old rollout keeps its snapshot', () => {
  const old = halfway();
  const { superseded } = supersede(old, R3, rolloutSpec('blueGreen'), at(30_000));
  expect(superseded.steps).toEqual(old.steps);
  expect(superseded.strategy).toBe('canary');
});

it.each<[string, () => RolloutState, string | null, string | null]>([
  ['after a success the new rollout starts from the promoted revision', () => ({ ...halfway(), terminal: { status: 'Succeeded', at: at(0), reason: '' } }), 'r2', 'r3'],
  ['after a rollback from the old stable', () => ({ ...halfway(), terminal: { status: 'RolledBack', at: at(0), reason: '' } }), 'r1', 'r3'],
])('%s', (_what, old, stable, canary) => {
  const { superseded, next } = supersede(old(), R3, rolloutSpec('canary'), at(30_000));
  expect(superseded.abort).toBeNull();
  expect(next === null ? null : [next.stable, next.canary]).toEqual([stable, canary]);
});

it('applying the stable version again just rolls back; the same canary again changes nothing', () => {
  const back = supersede(halfway(), STABLE, rolloutSpec('canary'), at(30_000));
  expect(back.next).toBeNull();
  expect(back.superseded.abort?.reason).toBe('superseded: r1 (the stable revision) applied again');
  const same = supersede(halfway(), CANARY, rolloutSpec('canary'), at(30_000));
  expect(same).toEqual({ superseded: halfway(), next: null });
});
