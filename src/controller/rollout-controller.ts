// The rollout loop of the control plane (ARCHITECTURE.md, data flow 2): every tick and for
// each active rollout, read the stored record (rollout-record.ts), observe the ready replicas
// and the load's need, judge an analysis interval when one is due
// (rollout-analysis-runner.ts), `advance` the pure machine, APPLY its actions in order, and
// only then persist the new record and its events in one transaction — the order
// rollout/advance.ts relies on to resume after a crash without repeating or skipping a step.
// A failed action (target.scale throws) persists nothing: the next tick recomputes the same
// step from the stored record, and its absolute actions move nothing twice.
//
// Superseding (begin on a deployment with an active rollout): rollout/supersede.ts; the new
// row carries the old machine in `rollingBack` and advances it first, until RolledBack.
//
// Commands are queued per deployment and the deployment is ticked at once, so the answer to
// `rollcast rollout pause` already shows the pause. If that tick fails, the command stays
// queued for the next one (the error goes to onError). The queue is in memory: a command
// not yet applied is lost with the process, and the API caller was not told it was applied.
//
// All ticks (the loop's and a command's) run one at a time, so two never advance one
// rollout from the same version; StaleRolloutError then means a begin() (synchronous, called
// by the control plane's apply) or another process wrote meanwhile: the tick is dropped and
// the next one re-applies the stored weights and counts first (rollout-actions.ts resync),
// as the first tick of every rollout in a new controller does after a restart.
//
// A promoted rollout's old revision is retired and removed from the routes after the final
// transition is on record; a rolled-back canary is left at 0 replicas and weight 0 (the
// control plane may retire it).

import type { RevisionWindow } from '../analysis/window.js';
import { advance, isTerminal, startRollout, statusOf, supersede, type RolloutCommand, type RolloutState } from '../rollout/index.js';
import type { RolloutSpec } from '../spec/types.js';
import type { RevisionId } from '../spec/units.js';
import { NotFoundError, StaleRolloutError, type NewEvent, type StoredRollout, type Store } from '../store/index.js';
import type { ReplicaStatus } from '../targets/target.js';
import type { RolloutView } from '../api/rollout-views.js';
import type { Cancel, Clock, Scheduler } from './clock.js';
import { ConflictError } from './errors.js';
import { applyActions, resync, type Promotion } from './rollout-actions.js';
import { analyzeDue } from './rollout-analysis-runner.js';
import { newRecord, readRecord, recordJson, storeEvents, type RolloutRecord } from './rollout-record.js';

export const DEFAULT_ROLLOUT_TICK_MS = 5_000;

/** A command for a deployment that has no active rollout (the API answers 409). */
export class NoActiveRolloutError extends ConflictError {
  constructor(readonly deployment: string) {
    super(`deployment '${deployment}' has no active rollout`);
  }
}

export interface RolloutControllerDeps {
  store: Pick<Store, 'startRollout' | 'saveRolloutTransition' | 'activeRollout' | 'activeRollouts' | 'listRollouts'>;
  routes: { setWeights(deployment: string, weights: Map<RevisionId, number>): void; removeRevision(id: RevisionId): void };
  target: { scale(revision: RevisionId, replicas: number): Promise<void>; retire(revision: RevisionId): Promise<void>; status(): Promise<ReplicaStatus[]> };
  samples: { window(revision: RevisionId, from: number, to: number): RevisionWindow };
  /** Replicas the whole load of the deployment needs now (the autoscaler's desired count). */
  need: (deployment: string) => number;
  clock: Clock;
  scheduler: Scheduler;
  tickMs?: number;
  onError?: (err: unknown) => void;
}

export class RolloutController {
  readonly #d: RolloutControllerDeps;
  readonly tickMs: number;
  readonly #commands = new Map<string, RolloutCommand[]>();
  /** Rollout rows whose stored weights and replica counts this instance has re-applied (see rollout-actions.ts resync). */
  readonly #synced = new Set<number>();
  #cancel: Cancel | undefined;
  #chain: Promise<unknown> = Promise.resolve();

  constructor(deps: RolloutControllerDeps) {
    this.#d = deps;
    this.tickMs = deps.tickMs ?? DEFAULT_ROLLOUT_TICK_MS;
  }

