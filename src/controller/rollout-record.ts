// What the rollout controller keeps in a rollout row's `state` column: the pure machine's
// state plus what the shell needs to resume after a restart, in one JSON value written in
// the same transaction as the events (store.saveRolloutTransition).
//
//   {
//     format: 1,
//     machine: RolloutState,                       // rollout/state.ts, as advance returned it
//     runs: { "<step>": RunState & { startedAt } },  // analysis runs by plan step (analysis/run-state.ts)
//     rollingBack: { id, machine } | null          // a superseded rollout still moving its traffic back
//   }
//
// Why `rollingBack` lives here: the store allows one active rollout per deployment and
// finishes the old row when a new one supersedes it, while rollout/supersede.ts asks the
// controller to keep advancing the superseded machine until it is RolledBack before starting
// the new one. So the new row carries the old machine until its rollback is done; `id` is the
// old row, for the events' data.

import type { RunState } from '../analysis/run-state.js';
import type { RolloutEvent, RolloutState } from '../rollout/index.js';
import { readRolloutState } from '../rollout/index.js';
import type { AnalysisResult } from '../analysis/verdict.js';
import type { Millis, RevisionId } from '../spec/units.js';
import type { NewEvent } from '../store/index.js';

export const ROLLOUT_RECORD_FORMAT = 1;

/** An analysis run of one plan step; `startedAt` is when its startAnalysis was applied. */
export type StepRun = RunState & { startedAt: Millis };

export interface RolloutRecord {
  format: typeof ROLLOUT_RECORD_FORMAT;
  machine: RolloutState;
  runs: Record<string, StepRun>;
  rollingBack: { id: number; machine: RolloutState } | null;
}

/** A record that cannot be read back (written by something else, or a newer format). */
export class RolloutRecordError extends Error {
  override readonly name = 'RolloutRecordError';
  constructor(
    readonly rolloutId: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`rollout ${rolloutId}: ${message}`, options);
  }
}

export function newRecord(machine: RolloutState, rollingBack: RolloutRecord['rollingBack'] = null): RolloutRecord {
  return { format: ROLLOUT_RECORD_FORMAT, machine, runs: {}, rollingBack };
}

export function readRecord(id: number, json: Record<string, unknown>): RolloutRecord {
  if (json.format !== ROLLOUT_RECORD_FORMAT) {
    throw new RolloutRecordError(id, `record format ${JSON.stringify(json.format)} is not supported (this build reads ${ROLLOUT_RECORD_FORMAT})`);
  }
  try {
    const rb = json.rollingBack as { id: number; machine: unknown } | null;
    return {
      format: ROLLOUT_RECORD_FORMAT,
      machine: readRolloutState(json.machine),
      runs: (json.runs ?? {}) as Record<string, StepRun>,
      rollingBack: rb === null || rb === undefined ? null : { id: rb.id, machine: readRolloutState(rb.machine) },
    };
  } catch (err) {
    throw new RolloutRecordError(id, 'unreadable rollout state', { cause: err });
  }
}

/** The record as the store's JSON column takes it. */
export function recordJson(record: RolloutRecord): Record<string, unknown> {
  return record as unknown as Record<string, unknown>;
}

/**
 * The machine's events as store events: type `rollout.<kind>` (rollout.StepStarted, …),
 * data `{ step, at }`, plus the verdict and per-metric reasons on an AnalysisOutcome.
 */
export function storeEvents(
  deployment: string,
  revision: RevisionId,
  events: readonly RolloutEvent[],
  extra: { result?: AnalysisResult; supersededRollout?: number } = {},
): NewEvent[] {
  return events.map((e) => {
    const data: Record<string, unknown> = { at: e.at };
    if (e.step !== undefined) data['step'] = e.step;
    if (extra.supersededRollout !== undefined) data['supersededRollout'] = extra.supersededRollout;
    if (e.kind === 'AnalysisOutcome' && extra.result !== undefined) {
      data['verdict'] = extra.result.verdict;
      data['verdicts'] = extra.result.metrics.map((m) => ({ metric: m.metric, verdict: m.verdict, reason: m.reason }));
      data['samples'] = extra.result.samples;
    }
    return { type: `rollout.${e.kind}`, message: e.message, deployment, revision, data };
  });
}
