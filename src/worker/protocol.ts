// The contract between a worker process (one model replica) and its supervisor
// (src/targets/local). The supervisor forks `dist/src/worker/main.js` with
//   fork(entry, [], { env: { ...process.env, ROLLCAST_WORKER_CONFIG: JSON.stringify(config) },
//                     serialization: 'json', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
// and the two talk over the IPC channel with the messages below. Both sides parse what they
// receive with the guards here rather than trusting the other process.
//
// Lifecycle: the worker loads the model, listens, runs one warm-up inference, then sends
// `ready`. If loading or warm-up fails it sends `failed` and exits 1. On `drain` (or SIGTERM)
// it stops taking requests, finishes in-flight ones, sends `drained` and exits 0. If the IPC
// channel closes (the supervisor died) it exits at once, so no replica outlives its parent.

import { isOipDatatype, type ModelSignature, type TensorSignature } from './signature.js';

/** The environment variable that carries the JSON-encoded WorkerConfig. */
export const WORKER_CONFIG_ENV = 'ROLLCAST_WORKER_CONFIG';

export interface WorkerConfig {
  replicaId: string;
  revisionId: string;
  modelName: string;
  modelVersion: string;
  modelPath: string;
  /** Interface to bind; 127.0.0.1 for the local target. */
  host: string;
  /** 0 = any free port (reported in `ready`). */
  port: number;
  intraOpThreads: number;
  /** ORT runs in flight at once; the rest wait in a FIFO queue inside the worker. */
  maxConcurrency: number;
  /** Larger request bodies get 413; nothing past this many bytes is buffered. */
  maxBodyBytes: number;
  /** Accept NaN/±Infinity in floating-point inputs. */
  allowNonFinite: boolean;
}

export interface ReadyMessage {
  type: 'ready';
  replicaId: string;
  port: number;
  signature: ModelSignature;
  /**
   * Milliseconds spent warming up: the warm-up inference, plus any attempts at smaller
   * synthetic sizes that the graph refused (warm-up.ts). Model load is excluded; the
   * supervisor measures fork-to-ready itself.
   */
  warmUpMs: number;
  pid: number;
  /** Port of the frame channel the gateway uses (frame-protocol.ts); HTTP stays on `port`. */
  framePort?: number;
}
export interface FailedMessage {
  type: 'failed';
  replicaId: string;
  error: string;
}
export interface DrainedMessage {
  type: 'drained';
  replicaId: string;
}
/** Worker → supervisor. */
export type WorkerMessage = ReadyMessage | FailedMessage | DrainedMessage;

export interface DrainMessage {
  type: 'drain';
}
/** Supervisor → worker. */
export type ParentMessage = DrainMessage;

/** ROLLCAST_WORKER_CONFIG is missing or invalid; `problems` lists every issue found. */
export class WorkerConfigError extends Error {
  override readonly name = 'WorkerConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid ${WORKER_CONFIG_ENV}: ${problems.join('; ')}`);
  }
}

type Rule = (v: unknown) => boolean;
const nonEmptyString: Rule = (v) => typeof v === 'string' && v.length > 0;
const intIn = (min: number, max: number): Rule => (v) => Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max;
const boolean: Rule = (v) => typeof v === 'boolean';

const CONFIG_RULES: Record<keyof WorkerConfig, [Rule, string]> = {
  replicaId: [nonEmptyString, 'a non-empty string'],
  revisionId: [nonEmptyString, 'a non-empty string'],
  modelName: [nonEmptyString, 'a non-empty string'],
  modelVersion: [nonEmptyString, 'a non-empty string'],
  modelPath: [nonEmptyString, 'a non-empty string'],
  host: [nonEmptyString, 'a non-empty string'],
  port: [intIn(0, 65535), 'an integer in [0, 65535]'],
  intraOpThreads: [intIn(1, 1024), 'an integer in [1, 1024]'],
  maxConcurrency: [intIn(1, 1_000_000), 'an integer ≥ 1'],
  maxBodyBytes: [intIn(1, 2 ** 31 - 1), 'an integer in [1, 2^31 − 1]'],
  allowNonFinite: [boolean, 'true or false'],
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses the env value; throws WorkerConfigError naming every bad or missing field. */
export function parseWorkerConfig(json: string | undefined): WorkerConfig {
  if (json === undefined || json === '') throw new WorkerConfigError([`${WORKER_CONFIG_ENV} is not set (the supervisor passes the config in it)`]);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (e) {
    throw new WorkerConfigError([`not valid JSON (${e instanceof Error ? e.message : String(e)})`]);
  }
  if (!isRecord(raw)) throw new WorkerConfigError(['must be a JSON object']);
  const problems: string[] = [];
  for (const [key, [rule, expected]] of Object.entries(CONFIG_RULES)) {
    const value = raw[key];
    if (value === undefined) problems.push(`${key} is missing, must be ${expected}`);
    else if (!rule(value)) problems.push(`${key} = ${JSON.stringify(value)}, must be ${expected}`);
  }
  if (problems.length > 0) throw new WorkerConfigError(problems);
  return raw as unknown as WorkerConfig;
}

function isTensorSignature(v: unknown): v is TensorSignature {
  return isRecord(v) && typeof v.name === 'string' && isOipDatatype(v.datatype) && Array.isArray(v.shape) && v.shape.every((d) => Number.isInteger(d) && (d as number) >= -1);
}

export function isModelSignature(v: unknown): v is ModelSignature {
  return isRecord(v) && Array.isArray(v.inputs) && Array.isArray(v.outputs) && v.inputs.every(isTensorSignature) && v.outputs.every(isTensorSignature);
}

export function isWorkerMessage(raw: unknown): raw is WorkerMessage {
  if (!isRecord(raw) || typeof raw.replicaId !== 'string') return false;
  switch (raw.type) {
    case 'ready':
      return intIn(1, 65535)(raw.port) && isModelSignature(raw.signature) && typeof raw.warmUpMs === 'number' && raw.warmUpMs >= 0 && intIn(1, 2 ** 31)(raw.pid) && (raw.framePort === undefined || intIn(1, 65535)(raw.framePort));
    case 'failed':
      return typeof raw.error === 'string';
    case 'drained':
      return true;
    default:
      return false;
  }
}

/** A message from a worker, or undefined when it is not one (ignore it). */
export function parseWorkerMessage(raw: unknown): WorkerMessage | undefined {
  return isWorkerMessage(raw) ? raw : undefined;
}

export function isParentMessage(raw: unknown): raw is ParentMessage {
  return isRecord(raw) && raw.type === 'drain';
}

/** A message from the supervisor, or undefined when it is not one (ignore it). */
export function parseParentMessage(raw: unknown): ParentMessage | undefined {
  return isParentMessage(raw) ? raw : undefined;
}