  start(): void {
    if (this.#cancel) return;
    const loop = (): void => {
      this.#cancel = this.#d.scheduler.after(this.tickMs, () => {
        this.tick().catch((err: unknown) => this.#d.onError?.(err));
        loop();
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.#cancel?.();
    this.#cancel = undefined;
    await this.#chain.catch(() => undefined);
  }

  /** True while the deployment has an active rollout (it, not the autoscaler, sizes the two revisions). */
  active(deployment: string): boolean {
    return this.#d.store.activeRollout(deployment) !== undefined;
  }

  /**
   * Starts a rollout of `canary` against `stable`, or supersedes the active one (then the
   * stable revision is the active rollout's, as rollout/supersede.ts decides, and `stable` is
   * not used). Applying the active canary again changes nothing.
   */
  begin(deployment: string, stable: RevisionId, canary: RevisionId, spec: RolloutSpec): StoredRollout {
    const now = this.#d.clock.now();
    const store = this.#d.store;
    const active = store.activeRollout(deployment);
    const started = (m: RolloutState): NewEvent => ({ type: 'rollout.started', message: `${m.canary} rolls out against ${m.stable} (${m.strategy}, ${m.steps.length} steps)`, deployment, revision: m.canary });
    if (active === undefined) {
      const machine = startRollout({ stable, canary, spec, now });
      return store.startRollout({ deployment, canaryRevision: canary, stableRevision: stable, state: recordJson(newRecord(machine)), events: [started(machine)] });
    }
    const record = readRecord(active.id, active.state);
    const m = record.machine;
    let superseded: RolloutState;
    let next: RolloutState | null;
    if (m.startedAt === null) {
      // Never advanced, so it moved no traffic: replaced outright (a rollback in progress goes on).
      if (canary === m.canary) return active;
      superseded = { ...m, terminal: { status: 'RolledBack', at: now, reason: `superseded by ${canary} before it started` } };
      next = canary === m.stable ? null : { ...startRollout({ stable: m.stable, canary, spec, now }), supersedes: record.rollingBack?.machine.canary ?? null };
    } else {
      ({ superseded, next } = supersede(m, canary, spec, now));
      if (superseded === m && next === null) return active;
    }
    const rollingBack = record.rollingBack ?? (superseded.terminal === null ? { id: active.id, machine: superseded } : null);
    const event: NewEvent = { type: 'rollout.superseded', message: `${m.canary} superseded by ${canary}`, deployment, revision: canary, data: { supersededRollout: active.id } };
    if (next === null) {
      // Nothing new to roll out (the stable applied again): this row rolls back and ends.
      const kept: RolloutRecord = { ...record, machine: superseded };
      return store.saveRolloutTransition({ id: active.id, fromVersion: active.version, state: recordJson(kept), finished: isTerminal(superseded) && record.rollingBack === null, events: [event] });
    }
    return store.startRollout({
      deployment,
      canaryRevision: next.canary,
      stableRevision: next.stable,
      state: recordJson(newRecord(next, rollingBack)),
      events: [event, started(next)],
      supersededState: recordJson({ ...record, machine: superseded, rollingBack: null }),
    });
  }

  /** Queues a command and ticks the deployment at once (see the header); the view after it. */
  async command(deployment: string, command: RolloutCommand): Promise<RolloutView> {
    const row = this.#d.store.activeRollout(deployment);
    if (row === undefined || isTerminal(readRecord(row.id, row.state).machine)) throw new NoActiveRolloutError(deployment);
    this.#commands.set(deployment, [...(this.#commands.get(deployment) ?? []), command]);
    await this.#exclusive(async () => {
      const fresh = this.#d.store.activeRollout(deployment);
      if (fresh === undefined) return;
      await this.#tickRow(fresh, await this.#d.target.status()).catch((err: unknown) => this.#d.onError?.(err));
    });
    return this.view(deployment);
  }

  /** The active rollout's status, else the latest finished one's; NotFoundError when there never was one. */
  view(deployment: string): RolloutView {
    const row = this.#d.store.activeRollout(deployment) ?? this.#d.store.listRollouts(deployment, 1).at(-1);
    if (row === undefined) throw new NotFoundError('rollout', deployment, 'the deployment has had no rollout');
    const { machine } = readRecord(row.id, row.state);
    return {
      ...statusOf(machine, this.#d.clock.now()),
      id: row.id,
      deployment,
      stable: machine.stable,
      canary: machine.canary,
      active: row.status === 'active',
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    };
  }

  /** Same as view: what `rollcast rollout status NAME --json` prints. */
  status(deployment: string): RolloutView {
    return this.view(deployment);
  }

  /** One pass over every active rollout; one rollout's error does not stop the others. */
  tick(): Promise<void> {
    return this.#exclusive(async () => {
      const rows = this.#d.store.activeRollouts();
      if (rows.length === 0) return;
      const statuses = await this.#d.target.status();
      for (const row of rows) {
        try {
          await this.#tickRow(row, statuses);
        } catch (err) {
          this.#d.onError?.(err);
        }
      }
    });
  }

