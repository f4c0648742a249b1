// The admin API's autoscaling routes (contract and types: autoscaling-views.ts): the
// controller's clock, a deployment's load history (import and read), its live forecast and
// its recent decisions. Thin: zod checks the shapes, the Autoscaler does the work.

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Autoscaler } from '../controller/autoscaler.js';
import { historyView } from '../controller/autoscaling-history.js';
import { InvalidRequestError } from '../controller/errors.js';
import { parse } from './routes.js';
import { DAY, formatDuration } from '../spec/duration.js';
import type { Store } from '../store/index.js';
import { MAX_HISTORY_POINTS, type ClockView, type DecisionsView, type ForecastView, type HistoryImportResult, type HistoryView } from './autoscaling-views.js';

const HistoryBody = z.strictObject({
  points: z.array(z.tuple([z.number(), z.number()])).max(MAX_HISTORY_POINTS, `at most ${MAX_HISTORY_POINTS} points per import`),
  stepMs: z.number(),
  shiftMs: z.number().int().optional(),
  source: z.string().max(500).optional(),
});
const HistoryQuery = z.strictObject({
  from: z.coerce.number().int().min(0).optional(),
  to: z.coerce.number().int().min(0).optional(),
});
const DecisionsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  changed: z.enum(['true', 'false']).optional(),
});

/** At most this much history in one GET (a week of minutes is 10 080 values). */
const MAX_HISTORY_VIEW_MS = 14 * DAY;

export function registerAutoscalingRoutes(app: FastifyInstance, autoscaler: Autoscaler, store: Store): void {
  app.get('/api/v1/clock', (): ClockView => ({ now: autoscaler.now(), speedup: autoscaler.speedup }));

  app.put<{ Params: { name: string } }>('/api/v1/deployments/:name/history', (req): HistoryImportResult => {
    const body = parse(HistoryBody, req.body, 'body');
    return autoscaler.importHistory(req.params.name, {
      points: body.points,
      stepMs: body.stepMs,
      ...(body.shiftMs !== undefined && { shiftMs: body.shiftMs }),
      ...(body.source !== undefined && { source: body.source }),
    });
  });

  app.get<{ Params: { name: string } }>('/api/v1/deployments/:name/history', (req): HistoryView => {
    const q = parse(HistoryQuery, req.query, 'query');
    store.getDeployment(req.params.name);
    const to = q.to ?? autoscaler.now();
    const from = q.from ?? to - DAY;
    if (from >= to) throw new InvalidRequestError(`query.from = ${from} must be before query.to = ${to}`);
    if (to - from > MAX_HISTORY_VIEW_MS) {
      throw new InvalidRequestError(`query.from..to spans ${formatDuration(to - from)}, must be at most ${formatDuration(MAX_HISTORY_VIEW_MS)} per request`);
    }
    return historyView(store, req.params.name, from, to);
  });

  app.get<{ Params: { name: string } }>('/api/v1/deployments/:name/forecast', (req): ForecastView => {
    store.getDeployment(req.params.name);
    const { forecast, why } = autoscaler.forecastOf(req.params.name);
    return { deployment: req.params.name, forecast, ...(why !== undefined && { why }) };
  });

  app.get<{ Params: { name: string } }>('/api/v1/deployments/:name/decisions', (req): DecisionsView => {
    const q = parse(DecisionsQuery, req.query, 'query');
    return { deployment: req.params.name, decisions: autoscaler.decisions(req.params.name, q.limit, q.changed === 'true') };
  });
}
