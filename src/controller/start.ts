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
import { Autoscaler } from './autoscaler.js';
import { RolloutController } from './rollout-controller.js';
import { loadForecastEngines } from './augurs.js';
import { ScaledTime } from './scaled-time.js';
import { ProcCpuSampler } from '../targets/local/process-cpu.js';
import type { ForecastEngines } from '../forecast/engines.js';
import type { Store } from '../store/index.js';

/** MSTL/AutoETS from augurs; without them the forecaster still runs its seasonal models (and says so in its notes). */
function forecastEnginesOrNone(store: Store): ForecastEngines | undefined {
  try {
    return loadForecastEngines();
  } catch (err) {
    store.recordEvent({ type: 'autoscaler.engines', message: `forecast engines (augurs) could not be loaded, forecasting without MSTL/ETS: ${(err as Error).message}` });
    return undefined;
  }
}

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
  /** Run the autoscaling loop (default true; tests of manual scaling turn it off). */
  autoscale?: boolean;
  /** Demo mode: the controller clock runs this many times faster than real time (default 1). */
  speedup?: number;
  /** Autoscaler tick in controller ms (default 10 s). */
  autoscalerTickMs?: number;
  /** The autoscaler's clock and scheduler when they differ from `clock`/`scheduler` (tests drive it by hand). */
  controllerClock?: Clock & Scheduler;
  /**
   * The rollout controller's clock and scheduler, shared with the gateway's analysis samples
   * (their windows must be cut on the clock the traffic was recorded on). Default: `clock`
   * and `scheduler` — real time even in demo mode. Tests drive it by hand.
   */
  rolloutClock?: Clock & Scheduler;
  /** Run the rollout controller's ticks (default true; tests with a manual rollout clock tick it themselves). */
  rolloutTicks?: boolean;
}

export interface Rollcast {
  url: string;
  port: number;
  dataDir: string;
  token: AdminToken;
  /** Deployments that could not be brought back from the store, with the reason. */
  restoreFailures: string[];
  controlPlane: ControlPlane;
  autoscaler: Autoscaler;
  rollouts: RolloutController;
  store: Store;
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
  const speedup = opts.speedup ?? 1;
  // The autoscaler and the store's timestamps run on controller time (faster in demo mode).
  const controllerTime: Clock & Scheduler =
    opts.controllerClock ?? (speedup === 1 ? { now: () => clock.now(), after: (ms, fn) => scheduler.after(ms, fn) } : new ScaledTime(speedup, clock, scheduler));
  const store = openStore(join(dataDir, 'rollcast.db'), { clock: () => controllerTime.now() });
  const version = packageVersion();
  const rolloutTime: Clock & Scheduler = opts.rolloutClock ?? { now: () => clock.now(), after: (ms, fn) => scheduler.after(ms, fn) };
  const gateway = new Gateway({ scheduler, serverVersion: version, processMetrics: opts.processMetrics ?? false, now: () => rolloutTime.now() });
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
  const rollouts = new RolloutController({
    store,
    routes: gateway.routes,
    target,
    samples: gateway.analysis,
    need: (name) => store.getDeployment(name).desiredReplicas,
    clock: rolloutTime,
    scheduler: rolloutTime,
    onError: (err) => store.recordEvent({ type: 'rollout.error', message: `rollout tick failed: ${err instanceof Error ? err.message : String(err)}` }),
  });
  controlPlane.attachRollouts(rollouts);
  const reported = new Map<string, number>();
  const autoscaler = new Autoscaler({
    store,
    load: gateway,
    replicas: target,
    scaler: controlPlane,
    clock: controllerTime,
    scheduler: controllerTime,
    engines: forecastEnginesOrNone(store),
    cpu: new ProcCpuSampler(),
    speedup,
    ...(opts.autoscalerTickMs !== undefined && { tickMs: opts.autoscalerTickMs }),
    onError: (err) => {
      // One deployment's failed tick must not stop the loop; the log says what went wrong,
      // once per distinct message every 10 minutes rather than every 10 s tick.
      const message = `autoscaler tick failed: ${err instanceof Error ? err.message : String(err)}`;
      const now = controllerTime.now();
      if ((reported.get(message) ?? -Infinity) > now - 10 * 60_000) return;
      reported.set(message, now);
      store.recordEvent({ type: 'autoscaler.error', message });
    },
  });
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
    autoscaler,
    rollouts,
    store,
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
  if (opts.autoscale ?? true) autoscaler.start();
  if (opts.rolloutTicks ?? true) rollouts.start();
  const cp = controlPlane;
  let closing: Promise<void> | undefined;
  return {
    url: server.url,
    port: server.port,
    dataDir,
    token,
    restoreFailures,
    controlPlane: cp,
    autoscaler,
    rollouts,
    store,
    gateway,
    target,
    close: () =>
      (closing ??= (async () => {
        await autoscaler.stop();
        await rollouts.stop();
        await server.close();
        await cp.close();
        store.close();
      })()),
  };
}