  #exclusive(fn: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(fn, fn);
    this.#chain = run.catch(() => undefined);
    return run;
  }

  async #tickRow(row: StoredRollout, statuses: ReplicaStatus[]): Promise<void> {
    const now = this.#d.clock.now();
    const deployment = row.deployment;
    const before = readRecord(row.id, row.state);
    if (!this.#synced.has(row.id)) {
      await resync(this.#d, deployment, before);
      this.#synced.add(row.id);
    }
    let record = before;
    const events: NewEvent[] = [];
    const observed = (m: RolloutState) => ({
      canaryReady: readyOf(statuses, m.canary),
      stableReady: readyOf(statuses, m.stable),
      needReplicas: this.#d.need(deployment),
    });

    // 1. A superseded rollout moves its traffic back first.
    if (record.rollingBack !== null) {
      const rb = record.rollingBack;
      const r = advance(rb.machine, { now, observed: observed(rb.machine) });
      await applyActions(this.#d, deployment, r.actions, events);
      events.push(...storeEvents(deployment, rb.machine.canary, r.events, { supersededRollout: rb.id }));
      record = { ...record, rollingBack: isTerminal(r.state) ? null : { id: rb.id, machine: r.state } };
    }

    // 2. Then this rollout: analysis interval, the user's command, the machine.
    let promote: Promotion | undefined;
    const queue = this.#commands.get(deployment) ?? [];
    let commandUsed = false;
    if (record.rollingBack === null && !isTerminal(record.machine)) {
      const machine = record.machine;
      const analysis = analyzeDue(machine, record.runs, this.#d.samples, now);
      const command = queue[0];
      commandUsed = command !== undefined;
      const r = advance(machine, {
        now,
        observed: observed(machine),
        ...(analysis.observation && { analysis: analysis.observation }),
        ...(command !== undefined && { command }),
      });
      const runs = { current: analysis.runs, now };
      promote = await applyActions(this.#d, deployment, r.actions, events, runs);
      events.push(...storeEvents(deployment, machine.canary, r.events, analysis.observation ? { result: analysis.observation.result } : {}));
      record = { ...record, machine: r.state, runs: runs.current };
    }

    // 3. Persist (the actions are applied); an unchanged record with nothing to say is not rewritten.
    const finished = isTerminal(record.machine) && record.rollingBack === null;
    if (events.length > 0 || commandUsed || JSON.stringify(record) !== JSON.stringify(before)) {
      try {
        this.#d.store.saveRolloutTransition({
          id: row.id,
          fromVersion: row.version,
          state: recordJson(record),
          finished,
          events,
          ...(promote && { promote: promote.revision }),
        });
      } catch (err) {
        if (err instanceof StaleRolloutError) {
          // Another writer won; the next tick starts from its state, and re-applies it, since
          // the actions just applied may have moved the routes past it.
          this.#synced.delete(row.id);
          return;
        }
        throw err;
      }
    }
    if (commandUsed) this.#commands.set(deployment, queue.slice(1));
    if (finished) this.#commands.delete(deployment);

    // 4. After promotion is on record: the old revision has no traffic; drain and forget it.
    if (promote) {
      await this.#d.target.retire(promote.retire);
      this.#d.routes.removeRevision(promote.retire);
    }
  }
}

function readyOf(statuses: readonly ReplicaStatus[], revision: RevisionId): number {
  return statuses.filter((s) => s.revisionId === revision && s.phase === 'ready').length;
}
