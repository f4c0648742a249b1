// The rollouts table (migration 4): one row per rollout with the pure state machine's state
// as JSON. Plain functions over an open connection; the Store runs them inside its
// transactions together with the events (and the serving-revision change) they imply.
import type Database from 'better-sqlite3';
import { millis, revisionId } from '../spec/units.js';
import { canonicalJson } from './rows.js';
import type { RolloutStatus, StoredRollout } from './types.js';

interface RolloutRow {
  id: number;
  deployment: string;
  canary_revision: string;
  stable_revision: string;
  status: RolloutStatus;
  version: number;
  state: string;
  created_at: number;
  updated_at: number;
}

const toRollout = (r: RolloutRow): StoredRollout => ({
  id: r.id,
  deployment: r.deployment,
  canaryRevision: revisionId(r.canary_revision),
  stableRevision: revisionId(r.stable_revision),
  status: r.status,
  version: r.version,
  state: JSON.parse(r.state) as Record<string, unknown>,
  createdAt: millis(r.created_at),
  updatedAt: millis(r.updated_at),
});

export function insertRollout(db: Database.Database, r: { deployment: string; canary: string; stable: string; state: Record<string, unknown> }, now: number): number {
  const result = db
    .prepare(
      `INSERT INTO rollouts (deployment, canary_revision, stable_revision, status, version, state, created_at, updated_at)
       VALUES (?, ?, ?, 'active', 1, ?, ?, ?)`,
    )
    .run(r.deployment, r.canary, r.stable, canonicalJson(r.state), now, now);
  return Number(result.lastInsertRowid);
}

/** Writes the next state if the stored version is `fromVersion`; returns false (nothing written) otherwise. */
export function updateRollout(db: Database.Database, id: number, fromVersion: number, state: Record<string, unknown>, finished: boolean, now: number): boolean {
  const result = db
    .prepare(
      `UPDATE rollouts SET state = ?, version = version + 1, status = ?, updated_at = ?
       WHERE id = ? AND version = ? AND status = 'active'`,
    )
    .run(canonicalJson(state), finished ? 'finished' : 'active', now, id, fromVersion);
  return result.changes === 1;
}

export function getRollout(db: Database.Database, id: number): StoredRollout | undefined {
  const row = db.prepare('SELECT * FROM rollouts WHERE id = ?').get(id) as RolloutRow | undefined;
  return row && toRollout(row);
}

export function activeRollout(db: Database.Database, deployment: string): StoredRollout | undefined {
  const row = db.prepare(`SELECT * FROM rollouts WHERE deployment = ? AND status = 'active'`).get(deployment) as RolloutRow | undefined;
  return row && toRollout(row);
}

/** Every active rollout (a restarted controller resumes each of them). */
export function activeRollouts(db: Database.Database): StoredRollout[] {
  return (db.prepare(`SELECT * FROM rollouts WHERE status = 'active' ORDER BY id`).all() as RolloutRow[]).map(toRollout);
}

/** The latest `limit` rollouts of a deployment, oldest first. */
export function listRollouts(db: Database.Database, deployment: string, limit: number): StoredRollout[] {
  return (
    db.prepare('SELECT * FROM (SELECT * FROM rollouts WHERE deployment = ? ORDER BY id DESC LIMIT ?) ORDER BY id').all(deployment, limit) as RolloutRow[]
  ).map(toRollout);
}
