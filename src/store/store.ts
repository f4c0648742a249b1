// The embedded state store: deployments, their immutable revisions, and the event log, in
// one SQLite file. Every state change is one transaction that also writes the event saying
// why, so the log and the state can never disagree.
import type Database from 'better-sqlite3';
import { revisionId, type Millis, type RevisionId } from '../spec/units.js';
import { NotFoundError, StaleRolloutError } from './errors.js';
import { openDatabase } from './open.js';
import { listEvents } from './events.js';
import { activeRollout, activeRollouts, getRollout, insertRollout, listRollouts, updateRollout } from './rollouts.js';
import {
  checkLoadPoint,
  deleteLoadPoints,
  insertDecision,
  insertForecast,
  latestForecast,
  listDecisions,
  pruneAutoscaling,
  readLoadPoints,
  readPlannerState,
  upsertLoadPoints,
  writePlannerState,
} from './autoscaling.js';
import {
  canonicalJson,
  toDeployment,
  toEvent,
  toRevision,
  type DeploymentRow,
  type EventRow,
  type RevisionRow,
} from './rows.js';
import type {
  ApplyInput,
  ApplyResult,
  ChangeResult,
  Deployment,
  EventData,
  EventQuery,
  Failpoint,
  HistoryImportInput,
  LoadPoint,
  NewDecision,
  NewEvent,
  NewRollout,
  RolloutTransition,
  StoredDecision,
  StoredRollout,
  StoredForecast,
  Revision,
  StoreEvent,
  StoreOptions,
} from './types.js';

