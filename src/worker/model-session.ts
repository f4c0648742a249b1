// One ONNX model loaded into an ONNX Runtime CPU session: its signature, inference, and the
// warm-up run a replica must pass before it reports ready.
//
// Note on concurrency: onnxruntime-node 1.30 runs `session.run` synchronously on the JS
// thread (deferred by one setImmediate), so runs of one session never overlap; parallelism
// comes from `intraOpNumThreads` inside a run. The server's concurrency limit therefore
// bounds queued work, not parallel work.

import { stat } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { specFromOrt, toSignature, UnsupportedSignatureError, type ModelSignature, type ModelSpec } from './signature.js';
import type { DecodedInput, OutputTensor } from './validate-request.js';
import { warmUpPlan } from './warm-up.js';

/** The model file is missing, is not ONNX, is truncated, or has tensors OIP cannot carry. */
export class ModelLoadError extends Error {
  override readonly name = 'ModelLoadError';
  constructor(
    readonly path: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Every warm-up attempt failed; `message` carries the first attempt's error (sizes = 1). */
export class WarmUpError extends Error {
  override readonly name = 'WarmUpError';
}

export interface SessionOptions {
  /** ORT threads inside one run (default 1: replicas scale out as processes). */
  intraOpThreads?: number;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export class ModelSession {
  readonly signature: ModelSignature;

  private constructor(
    private readonly session: ort.InferenceSession,
    readonly path: string,
    readonly spec: ModelSpec,
  ) {
    this.signature = toSignature(spec);
  }

  static async load(path: string, options: SessionOptions = {}): Promise<ModelSession> {
    try {
      const info = await stat(path);
      if (!info.isFile()) throw new ModelLoadError(path, `model path "${path}" is not a file`);
    } catch (e) {
      if (e instanceof ModelLoadError) throw e;
      throw new ModelLoadError(path, `model file "${path}" cannot be read: ${messageOf(e)}`, { cause: e });
    }
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(path, {
        intraOpNumThreads: options.intraOpThreads ?? 1,
        interOpNumThreads: 1,
        executionProviders: ['cpu'],
        graphOptimizationLevel: 'all',
        // Failures reach the caller as exceptions (a 500 body, a 'failed' message); ORT's own
        // stderr copy of each one would be per-request logging on the hot path.
        logSeverityLevel: 4,
      });
    } catch (e) {
      throw new ModelLoadError(path, `"${path}" is not a loadable ONNX model: ${messageOf(e)}`, { cause: e });
    }
    try {
      return new ModelSession(session, path, specFromOrt(session.inputMetadata, session.outputMetadata));
    } catch (e) {
      await session.release();
      if (e instanceof UnsupportedSignatureError) throw new ModelLoadError(path, `model "${path}" cannot be served over OIP: ${e.message}`, { cause: e });
      throw e;
    }
  }

  /** Runs the model; returns the requested outputs (all when `outputNames` is absent), in that order. */
  async run(inputs: readonly DecodedInput[], outputNames?: readonly string[]): Promise<OutputTensor[]> {
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of inputs) {
      // (type, data) pairs match by construction in tensor-data.ts (float16 → Uint16Array bits).
      feeds[input.name] = new ort.Tensor(input.type, input.data, input.dims);
    }
    const names = outputNames ?? this.session.outputNames;
    const results = await this.session.run(feeds, names);
    const out: OutputTensor[] = [];
    for (const name of names) {
      const t = results[name] as ort.Tensor;
      out.push({ name, type: t.type, dims: t.dims, data: t.data });
    }
    return out;
  }

  /**
   * One inference on synthetic input (see warm-up.ts), so that the first real request does
   * not pay for lazy allocations. Returns the milliseconds spent, failed attempts included.
   */
  async warmUp(): Promise<number> {
    const started = performance.now();
    let firstError: unknown;
    for (const inputs of warmUpPlan(this.spec)) {
      try {
        await this.run(inputs);
        return performance.now() - started;
      } catch (e) {
        firstError ??= e;
      }
    }
    throw new WarmUpError(`warm-up inference on "${this.path}" failed: ${messageOf(firstError)}`, { cause: firstError });
  }

  async close(): Promise<void> {
    await this.session.release();
  }
}
