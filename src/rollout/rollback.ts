// Rolling back: traffic returns to the stable revision and the canary goes to 0 — as fast
// as the stable's ready replicas allow, never faster. A canary rollout has been scaling the
// stable down with its traffic (scaling.ts), so at 50/50 the stable may have half the
// replicas the load needs; moving all traffic back at once would overload it. Instead:
//
//   tick 1  abort is announced; mirror stops; stable → need (scale up); the stable's ready
//           replicas already cover some weight, so traffic moves back that far at once
//   tick n  each tick moves the stable's weight up to what its ready replicas cover
//           (replicas.ts weightCoveredBy), until it has 100 %
//   then    a tick after the canary's weight reached 0, the canary → 0 replicas: RolledBack
//
// Example, need 10, weights 50/50, stable 5 ready: tick 1 stays 50/50 (5 ready cover 50 %),
// stable → 10; tick 2 with 8 ready → 80/20; tick 3 with 10 ready → 100/0; tick 4 canary → 0,
// RolledBack. With blueGreen or allAtOnce the stable was held at full size, so traffic is back
// in the first tick. A failing canary thus keeps a little traffic while the stable warms up:
// that is the price of never dropping requests for lack of capacity (issue 5's invariant).

import { reconcileReplicas } from './scaling.js';
import { weightCoveredBy } from './replicas.js';
import type { Tick } from './tick.js';

export function rollback(tick: Tick): void {
  const abort = tick.state.abort;
  if (abort === null) return;
  if (!abort.announced) {
    tick.update({ abort: { ...abort, announced: true }, pausedAt: null });
    tick.act({ kind: 'abort', reason: abort.reason });
    tick.log('Aborted', `${abort.reason} at ${tick.stepLabel()}: moving traffic back to ${tick.state.stable}`);
  }
  // Mirrored requests serve nobody: stop them at once.
  tick.setMirror(0, 'rollback');

  const s = tick.state;
  const { stableReady } = tick.input.observed;
  const stableWeight = Math.max(100 - s.canaryWeight, weightCoveredBy(stableReady, tick.need));
  if (100 - stableWeight < s.canaryWeight) tick.setCanaryWeight(100 - stableWeight, `rollback: ${s.stable} has ready replicas for ${stableWeight} %`);

  reconcileReplicas(tick);

  const after = tick.state;
  if (after.canaryWeight === 0 && tick.settled() && after.requested.canary === 0) {
    tick.update({ terminal: { status: 'RolledBack', at: tick.now, reason: abort.reason } });
    tick.log('RolledBack', `${after.stable} has all traffic, ${after.canary} scaled to 0: ${abort.reason}`);
  }
}
