// What both forms of `rollcast load` use (load.ts: the fixed rate; load-trace.ts: the trace
// replay): the limits, the --connections check and the seeded request bodies. A module of its
// own so that load.ts can import load-trace.ts without load-trace.ts importing it back.

import { mulberry32 } from '../../spec/random.js';
import type { ApiClient } from '../client.js';
import { CliError } from '../errors.js';
import { randomRequest } from '../random-request.js';

export const MAX_RPS = 50_000;
/** Distinct bodies per run: enough variety, without building one per request. */
export const BODY_POOL = 256;
/** The exit code of a flag error. */
export const USAGE = 2;

/** `--connections`: concurrent connections, which is also the in-flight bound of a replay. */
export function checkConnections(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new CliError('--connections must be between 1 and 1024', USAGE);
  return n;
}

/** Random valid request bodies for the deployment's model, seeded, and where to send them. */
export async function requestBodies(api: ApiClient, name: string, seed: number): Promise<{ url: URL; bodies: string[] }> {
  const { base, signature } = await api.servedModel(name);
  const rand = mulberry32(seed);
  return { url: new URL(`${base}/infer`, api.url), bodies: Array.from({ length: BODY_POOL }, () => JSON.stringify(randomRequest(signature, rand))) };
}