/** Opens the store at `path` (the directory must exist); `:memory:` for a throwaway one. */
export function openStore(path: string, opts: StoreOptions = {}): Store {
  const db = openDatabase(path, opts.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: opts.busyTimeoutMs });
  return new Store(db, path, opts);
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export class Store {
  readonly #db: Database.Database;
  readonly #clock: () => number;
  readonly #failpoint: (point: Failpoint) => void;

  /** Use `openStore`; this takes an already opened and migrated connection. */
  constructor(
    db: Database.Database,
    readonly path: string,
    opts: StoreOptions = {},
  ) {
    this.#db = db;
    this.#clock = opts.clock ?? Date.now;
    this.#failpoint = opts.failpoint ?? (() => undefined);
  }

  close(): void {
    this.#db.close();
  }

  /**
   * Records an apply. A new revision is made only when the spec (compared with keys sorted)
   * or the model digest differ from the deployment's latest revision. Nothing at all is
   * written — no revision, no replica change, no event — when the deployment is active and
   * already runs that latest revision: re-applying the same file is a no-op, and it does not
   * undo what the autoscaler chose (`desiredReplicas` is only written when the apply writes).
   * Re-applying after a delete reactivates the deployment, reusing the revision if unchanged.
   */
  applyRevision(input: ApplyInput): ApplyResult {
    const { deployment: name, modelDigest, modelPath, desiredReplicas } = input;
    if (name.length === 0) throw new RangeError('deployment name must not be empty');
    if (!SHA256_HEX.test(modelDigest)) {
      throw new RangeError(`modelDigest = ${JSON.stringify(modelDigest)}, must be 64 lowercase hex digits (sha256)`);
    }
    checkReplicas(desiredReplicas);
    // Serialized before the transaction: a spec that is not JSON fails here, touching nothing.
    const spec = canonicalJson(input.spec);

    return this.#write((): ApplyResult => {
      const now = this.#now();
      const current = this.#deploymentRow(name);
      const latest = this.#latestRevisionRow(name);
      const same = latest !== undefined && latest.spec === spec && latest.model_digest === modelDigest;
      if (same && current?.status === 'active' && current.active_revision === latest.id) {
        return { changed: false, revision: toRevision(latest), deployment: toDeployment(current) };
      }

      const number = (latest?.number ?? 0) + 1;
      const id = same ? latest.id : `${name}-r${number}`;
      // The FK from active_revision to revisions is deferred, so the deployment row (which the
      // revision's own FK needs) can be written first.
      this.#db
        .prepare(
          // A new deployment (or one brought back after a delete) serves its revision at once;
          // an existing one keeps serving the previous revision until promoteRevision.
          `INSERT INTO deployments (name, spec, desired_replicas, active_revision, serving_revision, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, 'active', ?, ?)
           ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, desired_replicas = excluded.desired_replicas,
             active_revision = excluded.active_revision,
             serving_revision = CASE WHEN deployments.status = 'deleted' THEN excluded.serving_revision
                                     ELSE COALESCE(deployments.serving_revision, deployments.active_revision) END,
             status = 'active', updated_at = excluded.updated_at`,
        )
        .run(name, spec, desiredReplicas, id, id, now, now);
      this.#failpoint('apply.deploymentWritten');
      if (!same) {
        this.#db
          .prepare(
            `INSERT INTO revisions (id, deployment, number, spec, model_digest, model_path, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(id, name, number, spec, modelDigest, modelPath, now);
      }
      this.#failpoint('apply.revisionInserted');
      const what = same ? `reactivated ${name} at revision ${id}` : `applied ${name}: new revision ${id}`;
      this.#insertEvent(now, {
        type: 'applied',
        deployment: name,
        revision: revisionId(id),
        message: `${what} with ${desiredReplicas} desired replicas`,
        data: { revision: id, number: same ? latest.number : number, modelDigest, desiredReplicas, newRevision: !same },
      });
      this.#failpoint('apply.eventWritten');
      return { changed: true, revision: this.getRevision(revisionId(id)), deployment: this.getDeployment(name) };
    });
  }

  /**
   * The revision takes the traffic (the new one passed its checks): serving = `id`, with a
   * `revision.promoted` event, in one transaction. Promoting the serving revision is a no-op.
   */
  promoteRevision(name: string, id: RevisionId, message: string, data: EventData = {}): ChangeResult {
    return this.#write((): ChangeResult => {
      const current = this.#activeRow(name);
      const revision = this.getRevision(id);
      if (revision.deployment !== name) throw new RangeError(`revision ${id} belongs to ${revision.deployment}, not ${name}`);
      if ((current.serving_revision ?? current.active_revision) === id) return { changed: false, deployment: toDeployment(current) };
      const now = this.#now();
      this.#db.prepare('UPDATE deployments SET serving_revision = ?, updated_at = ? WHERE name = ?').run(id, now, name);
      this.#insertEvent(now, { type: 'revision.promoted', deployment: name, revision: id, message, data });
      return { changed: true, deployment: this.getDeployment(name) };
    });
  }

  /** Sets the desired replica count, with the reason in the event. Same count: no-op. */
  setDesiredReplicas(name: string, n: number, reason: string, data: EventData = {}): ChangeResult {
    checkReplicas(n);
    return this.#write((): ChangeResult => {
      const current = this.#activeRow(name);
      if (current.desired_replicas === n) return { changed: false, deployment: toDeployment(current) };
      const now = this.#now();
      this.#db.prepare('UPDATE deployments SET desired_replicas = ?, updated_at = ? WHERE name = ?').run(n, now, name);
      this.#insertEvent(now, {
        type: 'scaled',
        deployment: name,
        revision: revisionId(current.active_revision),
        message: `scaled ${name} from ${current.desired_replicas} to ${n}: ${reason}`,
        data: { ...data, from: current.desired_replicas, to: n, reason },
      });
      return { changed: true, deployment: this.getDeployment(name) };
    });
  }

  /**
   * Soft delete: the deployment is marked deleted with 0 desired replicas; its revisions and
   * events stay for the record. Deleting a deleted deployment is a no-op.
   */
  deleteDeployment(name: string, reason = 'deleted by request'): ChangeResult {
    return this.#write((): ChangeResult => {
      const current = this.#deploymentRow(name);
      if (current === undefined) throw new NotFoundError('deployment', name);
      if (current.status === 'deleted') return { changed: false, deployment: toDeployment(current) };
      const now = this.#now();
      this.#db
        .prepare(`UPDATE deployments SET status = 'deleted', desired_replicas = 0, updated_at = ? WHERE name = ?`)
        .run(now, name);
      this.#insertEvent(now, {
        type: 'deleted',
        deployment: name,
        revision: revisionId(current.active_revision),
        message: `deleted ${name}: ${reason}`,
        data: { reason, desiredReplicasBefore: current.desired_replicas },
      });
      return { changed: true, deployment: this.getDeployment(name) };
    });
  }

  /** Appends an event (its own transaction) and returns it with its id and time. */
  recordEvent(e: NewEvent): StoreEvent {
    if (e.type.length === 0) throw new RangeError('event type must not be empty');
    return this.#write(() => this.#insertEvent(this.#now(), e));
  }

  /** A deployment by name, deleted ones included (check `status`). */
  getDeployment(name: string): Deployment {
    const row = this.#deploymentRow(name);
    if (row === undefined) throw new NotFoundError('deployment', name);
    return toDeployment(row);
  }

  /** Deployments by name; deleted ones only when asked for. */
  listDeployments(opts: { includeDeleted?: boolean } = {}): Deployment[] {
    const where = opts.includeDeleted === true ? '' : `WHERE status = 'active'`;
    const rows = this.#db.prepare(`SELECT * FROM deployments ${where} ORDER BY name`).all() as DeploymentRow[];
    return rows.map(toDeployment);
  }

  /** Revisions oldest first, of one deployment (which must exist) or of all, by name. */
  listRevisions(deployment?: string): Revision[] {
    if (deployment === undefined) {
      const rows = this.#db.prepare('SELECT * FROM revisions ORDER BY deployment, number').all() as RevisionRow[];
      return rows.map(toRevision);
    }
    if (this.#deploymentRow(deployment) === undefined) throw new NotFoundError('deployment', deployment);
    const rows = this.#db
      .prepare('SELECT * FROM revisions WHERE deployment = ? ORDER BY number')
      .all(deployment) as RevisionRow[];
    return rows.map(toRevision);
  }

  getRevision(id: RevisionId): Revision {
    const row = this.#db.prepare('SELECT * FROM revisions WHERE id = ?').get(id) as RevisionRow | undefined;
    if (row === undefined) throw new NotFoundError('revision', id);
    return toRevision(row);
  }

  /** Events oldest first (newest last); see `EventQuery` for the filters and the cap. */
  listEvents(query: EventQuery = {}): StoreEvent[] {
    return listEvents(this.#db, query);
  }

  // --- Autoscaling (migration 3; the queries are in autoscaling.ts) -------------------------

  /**
   * Replaces the deployment's load points between the first and last imported minute with
   * `points`, and records a `history.imported` event, in one transaction. Points are checked
   * first: a bad one (not on a minute, negative, out of order) writes nothing.
   */
  importHistory(input: HistoryImportInput): { imported: number; from: number; to: number; replaced: number } {
    const { deployment, points } = input;
    if (points.length === 0) throw new RangeError('a history import needs at least one point');
    points.forEach((p, i) => {
      checkLoadPoint(p);
      const before = points[i - 1];
      if (before !== undefined && p.ts <= before.ts) throw new RangeError(`load points must be strictly increasing in time: ${new Date(p.ts).toISOString()} follows ${new Date(before.ts).toISOString()}`);
    });
    const from = points[0]!.ts;
    const to = points.at(-1)!.ts;
    return this.#write(() => {
      const replaced = deleteLoadPoints(this.#db, deployment, from, to);
      upsertLoadPoints(this.#db, deployment, points, 'import');
      this.#insertEvent(this.#now(), {
        type: 'history.imported',
        deployment,
        message: `imported ${points.length} minutes of load history for ${deployment}, ${new Date(from).toISOString()} to ${new Date(to).toISOString()}`,
        data: { ...input.record, from, to, points: points.length, replaced },
      });
      return { imported: points.length, from, to, replaced };
    });
  }

  /** Appends (or overwrites) measured minutes. */
  writeLoadPoints(deployment: string, points: readonly LoadPoint[]): void {
    points.forEach(checkLoadPoint);
    this.#write(() => upsertLoadPoints(this.#db, deployment, points, 'live'));
  }

  /** The deployment's load points with from ≤ ts < to, oldest first. */
  loadPoints(deployment: string, from: number, to: number): LoadPoint[] {
    return readLoadPoints(this.#db, deployment, from, to);
  }

  saveForecast(deployment: string, madeAt: number, body: Record<string, unknown>): void {
    this.#write(() => insertForecast(this.#db, deployment, madeAt, body));
  }

  latestForecast(deployment: string): StoredForecast | undefined {
    return latestForecast(this.#db, deployment);
  }

  /**
   * Records one tick's decision and the planner state it leaves; when it acts and changes
   * the count, also sets desiredReplicas with a `scaled` event — all in one transaction, so
   * the log of decisions, the planner's memory and the deployment never disagree. A deleted
   * (or never applied) deployment is not found.
   */
  recordDecision(d: NewDecision): { decision: StoredDecision; deployment: Deployment } {
    checkReplicas(d.replicas);
    return this.#write(() => {
      const now = this.#now();
      const current = this.#activeRow(d.deployment);
      const changed = d.act && d.replicas !== current.desired_replicas;
      const id = insertDecision(this.#db, { deployment: d.deployment, ts: now, previous: d.previous, replicas: d.replicas, changed, body: d.body });
      writePlannerState(this.#db, d.deployment, d.plannerState, now);
      if (changed) {
        this.#db.prepare('UPDATE deployments SET desired_replicas = ?, updated_at = ? WHERE name = ?').run(d.replicas, now, d.deployment);
        this.#insertEvent(now, {
          type: 'scaled',
          deployment: d.deployment,
          revision: revisionId(current.active_revision),
          message: `scaled ${d.deployment} from ${current.desired_replicas} to ${d.replicas}: ${d.reason}`,
          data: { from: current.desired_replicas, to: d.replicas, reason: d.reason, decision: id, autoscaler: true },
        });
      }
      const decision: StoredDecision = { id, deployment: d.deployment, ts: now, previous: d.previous, replicas: d.replicas, changed, body: d.body };
      return { decision, deployment: this.getDeployment(d.deployment) };
    });
  }

  /** The latest `limit` decisions (default 50, at most 1000), oldest first. */
  listDecisions(deployment: string, opts: { limit?: number; changedOnly?: boolean } = {}): StoredDecision[] {
    const limit = opts.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit = ${limit}, must be a whole number ≥ 1`);
    return listDecisions(this.#db, deployment, Math.min(limit, 1000), opts.changedOnly ?? false);
  }

  plannerState(deployment: string): Record<string, unknown> | undefined {
    return readPlannerState(this.#db, deployment);
  }

  pruneAutoscaling(cut: { pointsBefore: number; decisionsBefore: number; forecastsBefore: number }): { points: number; decisions: number; forecasts: number } {
    return this.#write(() => pruneAutoscaling(this.#db, cut));
  }

  // --- Rollouts (migration 4; the queries are in rollouts.ts) -------------------------------

  /**
   * Starts a rollout with its first state and events, in one transaction. A rollout already
   * active for the deployment is superseded: finished with `supersededState` first (without
   * it, starting a second one is refused).
   */
  startRollout(r: NewRollout): StoredRollout {
    return this.#write(() => {
      const now = this.#now();
      this.#activeRow(r.deployment);
      const running = activeRollout(this.#db, r.deployment);
      if (running) {
        if (r.supersededState === undefined) throw new RangeError(`deployment ${r.deployment} already has an active rollout (${running.id}); pass the superseded state to replace it`);
        updateRollout(this.#db, running.id, running.version, r.supersededState, true, now);
      }
      const id = insertRollout(this.#db, { deployment: r.deployment, canary: r.canaryRevision, stable: r.stableRevision, state: r.state }, now);
      for (const e of r.events) this.#insertEvent(now, { ...e, data: { ...e.data, rollout: id } });
      return getRollout(this.#db, id)!;
    });
  }

  /**
   * One transition of a rollout: the new state, its events and (on promotion) the serving
   * revision, all or nothing. Computed from a stale version → StaleRolloutError, nothing
   * written: this is what keeps a step from running twice when two writers race.
   */
  saveRolloutTransition(t: RolloutTransition): StoredRollout {
    return this.#write(() => {
      const now = this.#now();
      const stored = getRollout(this.#db, t.id);
      if (stored === undefined) throw new NotFoundError('rollout', String(t.id));
      if (stored.status !== 'active' || stored.version !== t.fromVersion) throw new StaleRolloutError(t.id, t.fromVersion, stored.version);
      updateRollout(this.#db, t.id, t.fromVersion, t.state, t.finished, now);
      for (const e of t.events) this.#insertEvent(now, { ...e, deployment: stored.deployment, data: { ...e.data, rollout: t.id } });
      if (t.promote !== undefined) {
        const revision = this.getRevision(t.promote);
        if (revision.deployment !== stored.deployment) throw new RangeError(`revision ${t.promote} belongs to ${revision.deployment}, not ${stored.deployment}`);
        this.#db.prepare('UPDATE deployments SET serving_revision = ?, updated_at = ? WHERE name = ?').run(t.promote, now, stored.deployment);
      }
      return getRollout(this.#db, t.id)!;
    });
  }

  activeRollout(deployment: string): StoredRollout | undefined {
    return activeRollout(this.#db, deployment);
  }

  activeRollouts(): StoredRollout[] {
    return activeRollouts(this.#db);
  }

  /** The latest `limit` rollouts of a deployment (default 20), oldest first. */
  listRollouts(deployment: string, limit = 20): StoredRollout[] {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`limit = ${limit}, must be a whole number ≥ 1`);
    return listRollouts(this.#db, deployment, Math.min(limit, 1000));
  }

  /**
   * One write transaction. IMMEDIATE takes the write lock before the first read: a deferred
   * transaction that reads, then writes, can fail with SQLITE_BUSY_SNAPSHOT when another
   * process (the CLI, a second controller) committed in between, and busy_timeout does not
   * help there. Waiting for the lock up front turns that into an ordinary, bounded wait.
   */
  #write<T>(fn: () => T): T {
    return this.#db.transaction(fn).immediate();
  }

  #now(): Millis {
    const t = this.#clock();
    if (!Number.isFinite(t)) throw new RangeError(`clock returned ${t}, must be finite epoch milliseconds`);
    // Columns are INTEGER; a fake clock with fractions is floored rather than rejected.
    return Math.floor(t) as Millis;
  }

  #deploymentRow(name: string): DeploymentRow | undefined {
    return this.#db.prepare('SELECT * FROM deployments WHERE name = ?').get(name) as DeploymentRow | undefined;
  }

  /** Changes apply only to live deployments; a deleted one reads as not found. */
  #activeRow(name: string): DeploymentRow {
    const row = this.#deploymentRow(name);
    if (row === undefined) throw new NotFoundError('deployment', name);
    if (row.status === 'deleted') throw new NotFoundError('deployment', name, 'it was deleted');
    return row;
  }

  #latestRevisionRow(name: string): RevisionRow | undefined {
    return this.#db
      .prepare('SELECT * FROM revisions WHERE deployment = ? ORDER BY number DESC LIMIT 1')
      .get(name) as RevisionRow | undefined;
  }

  /** `now` is passed in so an event carries the same time as the change it records. */
  #insertEvent(now: Millis, e: NewEvent): StoreEvent {
    const data = canonicalJson(e.data ?? {});
    const row = this.#db
      .prepare(
        `INSERT INTO events (ts, deployment, revision, type, message, data) VALUES (?, ?, ?, ?, ?, ?)
         RETURNING *`,
      )
      .get(now, e.deployment ?? null, e.revision ?? null, e.type, e.message, data) as EventRow;
    return toEvent(row);
  }
}

function checkReplicas(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`desiredReplicas = ${n}, must be a whole number ≥ 0`);
  }
}
