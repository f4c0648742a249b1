// Assembles one rollcast control plane on this machine: data dir, store, gateway, the local
// target with worker processes, the HTTP server, and brings back what the store recorded.
// `rollcast up` calls this; integration tests call it too, to restart a control plane.

import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadOrCreateAdminToken, type AdminToken } from '../api/admin-token.js';
import { startServer } from '../api/server.js';
import { Gateway } from '../serving/gateway.js';
import { openStore } from '../store/index.js';
import { LocalTarget } from '../targets/local/local-target.js';
import { workerEntryPath } from '../targets/local/worker-entry.js';
import type { BackoffPolicy } from '../targets/local/backoff.js';
import { systemClock, systemScheduler, type Clock, type Scheduler } from './clock.js';
import { ControlPlane } from './control-plane.js';
import { packageVersion } from './version.js';

export interface StartOptions {
  dataDir: string;
  host?: string;
  port?: number;
  /** ROLLCAST_ADMIN_TOKEN, when set. */
  adminToken?: string;
  clock?: Clock;
  scheduler?: Scheduler;
  backoff?: BackoffPolicy;
  processMetrics?: boolean;
}

export interface Rollcast {
  url: string;
  port: number;
  dataDir: string;
  token: AdminToken;
  /** Deployments that could not be brought back from the store, with the reason. */
  restoreFailures: string[];
  controlPlane: ControlPlane;
  gateway: Gateway;
  target: LocalTarget;
  /** Stop serving, drain and stop the workers, close the store. */
  close(): Promise<void>;
}

export async function startRollcast(opts: StartOptions): Promise<Rollcast> {
  const dataDir = resolve(opts.dataDir);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const clock = opts.clock ?? systemClock;
  const scheduler = opts.scheduler ?? systemScheduler;
  const token = await loadOrCreateAdminToken(dataDir, opts.adminToken);
  const store = openStore(join(dataDir, 'rollcast.db'), { clock: () => clock.now() });
  const version = packageVersion();
  const gateway = new Gateway({ scheduler, serverVersion: version, processMetrics: opts.processMetrics ?? false });
  // The target reports events to the control plane, which is built after it.
  const events: { sink?: ControlPlane } = {};
  const target = new LocalTarget({
    workerEntry: workerEntryPath(),
    sink: gateway,
    clock,
    scheduler,
    onEvent: (event) => events.sink?.onTargetEvent(event),
    ...(opts.backoff && { backoff: opts.backoff }),
  });
  const controlPlane = new ControlPlane({ store, gateway, target, dataDir });
  events.sink = controlPlane;
  let restoreFailures: string[];
  try {
    restoreFailures = await controlPlane.restore();
  } catch (err) {
    await target.close();
    store.close();
    throw err;
  }
  const server = await startServer({
    controlPlane,
    gateway,
    adminToken: token.token,
    host: opts.host ?? '127.0.0.1',
    port: opts.port ?? 8080,
    version,
  }).catch(async (err: unknown) => {
    await target.close();
    store.close();
    throw err;
  });
  const cp = controlPlane;
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    dataDir,
    token,
    restoreFailures,
    controlPlane: cp,
    gateway,
    target,
    close: () =>
      (closing ??= (async () => {
        await server.close();
        await cp.close();
        store.close();
      })()),
  };
}
