// Row shapes as SQLite returns them, and their conversion to the store's public values.
// Kept in one place so column names and JSON parsing never leak past the store.
import { millis, replicas, revisionId } from '../spec/units.js';
import type { Deployment, DeploymentStatus, EventData, Revision, SpecJson, StoreEvent } from './types.js';

export interface DeploymentRow {
  name: string;
  spec: string;
  desired_replicas: number;
  active_revision: string;
  /** NULL only in rows written before migration 2 ran; read as active_revision. */
  serving_revision: string | null;
  status: DeploymentStatus;
  created_at: number;
  updated_at: number;
}

export interface RevisionRow {
  id: string;
  deployment: string;
  number: number;
  spec: string;
  model_digest: string;
  model_path: string;
  created_at: number;
}

export interface EventRow {
  id: number;
  ts: number;
  deployment: string | null;
  revision: string | null;
  type: string;
  message: string;
  data: string;
}

export const toDeployment = (r: DeploymentRow): Deployment => ({
  name: r.name,
  spec: JSON.parse(r.spec) as SpecJson,
  desiredReplicas: replicas(r.desired_replicas),
  activeRevision: revisionId(r.active_revision),
  servingRevision: revisionId(r.serving_revision ?? r.active_revision),
  status: r.status,
  createdAt: millis(r.created_at),
  updatedAt: millis(r.updated_at),
});

export const toRevision = (r: RevisionRow): Revision => ({
  id: revisionId(r.id),
  deployment: r.deployment,
  number: r.number,
  spec: JSON.parse(r.spec) as SpecJson,
  modelDigest: r.model_digest,
  modelPath: r.model_path,
  createdAt: millis(r.created_at),
});

export const toEvent = (r: EventRow): StoreEvent => ({
  id: r.id,
  ts: millis(r.ts),
  deployment: r.deployment,
  revision: r.revision === null ? null : revisionId(r.revision),
  type: r.type,
  message: r.message,
  data: JSON.parse(r.data) as EventData,
});

/**
 * JSON with object keys sorted at every depth, so two specs that differ only in key order
 * (YAML re-saved by another editor) serialize identically and do not make a new revision.
 * Array order is kept: it is meaningful (rollout steps).
 */
export function canonicalJson(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  ) as string | undefined;
  // JSON.stringify returns undefined (not a string) for undefined or a function at the top.
  if (text === undefined) throw new TypeError('value is not representable as JSON');
  return text;
}
