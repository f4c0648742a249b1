// The values the store hands out and takes in. Plain objects with camelCase fields and
// parsed JSON: callers never see row shapes or column names.
import type { Millis, Replicas, RevisionId } from '../spec/units.js';

/**
 * A deployment spec as stored: opaque JSON. The store compares and snapshots specs but does
 * not interpret them; parsing and validation belong to spec/.
 */
export type SpecJson = Record<string, unknown>;

/** Free-form JSON attached to an event (reasons, numbers, ids). */
export type EventData = Record<string, unknown>;

export type DeploymentStatus = 'active' | 'deleted';

export interface Deployment {
  readonly name: string;
  /** The spec of the active revision's last apply. */
  readonly spec: SpecJson;
  readonly desiredReplicas: Replicas;
  /** The newest revision applied: what the deployment is becoming. */
  readonly activeRevision: RevisionId;
  /**
   * The revision that has the traffic. Equal to activeRevision except while a new revision
   * is starting (or rolling out): then it is the previous one, until `promoteRevision`.
   */
  readonly servingRevision: RevisionId;
  readonly status: DeploymentStatus;
  readonly createdAt: Millis;
  readonly updatedAt: Millis;
}

/** An immutable snapshot: what a deployment was at one apply. */
export interface Revision {
  /** `<deployment>-r<number>`, e.g. `penguins-r3`. */
  readonly id: RevisionId;
  readonly deployment: string;
  /** 1, 2, 3, … per deployment; never reused, not even after a delete. */
  readonly number: number;
  readonly spec: SpecJson;
  /** sha256 of the model file, 64 lowercase hex digits. */
  readonly modelDigest: string;
  readonly modelPath: string;
  readonly createdAt: Millis;
}

/**
 * Event types the store itself writes, plus those other modules are expected to write.
 * The type stays open (`string & {}` keeps autocompletion for the known ones) so a new kind
 * of event needs no schema change.
 */
export type EventType =
  | 'applied'
  | 'scaled'
  | 'deleted'
  | 'apply.rejected'
  | 'replica.started'
  | 'replica.crashed'
  | (string & {});

export interface StoreEvent {
  /** Increases with every event written; use it as a cursor (`sinceId`). */
  readonly id: number;
  readonly ts: Millis;
  readonly deployment: string | null;
  readonly revision: RevisionId | null;
  readonly type: EventType;
  readonly message: string;
  readonly data: EventData;
}

export interface NewEvent {
  readonly type: EventType;
  readonly message: string;
  readonly deployment?: string;
  readonly revision?: RevisionId;
  readonly data?: EventData;
}

export interface ApplyInput {
  readonly deployment: string;
  readonly spec: SpecJson;
  readonly modelDigest: string;
  readonly modelPath: string;
  readonly desiredReplicas: number;
}

export interface ApplyResult {
  /** False when the apply changed nothing (same spec and model as the active revision). */
  readonly changed: boolean;
  readonly revision: Revision;
  readonly deployment: Deployment;
}

/** Result of a change that may turn out to be a no-op (same replicas, already deleted). */
export interface ChangeResult {
  readonly changed: boolean;
  readonly deployment: Deployment;
}

export interface EventQuery {
  readonly deployment?: string;
  /** Only events of this type. */
  readonly type?: EventType;
  /** Only events with `id > sinceId`, oldest first: for following the log page by page. */
  readonly sinceId?: number;
  /** Only events with `from <= ts < to`. */
  readonly from?: Millis;
  readonly to?: Millis;
  /** At most this many (default 100, capped at 1000). */
  readonly limit?: number;
}

export interface StoreOptions {
  /** Epoch milliseconds; defaults to Date.now. Tests pass a fake clock. */
  readonly clock?: () => number;
  /** How long a write waits for another process's lock before failing (default 5000 ms). */
  readonly busyTimeoutMs?: number;
  /**
   * Test seam: called at named points inside write transactions. Throwing from it aborts the
   * transaction, which is how tests prove a failure half-way leaves nothing half-written.
   */
  readonly failpoint?: (point: Failpoint) => void;
}

export type Failpoint = 'apply.deploymentWritten' | 'apply.revisionInserted' | 'apply.eventWritten';

/** One minute of a deployment's load series: `ts` is the minute's start (epoch ms). */
export interface LoadPoint {
  readonly ts: number;
  readonly value: number;
}

/** Measured by the gateway, or brought from the user's monitoring (`rollcast import history`). */
export type LoadSource = 'live' | 'import';

export interface HistoryImportInput {
  readonly deployment: string;
  /** 1-minute points, strictly increasing. */
  readonly points: readonly LoadPoint[];
  /** Recorded in the `history.imported` event. */
  readonly record: EventData;
}

export interface StoredForecast {
  readonly deployment: string;
  readonly madeAt: number;
  /** The forecast as the controller wrote it (opaque to the store). */
  readonly body: Record<string, unknown>;
}

export interface StoredDecision {
  readonly id: number;
  readonly deployment: string;
  readonly ts: number;
  /** Desired replicas before the decision. */
  readonly previous: number;
  readonly replicas: number;
  /** The decision changed the desired count (and the deployment was scaled). */
  readonly changed: boolean;
  /** The decision with its reasons and observations (opaque to the store). */
  readonly body: Record<string, unknown>;
}

export interface NewDecision {
  readonly deployment: string;
  /** Desired replicas the decision was made from. */
  readonly previous: number;
  /** Replicas decided; when `act` is set and it differs from the stored desired count, desiredReplicas is set to it. */
  readonly replicas: number;
  readonly act: boolean;
  readonly body: Record<string, unknown>;
  /** The planner's memory after the decision. */
  readonly plannerState: Record<string, unknown>;
  /** Short reason for the `scaled` event when the count changes. */
  readonly reason: string;
}

export type RolloutStatus = 'active' | 'finished';

/** A rollout as stored: the state machine's state is opaque JSON to the store. */
export interface StoredRollout {
  readonly id: number;
  readonly deployment: string;
  readonly canaryRevision: RevisionId;
  readonly stableRevision: RevisionId;
  readonly status: RolloutStatus;
  /** 1 at start, +1 per transition: the optimistic-concurrency check of `saveRolloutTransition`. */
  readonly version: number;
  readonly state: Record<string, unknown>;
  readonly createdAt: Millis;
  readonly updatedAt: Millis;
}

export interface NewRollout {
  readonly deployment: string;
  readonly canaryRevision: RevisionId;
  readonly stableRevision: RevisionId;
  readonly state: Record<string, unknown>;
  /** Written in the same transaction (e.g. `rollout.started`). */
  readonly events: readonly NewEvent[];
  /** When an active rollout exists it is finished with this state first (superseded), in the same transaction. */
  readonly supersededState?: Record<string, unknown>;
}

export interface RolloutTransition {
  readonly id: number;
  /** The version the transition was computed from; a different stored version → ConflictError-like StaleRolloutError, nothing written. */
  readonly fromVersion: number;
  readonly state: Record<string, unknown>;
  readonly finished: boolean;
  readonly events: readonly NewEvent[];
  /** The revision that takes the traffic, recorded with the transition (the deployment's serving revision). */
  readonly promote?: RevisionId;
}
