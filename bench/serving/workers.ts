// Starts model worker processes exactly as the local target's supervisor does
// (src/targets/local/local-target.ts): fork dist/src/worker/main.js with the config in
// ROLLCAST_WORKER_CONFIG, JSON serialization over IPC, and wait for the `ready` message
// that carries the port. Stopping sends `drain` (the worker finishes in-flight requests
// and exits 0).

import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseWorkerMessage, WORKER_CONFIG_ENV, type WorkerConfig } from '../../src/worker/protocol.js';
import type { ModelSignature } from '../../src/worker/signature.js';
import type { RevisionRuntime } from '../../src/targets/target.js';
import { register, stopChild } from './children.js';

export interface BenchWorker {
  replicaId: string;
  port: number;
  /** The gateway's frame-channel port (worker/frame-protocol.ts). */
  framePort?: number;
  pid: number;
  signature: ModelSignature;
  stop(): Promise<void>;
}

/** What the local target hands a worker, less what the benchmark does not vary. */
export type WorkerSettings = Pick<RevisionRuntime, 'modelName' | 'modelVersion' | 'modelPath' | 'maxConcurrency' | 'maxBodyBytes' | 'intraOpThreads'> & {
  revisionId: string;
};

/** dist/src/worker/main.js, next to this file's compiled location (dist/bench/serving/). */
export const WORKER_ENTRY = fileURLToPath(new URL('../../src/worker/main.js', import.meta.url));

export function startWorker(settings: WorkerSettings, index: number, readyTimeoutMs = 60_000): Promise<BenchWorker> {
  const config: WorkerConfig = {
    replicaId: `${settings.revisionId}-${index}`,
    revisionId: settings.revisionId,
    modelName: settings.modelName,
    modelVersion: settings.modelVersion,
    modelPath: settings.modelPath,
    host: '127.0.0.1',
    port: 0,
    intraOpThreads: settings.intraOpThreads,
    maxConcurrency: settings.maxConcurrency,
    maxBodyBytes: settings.maxBodyBytes,
    allowNonFinite: false,
  };
  const child = fork(WORKER_ENTRY, [], {
    env: { ...process.env, [WORKER_CONFIG_ENV]: JSON.stringify(config) },
    serialization: 'json',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: [],
  });
  const stop = (c: typeof child) => {
    if (c.connected) c.send({ type: 'drain' });
    else c.kill('SIGTERM');
  };
  register(`worker ${config.replicaId}`, child, stop);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`worker ${config.replicaId} not ready within ${readyTimeoutMs} ms`));
    }, readyTimeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`worker ${config.replicaId} exited before ready (${signal ?? `code ${code ?? '?'}`})`));
    });
    child.on('message', (raw) => {
      const msg = parseWorkerMessage(raw);
      if (!msg) return;
      if (msg.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`worker ${config.replicaId} failed: ${msg.error}`));
      } else if (msg.type === 'ready') {
        clearTimeout(timer);
        resolve({
          replicaId: config.replicaId,
          port: msg.port,
          ...(msg.framePort !== undefined && { framePort: msg.framePort }),
          pid: msg.pid,
          signature: msg.signature,
          stop: () => stopChild(child, stop),
        });
      }
    });
  });
}

export function startWorkers(settings: WorkerSettings, count: number): Promise<BenchWorker[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => startWorker(settings, i + 1)));
}
