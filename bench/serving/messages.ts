// What the benchmark runner and its Node children (gateway-process.ts, load-process.ts)
// send each other. Kept apart from those entry points: importing an entry point runs it.

import type { RevisionRouteSpec } from '../../src/serving/routing-table.js';
import type { RunSummary } from './stats.js';

/** The environment variable carrying the gateway process's JSON config. */
export const GATEWAY_CONFIG_ENV = 'ROLLCAST_BENCH_GATEWAY';

/** The route the gateway process registers (as the control plane would), and its workers. */
export type GatewayProcessConfig = Omit<RevisionRouteSpec, 'revisionId'> & {
  revisionId: string;
  workers: { replicaId: string; port: number; framePort?: number }[];
};

/** Gateway process → runner. The runner stops it with `{ type: 'stop' }`. */
export type GatewayProcessMessage = { type: 'listening'; port: number };

export interface LoadSpec {
  /** One or more target URLs; autocannon gives connection i the URL i mod n. */
  urls: string[];
  connections: number;
  durationS: number;
  body: string;
  /** Overall requests per second, evenly paced; absent = as fast as answers come back. */
  paceRps?: number;
}

/** Runner → load generator. */
export type LoadRequest = { type: 'run'; id: number; spec: LoadSpec };
/** Load generator → runner (`hello` once it is up). */
export type LoadReply =
  | { type: 'hello' }
  | { type: 'result'; id: number; summary: RunSummary; late: number }
  | { type: 'error'; id: number; message: string };
