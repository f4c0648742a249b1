// The local target: each replica is a worker child process on this machine.
//
// A supervisor loop per revision keeps the number of live replicas equal to the desired
// count: it starts workers (a replica joins the gateway only after its warm-up inference),
// restarts crashed ones with exponential backoff, and stops surplus ones by draining them
// first (the gateway stops routing, in-flight requests finish, then the worker exits).
// Each replica's start-to-ready time is measured; the autoscaler uses it as the lead time
// for predictive scaling.

import { fork, type ChildProcess } from 'node:child_process';
import type { Cancel, Clock, Scheduler } from '../../controller/clock.js';
import type { Millis, RevisionId } from '../../spec/units.js';
import { parseWorkerMessage, type WorkerConfig } from '../../worker/protocol.js';
import type { ReplicaPhase, ReplicaSink, ReplicaStatus, RevisionRuntime, Target, TargetEvent } from '../target.js';
import { DEFAULT_BACKOFF, restartDelay, type BackoffPolicy } from './backoff.js';

export interface LocalTargetOptions {
  workerEntry: string;
  sink: ReplicaSink;
  clock: Clock;
  scheduler: Scheduler;
  onEvent: (event: TargetEvent) => void;
  host?: string;
  backoff?: BackoffPolicy;
  /** A replica not ready by then is killed and restarted (model load + warm-up). */
  readyTimeoutMs?: number;
  /** A draining replica still running after this is killed. */
  drainTimeoutMs?: number;
}

interface Replica {
  id: string;
  phase: ReplicaPhase;
  child?: ChildProcess;
  pid?: number;
  port?: number;
  startedAt: Millis;
  readyAt?: Millis;
  warmUpMs?: number;
  restarts: number;
  consecutiveFailures: number;
  lastError?: string;
  /** Set when we decided to stop it: its exit is not a crash. */
  stopping: boolean;
  timer?: Cancel;
  exited?: Promise<void>;
}

interface RevisionState {
  runtime: RevisionRuntime;
  desired: number;
  replicas: Map<string, Replica>;
  nextIndex: number;
}

export class LocalTarget implements Target {
  readonly #revisions = new Map<RevisionId, RevisionState>();
  readonly #opts: Required<Omit<LocalTargetOptions, 'backoff'>> & { backoff: BackoffPolicy };
  readonly #watchers = new Set<() => void>();
  #closed = false;

  constructor(opts: LocalTargetOptions) {
    this.#opts = { host: '127.0.0.1', readyTimeoutMs: 120_000, drainTimeoutMs: 30_000, backoff: DEFAULT_BACKOFF, ...opts };
  }

  ensure(runtime: RevisionRuntime): Promise<void> {
    const state = this.#revisions.get(runtime.revisionId);
    if (state) state.runtime = runtime;
    else this.#revisions.set(runtime.revisionId, { runtime, desired: 0, replicas: new Map(), nextIndex: 1 });
    return Promise.resolve();
  }

  scale(revisionId: RevisionId, replicas: number): Promise<void> {
    const state = this.#revisions.get(revisionId);
    if (!state) return Promise.reject(new Error(`revision ${revisionId} is not known to the local target (call ensure first)`));
    state.desired = Math.max(0, Math.floor(replicas));
    this.#reconcile(state);
    return Promise.resolve();
  }

  async retire(revisionId: RevisionId): Promise<void> {
    const state = this.#revisions.get(revisionId);
    if (!state) return;
    state.desired = 0;
    await Promise.all([...state.replicas.values()].map((r) => this.#stop(state, r)));
    this.#revisions.delete(revisionId);
    this.#changed();
  }

  status(): Promise<ReplicaStatus[]> {
    return Promise.resolve(this.snapshot());
  }

  snapshot(): ReplicaStatus[] {
    const out: ReplicaStatus[] = [];
    for (const state of this.#revisions.values()) {
      for (const r of state.replicas.values()) {
        out.push({
          replicaId: r.id,
          revisionId: state.runtime.revisionId,
          phase: r.phase,
          ...(r.pid !== undefined && { pid: r.pid }),
          ...(r.port !== undefined && { port: r.port }),
          startedAt: r.startedAt,
          ...(r.readyAt !== undefined && { readyAt: r.readyAt }),
          ...(r.warmUpMs !== undefined && { warmUpMs: r.warmUpMs }),
          restarts: r.restarts,
          ...(r.lastError !== undefined && { lastError: r.lastError }),
        });
      }
    }
    return out;
  }

  /** Resolves once `predicate` holds over the replica states (checked on every change). */
  waitUntil(predicate: (replicas: ReplicaStatus[]) => boolean): Promise<void> {
    if (predicate(this.snapshot())) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (predicate(this.snapshot())) {
          this.#watchers.delete(check);
          resolve();
        }
      };
      this.#watchers.add(check);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#revisions.keys()].map((id) => this.retire(id)));
  }

  #changed(): void {
    for (const watcher of [...this.#watchers]) watcher();
  }

  #reconcile(state: RevisionState): void {
    if (this.#closed) return;
    const live = [...state.replicas.values()].filter((r) => !r.stopping);
    for (let i = live.length; i < state.desired; i++) {
      const id = `${state.runtime.revisionId}-${state.nextIndex++}`;
      const replica: Replica = { id, phase: 'starting', startedAt: this.#opts.clock.now(), restarts: 0, consecutiveFailures: 0, stopping: false };
      state.replicas.set(id, replica);
      this.#start(state, replica);
    }
    if (live.length > state.desired) {
      // Stop the ones doing the least useful work first: not yet ready, then the newest.
      const order: Record<ReplicaPhase, number> = { backoff: 0, failed: 0, starting: 1, ready: 2, draining: 3 };
      const surplus = live
        .sort((a, b) => order[a.phase] - order[b.phase] || b.startedAt - a.startedAt)
        .slice(0, live.length - state.desired);
      for (const r of surplus) void this.#stop(state, r);
    }
    this.#changed();
  }

  #start(state: RevisionState, replica: Replica): void {
    const { runtime } = state;
    const config: WorkerConfig = {
      replicaId: replica.id,
      revisionId: runtime.revisionId,
      modelName: runtime.modelName,
      modelVersion: runtime.modelVersion,
      modelPath: runtime.modelPath,
      host: this.#opts.host,
      port: 0,
      intraOpThreads: runtime.intraOpThreads,
      maxConcurrency: runtime.maxConcurrency,
      maxBodyBytes: runtime.maxBodyBytes,
      allowNonFinite: runtime.allowNonFinite,
    };
    replica.phase = 'starting';
    replica.startedAt = this.#opts.clock.now();
    delete replica.readyAt;
    delete replica.port;
    const child = fork(this.#opts.workerEntry, [], {
      env: { ...process.env, ROLLCAST_WORKER_CONFIG: JSON.stringify(config) },
      serialization: 'json',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [],
      // Its own process group: Ctrl-C in the terminal stops the control plane, which then
      // drains the workers; they must not get the SIGINT first and look like crashes. A
      // worker whose parent dies exits on its own (IPC disconnect).
      detached: true,
    });
    replica.child = child;
    if (child.pid !== undefined) replica.pid = child.pid;
    replica.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    replica.timer = this.#opts.scheduler.after(this.#opts.readyTimeoutMs, () => {
      if (replica.child === child && replica.phase === 'starting') {
        replica.lastError = `not ready within ${this.#opts.readyTimeoutMs} ms`;
        child.kill('SIGKILL');
      }
    });

