// The autoscaler's tables (migration 3): the per-minute load series of each deployment, the
// forecasts fitted from it, the decisions made each tick and the planner's memory. Plain
// functions over an open connection; the Store wraps the writes in its transactions, so a
// decision, the planner state it leaves and the replica change it causes commit together.
import type Database from 'better-sqlite3';
import { canonicalJson } from './rows.js';
import type { LoadPoint, LoadSource, StoredDecision, StoredForecast } from './types.js';

/** The series' step: one point per minute, `ts` the minute's start. */
export const LOAD_STEP_MS = 60_000;

export function checkLoadPoint(p: LoadPoint): void {
  if (!Number.isSafeInteger(p.ts) || p.ts % LOAD_STEP_MS !== 0) throw new RangeError(`load point ts = ${p.ts}, must be the start of a minute in epoch ms`);
  if (!Number.isFinite(p.value) || p.value < 0) throw new RangeError(`load point at ${new Date(p.ts).toISOString()}: value = ${p.value}, must be finite and ≥ 0`);
}

/** Writes points, replacing any already at the same minutes. */
export function upsertLoadPoints(db: Database.Database, deployment: string, points: readonly LoadPoint[], source: LoadSource): void {
  const insert = db.prepare('INSERT OR REPLACE INTO load_points (deployment, ts, value, source) VALUES (?, ?, ?, ?)');
  for (const p of points) insert.run(deployment, p.ts, p.value, source);
}

/** Removes the points in [from, to] (both inclusive): an import replaces what was there. */
export function deleteLoadPoints(db: Database.Database, deployment: string, from: number, to: number): number {
  return db.prepare('DELETE FROM load_points WHERE deployment = ? AND ts >= ? AND ts <= ?').run(deployment, from, to).changes;
}

/** Points with from ≤ ts < to, oldest first. */
export function readLoadPoints(db: Database.Database, deployment: string, from: number, to: number): LoadPoint[] {
  return db
    .prepare('SELECT ts, value FROM load_points WHERE deployment = ? AND ts >= ? AND ts < ? ORDER BY ts')
    .all(deployment, from, to) as LoadPoint[];
}

export function insertForecast(db: Database.Database, deployment: string, madeAt: number, body: Record<string, unknown>): void {
  db.prepare('INSERT INTO forecasts (deployment, made_at, body) VALUES (?, ?, ?)').run(deployment, madeAt, canonicalJson(body));
}

export function latestForecast(db: Database.Database, deployment: string): StoredForecast | undefined {
  const row = db.prepare('SELECT made_at, body FROM forecasts WHERE deployment = ? ORDER BY id DESC LIMIT 1').get(deployment) as
    | { made_at: number; body: string }
    | undefined;
  return row && { deployment, madeAt: row.made_at, body: JSON.parse(row.body) as Record<string, unknown> };
}

interface DecisionRow {
  id: number;
  deployment: string;
  ts: number;
  previous: number;
  replicas: number;
  changed: number;
  body: string;
}

export function insertDecision(db: Database.Database, d: Omit<StoredDecision, 'id'>): number {
  const result = db
    .prepare('INSERT INTO decisions (deployment, ts, previous, replicas, changed, body) VALUES (?, ?, ?, ?, ?, ?)')
    .run(d.deployment, d.ts, d.previous, d.replicas, d.changed ? 1 : 0, canonicalJson(d.body));
  return Number(result.lastInsertRowid);
}

/** The latest `limit` decisions (only those that changed the count, if asked), oldest first. */
export function listDecisions(db: Database.Database, deployment: string, limit: number, changedOnly: boolean): StoredDecision[] {
  const rows = db
    .prepare(
      `SELECT * FROM (SELECT * FROM decisions WHERE deployment = ? ${changedOnly ? 'AND changed = 1' : ''} ORDER BY id DESC LIMIT ?) ORDER BY id`,
    )
    .all(deployment, limit) as DecisionRow[];
  return rows.map((r) => ({
    id: r.id,
    deployment: r.deployment,
    ts: r.ts,
    previous: r.previous,
    replicas: r.replicas,
    changed: r.changed === 1,
    body: JSON.parse(r.body) as Record<string, unknown>,
  }));
}

export function readPlannerState(db: Database.Database, deployment: string): Record<string, unknown> | undefined {
  const row = db.prepare('SELECT state FROM planner_states WHERE deployment = ?').get(deployment) as { state: string } | undefined;
  return row && (JSON.parse(row.state) as Record<string, unknown>);
}

export function writePlannerState(db: Database.Database, deployment: string, state: Record<string, unknown>, now: number): void {
  db.prepare(
    `INSERT INTO planner_states (deployment, state, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (deployment) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
  ).run(deployment, canonicalJson(state), now);
}

/**
 * Drops what is no longer needed: load points older than `pointsBefore`, decisions that
 * changed nothing older than `decisionsBefore` (changes are kept: they are the scaling
 * history), and forecasts older than `forecastsBefore` except each deployment's latest.
 */
export function pruneAutoscaling(db: Database.Database, cut: { pointsBefore: number; decisionsBefore: number; forecastsBefore: number }): { points: number; decisions: number; forecasts: number } {
  const points = db.prepare('DELETE FROM load_points WHERE ts < ?').run(cut.pointsBefore).changes;
  const decisions = db.prepare('DELETE FROM decisions WHERE changed = 0 AND ts < ?').run(cut.decisionsBefore).changes;
  const forecasts = db
    .prepare('DELETE FROM forecasts WHERE made_at < ? AND id NOT IN (SELECT MAX(id) FROM forecasts GROUP BY deployment)')
    .run(cut.forecastsBefore).changes;
  return { points, decisions, forecasts };
}
