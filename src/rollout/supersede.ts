// Applying a spec with yet another model version while a rollout runs (documented
// behaviour, issue 5): the running rollout is aborted — its canary's traffic goes back to the
// stable revision and the canary to 0, by the rollback rules (rollback.ts) — and a new
// rollout from the *stable* revision to the newest one is created, Pending. The half-tested
// canary is never promoted on the way and never becomes the baseline: the new version is
// judged against the version users have been running.
//
// The controller keeps advancing the superseded rollout until it is RolledBack (one tick
// when the stable still has the replicas for all traffic, a few while it warms up), then
// starts advancing the new one; two rollouts of one deployment never move traffic at once.
//
//   running r1 → r2 at 50 %; apply r3   →  superseded: r1 ← r2 rolling back; next: r1 → r3 Pending
//   r1 → r2 already Succeeded; apply r3 →  not superseded; next: r2 → r3
//   r1 → r2 RolledBack; apply r3        →  next: r1 → r3
//   running r1 → r2; apply r1 again     →  superseded (rolled back); next: null (nothing to roll out)
//   running r1 → r2; apply r2 again     →  unchanged; next: null (the same rollout goes on)

import type { RolloutSpec } from '../spec/types.js';
import type { Millis, RevisionId } from '../spec/units.js';
import { startRollout, type RolloutState } from './state.js';

export interface Superseded {
  /** The old rollout, now rolling back (or unchanged when it had finished or is the same version). */
  superseded: RolloutState;
  /** The rollout to run once the old one is finished; null when there is nothing new to roll out. */
  next: RolloutState | null;
}

export function supersede(old: RolloutState, newCanary: RevisionId, spec: RolloutSpec, now: Millis): Superseded {
  if (old.terminal?.status === 'Succeeded') {
    return { superseded: old, next: newCanary === old.canary ? null : startRollout({ stable: old.canary, canary: newCanary, spec, now }) };
  }
  if (old.terminal?.status === 'RolledBack') {
    return { superseded: old, next: newCanary === old.stable ? null : startRollout({ stable: old.stable, canary: newCanary, spec, now }) };
  }
  if (newCanary === old.canary) return { superseded: old, next: null };
  const reason = newCanary === old.stable ? `superseded: ${newCanary} (the stable revision) applied again` : `superseded by ${newCanary}`;
  const superseded: RolloutState = old.abort !== null ? old : { ...old, abort: { reason, cause: 'superseded', at: now, announced: false } };
  if (newCanary === old.stable) return { superseded, next: null };
  return { superseded, next: { ...startRollout({ stable: old.stable, canary: newCanary, spec, now }), supersedes: old.canary } };
}