    child.on('message', (raw) => {
      const msg = parseWorkerMessage(raw);
      if (!msg || replica.child !== child) return;
      if (msg.type === 'ready') {
        // Told to stop while it was warming up: it must not join the gateway now.
        if (replica.stopping) return;
        replica.timer?.();
        replica.phase = 'ready';
        replica.port = msg.port;
        replica.readyAt = this.#opts.clock.now();
        replica.warmUpMs = replica.readyAt - replica.startedAt;
        this.#opts.sink.replicaReady(runtime.revisionId, {
          replicaId: replica.id,
          host: this.#opts.host,
          port: msg.port,
          ...(msg.framePort !== undefined && { framePort: msg.framePort }),
        });
        // Stayed up long enough → forget earlier crashes (see backoff.ts).
        replica.timer = this.#opts.scheduler.after(this.#opts.backoff.resetAfterMs, () => {
          if (replica.child === child && replica.phase === 'ready') replica.consecutiveFailures = 0;
        });
        this.#event('replica.ready', state, replica, `ready on port ${msg.port} after ${replica.warmUpMs} ms (warm-up inference ${msg.warmUpMs.toFixed(1)} ms)`, {
          port: msg.port,
          warmUpMs: replica.warmUpMs,
          warmUpInferenceMs: msg.warmUpMs,
        });
        this.#changed();
      } else if (msg.type === 'failed') {
        replica.lastError = msg.error;
      }
    });
    child.on('error', (err) => {
      replica.lastError = err.message;
    });
    child.once('exit', (code, signal) => this.#onExit(state, replica, child, code, signal));
  }

  #onExit(state: RevisionState, replica: Replica, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (replica.child !== child) return;
    replica.timer?.();
    delete replica.child;
    delete replica.pid;
    this.#opts.sink.replicaGone(state.runtime.revisionId, replica.id);
    const how = signal ? `signal ${signal}` : `exit code ${code ?? '?'}`;
    if (replica.stopping || this.#closed) {
      state.replicas.delete(replica.id);
      this.#event('replica.stopped', state, replica, `stopped (${how})`);
      this.#changed();
      return;
    }
    const wasReady = replica.phase === 'ready';
    replica.consecutiveFailures++;
    replica.restarts++;
    const delay = restartDelay(this.#opts.backoff, replica.consecutiveFailures);
    replica.phase = 'backoff';
    const reason = replica.lastError ? `: ${replica.lastError}` : '';
    this.#event(wasReady ? 'replica.crashed' : 'replica.failed', state, replica, `${wasReady ? 'crashed' : 'failed to start'} (${how})${reason}; restarting in ${delay} ms`, {
      code,
      signal,
      restarts: replica.restarts,
      delayMs: delay,
    });
    replica.timer = this.#opts.scheduler.after(delay, () => {
      if (replica.stopping || this.#closed || !state.replicas.has(replica.id)) return;
      this.#event('replica.restarting', state, replica, `restart #${replica.restarts}`);
      this.#start(state, replica);
      this.#changed();
    });
    this.#changed();
  }

  async #stop(state: RevisionState, replica: Replica): Promise<void> {
    if (replica.stopping) return replica.exited;
    replica.stopping = true;
    replica.timer?.();
    const child = replica.child;
    if (!child) {
      state.replicas.delete(replica.id);
      this.#changed();
      return;
    }
    replica.phase = 'draining';
    this.#changed();
    await this.#opts.sink.replicaDraining(state.runtime.revisionId, replica.id);
    if (child.connected) child.send({ type: 'drain' });
    else child.kill('SIGTERM');
    const cancelKill = this.#opts.scheduler.after(this.#opts.drainTimeoutMs, () => child.kill('SIGKILL'));
    await replica.exited;
    cancelKill();
  }

  #event(type: TargetEvent['type'], state: RevisionState, replica: Replica, message: string, data?: Record<string, unknown>): void {
    this.#opts.onEvent({ type, revisionId: state.runtime.revisionId, replicaId: replica.id, message, ...(data && { data }) });
  }
}
