// Entry point of a worker process: one model replica. Reads its config from the
// environment, loads the model, serves it over HTTP, and reports to the supervisor over the
// IPC channel (see protocol.ts for the contract). The only place in the worker that exits
// the process.
//
// Run standalone (no IPC channel, e.g. for a benchmark) it prints its messages to stdout as
// JSON lines instead: ROLLCAST_WORKER_CONFIG='{…}' node dist/src/worker/main.js

import { ModelSession } from './model-session.js';
import { parseParentMessage, parseWorkerConfig, WORKER_CONFIG_ENV, type WorkerConfig, type WorkerMessage } from './protocol.js';
import { FrameServer } from './frame-server.js';
import { WorkerServer } from './server.js';

/** A drain still waiting on a connection after this long cuts it (the supervisor has its own, longer, kill timer). */
const DRAIN_GRACE_MS = 25_000;

const hasParent = typeof process.send === 'function';

/** Sends a message and resolves once it is handed to the OS, so exiting right after loses nothing. */
function report(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => {
    if (hasParent && process.connected) process.send!(message, undefined, undefined, () => resolve());
    else {
      process.stdout.write(`${JSON.stringify(message)}\n`);
      resolve();
    }
  });
}

async function fail(replicaId: string, error: unknown): Promise<never> {
  await report({ type: 'failed', replicaId, error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

/** The replica id even from a config that failed validation, so the failure can be attributed. */
function replicaIdFrom(raw: string | undefined): string {
  try {
    const parsed: unknown = JSON.parse(raw ?? '');
    const id = (parsed as { replicaId?: unknown } | null)?.replicaId;
    return typeof id === 'string' ? id : '';
  } catch {
    return '';
  }
}

async function main(): Promise<void> {
  if (hasParent) {
    // The supervisor died (or closed the channel): nobody can route to or stop us any more.
    process.once('disconnect', () => process.exit(1));
  }
  const rawConfig = process.env[WORKER_CONFIG_ENV];
  let config: WorkerConfig;
  try {
    config = parseWorkerConfig(rawConfig);
  } catch (e) {
    return fail(replicaIdFrom(rawConfig), e);
  }
  const { replicaId } = config;

  let session: ModelSession;
  try {
    session = await ModelSession.load(config.modelPath, { intraOpThreads: config.intraOpThreads });
  } catch (e) {
    return fail(replicaId, e);
  }

  const server = new WorkerServer(session, config);
  const frames = new FrameServer(server);
  let draining = false;
  const drain = (): void => {
    if (draining) return;
    draining = true;
    frames.stopAccepting();
    void server.drain(DRAIN_GRACE_MS).then(async () => {
      frames.closeAll();
      await report({ type: 'drained', replicaId });
      process.exit(0);
    });
  };
  process.on('message', (raw) => {
    if (parseParentMessage(raw)?.type === 'drain') drain();
  });
  process.on('SIGTERM', drain);
  process.on('SIGINT', drain);

  let port: number;
  let framePort: number;
  let warmUpMs: number;
  try {
    // Listen first so liveness answers during warm-up (readiness says 503 until it is done).
    port = await server.listen(config.host, config.port);
    framePort = await frames.listen(config.host);
    warmUpMs = await session.warmUp();
  } catch (e) {
    return fail(replicaId, e);
  }
  if (draining) return; // told to stop while warming up: never announce ready
  server.markReady();
  await report({ type: 'ready', replicaId, port, framePort, signature: session.signature, warmUpMs, pid: process.pid });
}

await main();
