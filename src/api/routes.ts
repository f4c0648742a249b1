// The admin API's routes: thin adapters from HTTP to ControlPlane operations. Request
// bodies are checked with zod; every failure becomes `{"error": "..."}` in http-errors.ts.

import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ControlPlane } from '../controller/control-plane.js';
import { InvalidRequestError } from '../controller/errors.js';
import type { Millis } from '../spec/units.js';

const ApplyBody = z.strictObject({
  specText: z.string().min(1, 'specText is empty'),
  specPath: z.string().optional(),
});
const ScaleBody = z.strictObject({ replicas: z.number().int().min(0) });
const UndoBody = z.strictObject({ toRevision: z.number().int().min(1).optional() });
const EventsQuery = z.strictObject({
  deployment: z.string().optional(),
  sinceId: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  from: z.coerce.number().int().min(0).optional(),
});
const RevisionsQuery = z.strictObject({ deployment: z.string().optional() });

/** Checks a body or query with zod; every problem becomes one 400 naming its path. */
export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${[what, ...i.path.map(String)].join('.')}: ${i.message}`);
  throw new InvalidRequestError(`invalid ${what}: ${problems.join('; ')}`);
}

export function registerAdminRoutes(app: FastifyInstance, cp: ControlPlane): void {
  app.get('/api/v1/deployments', () => ({ deployments: cp.list() }));

  app.get<{ Params: { name: string } }>('/api/v1/deployments/:name', (req) => cp.describe(req.params.name));

  app.post('/api/v1/deployments', async (req, reply) => {
    const body = parse(ApplyBody, req.body, 'body');
    const outcome = await cp.apply({ specText: body.specText, ...(body.specPath !== undefined && { specPath: body.specPath }) });
    return reply.status(outcome.changed ? 201 : 200).send(outcome);
  });

  app.put<{ Params: { name: string } }>('/api/v1/deployments/:name/replicas', async (req) => {
    const body = parse(ScaleBody, req.body, 'body');
    return { deployment: await cp.scale(req.params.name, body.replicas) };
  });

  app.post<{ Params: { name: string } }>('/api/v1/deployments/:name/undo', async (req, reply) => {
    const body = parse(UndoBody, req.body, 'body');
    const outcome = await cp.undo(req.params.name, body.toRevision);
    return reply.status(201).send(outcome);
  });

  app.delete<{ Params: { name: string } }>('/api/v1/deployments/:name', async (req) => ({ deployment: await cp.delete(req.params.name) }));

  app.get('/api/v1/revisions', (req) => {
    const q = parse(RevisionsQuery, req.query, 'query');
    return { revisions: cp.listRevisions(q.deployment) };
  });

  app.get('/api/v1/events', (req) => {
    const q = parse(EventsQuery, req.query, 'query');
    return {
      events: cp.events({
        ...(q.deployment !== undefined && { deployment: q.deployment }),
        ...(q.sinceId !== undefined && { sinceId: q.sinceId }),
        ...(q.limit !== undefined && { limit: q.limit }),
        ...(q.from !== undefined && { from: q.from as Millis }),
      }),
    };
  });
}
