// Reading the event log. Kept apart from the store's writes because the query is built from
// optional filters and has two orders: a tail (latest N) and a cursor (next N after an id).
import type Database from 'better-sqlite3';
import { toEvent, type EventRow } from './rows.js';
import type { EventQuery, StoreEvent } from './types.js';

export const DEFAULT_EVENT_LIMIT = 100;
/** One page is bounded so a dashboard poll cannot pull the whole history into memory. */
export const MAX_EVENT_LIMIT = 1000;

/**
 * Without `sinceId`: the latest `limit` events matching the filters. With `sinceId`: the
 * first `limit` events after it, so a reader can follow the log by passing the last id it
 * saw. Either way the result is oldest first (newest last). Ids, not timestamps, order the
 * log: two events in the same millisecond still have a definite order.
 */
export function listEvents(db: Database.Database, query: EventQuery): StoreEvent[] {
  const limit = clampLimit(query.limit);
  const where: string[] = [];
  const params: Record<string, number | string> = { limit };
  if (query.deployment !== undefined) {
    where.push('deployment = @deployment');
    params.deployment = query.deployment;
  }
  if (query.type !== undefined) {
    where.push('type = @type');
    params.type = query.type;
  }
  if (query.sinceId !== undefined) {
    where.push('id > @sinceId');
    params.sinceId = query.sinceId;
  }
  if (query.from !== undefined) {
    where.push('ts >= @from');
    params.from = query.from;
  }
  if (query.to !== undefined) {
    where.push('ts < @to');
    params.to = query.to;
  }
  const filter = where.length === 0 ? '' : `WHERE ${where.join(' AND ')}`;
  const sql =
    query.sinceId === undefined
      ? `SELECT * FROM (SELECT * FROM events ${filter} ORDER BY id DESC LIMIT @limit) ORDER BY id`
      : `SELECT * FROM events ${filter} ORDER BY id LIMIT @limit`;
  return (db.prepare(sql).all(params) as EventRow[]).map(toEvent);
}

/** Missing → the default; above the cap → the cap; below 1 or fractional → an error. */
function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_EVENT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit = ${limit}, must be a whole number ≥ 1`);
  }
  return Math.min(limit, MAX_EVENT_LIMIT);
}
