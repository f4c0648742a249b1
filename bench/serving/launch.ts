// Starting the benchmark's Node children other than the workers: the gateway process and
// the load-generator process, both forked from dist/bench/serving/ with an IPC channel
// (they exit by themselves when it closes), both registered for cleanup.

import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { register, stopChild } from './children.js';
import { GATEWAY_CONFIG_ENV, type GatewayProcessConfig, type GatewayProcessMessage, type LoadReply, type LoadRequest, type LoadSpec } from './messages.js';
import type { RunSummary } from './stats.js';

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export interface RunningGateway {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

const askToStop = (c: ChildProcess) => {
  if (c.connected) c.send({ type: 'stop' });
  else c.kill('SIGTERM');
};

/** `profileDir`: run the gateway under `node --cpu-prof` and write the profile there on stop. */
export function startGatewayProcess(config: GatewayProcessConfig, profileDir?: string): Promise<RunningGateway> {
  const child = fork(here('./gateway-process.js'), [], {
    env: { ...process.env, [GATEWAY_CONFIG_ENV]: JSON.stringify(config) },
    serialization: 'json',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  });
  register('gateway', child, askToStop);
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`gateway process exited at start (${signal ?? `code ${code ?? '?'}`})`)));
    child.on('message', (msg: GatewayProcessMessage) => {
      if (msg.type === 'listening') resolve({ port: msg.port, pid: child.pid ?? 0, stop: () => stopChild(child, askToStop) });
    });
  });
}

export interface LoadGenerator {
  pid: number;
  run(spec: LoadSpec): Promise<{ summary: RunSummary; late: number }>;
  stop(): Promise<void>;
}

export function startLoadProcess(): Promise<LoadGenerator> {
  const child = fork(here('./load-process.js'), [], { serialization: 'json', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
  register('load generator', child, (c) => c.disconnect());
  let nextId = 1;
  const pending = new Map<number, { resolve: (r: { summary: RunSummary; late: number }) => void; reject: (e: Error) => void }>();
  child.on('message', (msg: LoadReply) => {
    if (msg.type === 'hello') return;
    const waiter = pending.get(msg.id);
    if (!waiter) return;
    pending.delete(msg.id);
    if (msg.type === 'result') waiter.resolve({ summary: msg.summary, late: msg.late });
    else waiter.reject(new Error(`load generator: ${msg.message}`));
  });
  child.once('exit', (code, signal) => {
    for (const w of pending.values()) w.reject(new Error(`load generator exited (${signal ?? `code ${code ?? '?'}`})`));
    pending.clear();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', () =>
      resolve({
        pid: child.pid ?? 0,
        run: (spec) =>
          new Promise((res, rej) => {
            const id = nextId++;
            pending.set(id, { resolve: res, reject: rej });
            const request: LoadRequest = { type: 'run', id, spec };
            child.send(request);
          }),
        stop: () => stopChild(child, (c) => c.disconnect()),
      }),
    );
  });
}
