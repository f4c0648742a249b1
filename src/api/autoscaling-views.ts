// What the admin API answers about autoscaling: the control plane's clock, a deployment's
// load history, its live forecast and its recent scaling decisions. The CLI (`rollcast import
// history`, `forecast NAME`, `explain NAME`, `load --trace`) and the server share these types,
// so a change to one side is a type error on the other.
//
// Routes (admin API; GETs need no token, PUT does):
//   GET  /api/v1/clock                              → ClockView
//   PUT  /api/v1/deployments/:name/history          ← HistoryImport → HistoryImportResult
//   GET  /api/v1/deployments/:name/history[?from=&to=] → HistoryView (epoch ms bounds)
//   GET  /api/v1/deployments/:name/forecast         → ForecastView
//   GET  /api/v1/deployments/:name/decisions[?limit=N&changed=true] → DecisionsView

import type { Decision } from '../capacity/decision.js';

/** The control plane's clock. `speedup` > 1 only in demo mode (`rollcast up --speedup K`). */
export interface ClockView {
  /** Epoch ms on the controller's clock (runs `speedup` times faster than real time). */
  now: number;
  speedup: number;
}

/** The series the controller keeps: one point per minute, in the spec metric's unit (req/s for rps). */
export const HISTORY_STEP_MS = 60_000;

/** At most this many points, and minutes once whole-minute steps are expanded, in one history import (14 days of 1-minute points is 20 160). */
export const MAX_HISTORY_POINTS = 200_000;

/**
 * A history import: `points` are [epoch ms, value] pairs, strictly increasing in time, values
 * finite and ≥ 0, in the spec metric's unit (req/s for `rps`), none after the controller's
 * now. `stepMs` is the points' spacing: a whole number of minutes (each value is repeated
 * for every minute of its step), or a divisor of a minute (values are averaged per minute).
 * Existing points between the first and last imported minute are replaced.
 */
export interface HistoryImport {
  points: [number, number][];
  stepMs: number;
  /** What the client shifted the timestamps by (whole days, so every point keeps its hour of day), for the record. */
  shiftMs?: number;
  /** Where the points came from (a file name), for the record. */
  source?: string;
}

export interface HistoryImportResult {
  deployment: string;
  /** 1-minute points written. */
  imported: number;
  /** First and last minute written, epoch ms. */
  from: number;
  to: number;
  stepMs: typeof HISTORY_STEP_MS;
  shiftMs: number;
}

/** The last history import of a deployment, as recorded in its `history.imported` event. */
export interface LastImport {
  at: number;
  from: number;
  to: number;
  points: number;
  shiftMs: number;
  source?: string;
}

export interface HistoryView {
  deployment: string;
  stepMs: typeof HISTORY_STEP_MS;
  /** Epoch ms of values[0]; values are one per minute, null where nothing was recorded. */
  start: number;
  values: (number | null)[];
  lastImport?: LastImport;
}

/** A forecast as the controller made and stored it. */
export interface StoredForecastView {
  /** When it was fitted (controller clock). */
  madeAt: number;
  start: number;
  stepMs: number;
  /** Point forecast. */
  mean: number[];
  /** Quantile level as written by `quantileKey` ("0.9") → values. */
  quantiles: Record<string, number[]>;
  /** The quantile the planner provisions for (spec.scaling.predictive.quantile). */
  quantile: number;
  model: string;
  periods: string[];
  /** History points the fit used. */
  historyPoints: number;
  notes: string[];
}

export interface ForecastView {
  deployment: string;
  /** Null until there is enough history; `why` then says what is missing. */
  forecast: StoredForecastView | null;
  why?: string;
}

/** One controller tick's decision for a deployment, as persisted. */
export interface DecisionRecord {
  id: number;
  /** Controller clock, epoch ms. */
  ts: number;
  deployment: string;
  /** Desired replicas before this decision. */
  previous: number;
  decision: Decision;
  observed: { load: number; readyReplicas: number; currentReplicas: number; rps?: number };
}

export interface DecisionsView {
  deployment: string;
  /** Oldest first. */
  decisions: DecisionRecord[];
}
