// The physical limit: a policy that knows the future load and provisions exactly to a
// replica's full capacity. No real policy can miss less at lower cost, so the benchmark
// reports every other policy as a ratio to it.
//
// A replica started at tick t serves from tick t + k, k = ceil(warmup / tick) (simulate.ts:
// ready at the first tick start ≥ t + warmup). Every replica serving at t + m, m ≤ k, must
// therefore already exist (ready or starting) at t. So at t the oracle wants
//     max over m in [0, k] of demand(t + m),   demand = ceil(load / perReplica)
// — the continuous "max demand over [t + warmup, t + warmup + tick]" for the replicas it
// starts now, plus those still needed for the current demand and the ticks in between.
// That is also enough: kept replicas are the oldest ones (the simulator removes the newest
// first), so after the first warm-up it never misses; and since each tick's count is the
// lower bound just derived, no policy that never misses pays less (tests check both).
//
// Worked example: warm-up 2 ticks, demand 1 1 1 5 5 1 1 → desired 1 5 5 5 5 1 1 (min 1):
// at tick 1 it starts 4 replicas that serve from tick 3, and drops them after tick 4.

import { hold, type Policy } from './policy.js';
import { demandOf } from './trace.js';

export interface OracleState {
  /** Ticks between starting a replica and it serving: ceil(warmup / tick). */
  readonly lead: number;
  readonly perReplica: number;
}

export function oraclePolicy(): Policy<OracleState> {
  return {
    name: 'oracle',
    seesFuture: true,
    init: (setup) => ({ lead: Math.ceil(setup.warmupMs / setup.tickMs), perReplica: setup.perReplica }),
    step(state, observation, history) {
      const ahead = history.loadAhead;
      if (ahead === undefined) return hold(state, observation);
      let desired = 0;
      for (let m = 0; m <= state.lead; m++) {
        const load = ahead(m);
        if (!Number.isNaN(load)) desired = Math.max(desired, demandOf(load, state.perReplica));
      }
      return { state, desired };
    },
  };
}
