// One place that turns the errors of control-plane operations into HTTP answers:
// status code plus `{"error": "..."}` (and the list of spec issues where there is one).

import { ModelArtifactError } from '../controller/model-artifact.js';
import { ConflictError, InvalidRequestError, InvalidSpecError } from '../controller/errors.js';
import { NotFoundError, SchemaTooNewError, StoreError } from '../store/index.js';

export interface HttpFailure {
  status: number;
  body: { error: string; issues?: unknown };
}

export function toHttpFailure(err: unknown): HttpFailure {
  if (err instanceof InvalidSpecError) return { status: 400, body: { error: err.message, issues: err.issues } };
  if (err instanceof InvalidRequestError) return { status: 400, body: { error: err.message } };
  if (err instanceof ModelArtifactError) return { status: 422, body: { error: err.message } };
  if (err instanceof ConflictError) return { status: 409, body: { error: err.message } };
  if (err instanceof NotFoundError) return { status: 404, body: { error: err.message } };
  if (err instanceof SchemaTooNewError || err instanceof StoreError) return { status: 500, body: { error: err.message } };
  const e = err as { statusCode?: number; message?: string };
  // Fastify's own errors (bad JSON, body too large, schema validation) carry a statusCode.
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return { status: e.statusCode, body: { error: e.message ?? 'bad request' } };
  }
  return { status: 500, body: { error: `internal error: ${e.message ?? String(err)}` } };
}
