// Model artifacts: the file a spec's `model.uri` points at, checked at apply time.
//
// A model is read once, hashed (sha256), compared with `spec.model.sha256` when given, and
// opened with ONNX Runtime to prove it is a model and to learn its signature — all before a
// revision is recorded, so a missing, unreadable, corrupt or mismatching file is refused
// with a clear error and the revision already serving keeps serving. Accepted models are
// copied into a content-addressed folder of the data dir (`models/<sha256>.onnx`): a
// revision is immutable, so it must not change when someone overwrites the original file.

import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import { signatureFromOrt, type ModelSignature } from '../worker/signature.js';

export class ModelArtifactError extends Error {
  override readonly name = 'ModelArtifactError';
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface CheckedModel {
  /** Absolute path the spec pointed at. */
  sourcePath: string;
  sha256: string;
  bytes: number;
  signature: ModelSignature;
  /** Where the immutable copy lives (after `keep`). */
  storedPath: string;
}

const MAX_MODEL_BYTES = 2 * 1024 ** 3;

/** Resolve `uri` (a local path; `file://` accepted) relative to the folder of the spec file. */
export function resolveModelPath(uri: string, specDir: string): string {
  const path = uri.startsWith('file://') ? new URL(uri).pathname : uri;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) {
    throw new ModelArtifactError(`model uri "${uri}" is not a local path; only local files are supported on the local target`, uri);
  }
  return isAbsolute(path) ? path : resolve(specDir, path);
}

/** Reads, hashes, verifies and opens the model; copies it into `storeDir` on success. */
export async function checkAndKeepModel(opts: { uri: string; specDir: string; sha256?: string; storeDir: string }): Promise<CheckedModel> {
  const sourcePath = resolveModelPath(opts.uri, opts.specDir);
  let bytes: Buffer;
  try {
    const info = await stat(sourcePath);
    if (!info.isFile()) throw new ModelArtifactError(`model ${sourcePath} is not a file`, sourcePath);
    if (info.size > MAX_MODEL_BYTES) throw new ModelArtifactError(`model ${sourcePath} is ${info.size} bytes; the limit is ${MAX_MODEL_BYTES}`, sourcePath);
    bytes = await readFile(sourcePath);
  } catch (err) {
    if (err instanceof ModelArtifactError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : code === 'EACCES' ? 'is not readable (permission denied)' : `could not be read (${(err as Error).message})`;
    throw new ModelArtifactError(`model ${sourcePath} ${why}`, sourcePath, { cause: err });
  }
  if (bytes.length === 0) throw new ModelArtifactError(`model ${sourcePath} is empty`, sourcePath);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (opts.sha256 !== undefined && opts.sha256.toLowerCase() !== sha256) {
    throw new ModelArtifactError(`model ${sourcePath} has sha256 ${sha256}, but spec.model.sha256 is ${opts.sha256.toLowerCase()}`, sourcePath);
  }
  const signature = await inspectModel(bytes, sourcePath);
  const storedPath = join(opts.storeDir, `${sha256}.onnx`);
  await mkdir(opts.storeDir, { recursive: true });
  const exists = await stat(storedPath).then((s) => s.size === bytes.length, () => false);
  if (!exists) {
    // Write then rename, so a crash never leaves a half-written model under its final name.
    const tmp = `${storedPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(tmp, bytes, { mode: 0o644 });
    await rename(tmp, storedPath);
  }
  return { sourcePath, sha256, bytes: bytes.length, signature, storedPath };
}

/** Opens the model with ONNX Runtime to prove it loads, and returns its signature. */
export async function inspectModel(bytes: Uint8Array, path: string): Promise<ModelSignature> {
  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionProviders: ['cpu'] });
  } catch (err) {
    const detail = (err as Error).message.split('\n')[0] ?? '';
    throw new ModelArtifactError(`model ${path} is not a valid ONNX model that ONNX Runtime can load: ${detail}`, path, { cause: err });
  }
  try {
    return signatureFromOrt(session.inputMetadata, session.outputMetadata);
  } catch (err) {
    throw new ModelArtifactError(`model ${path}: ${(err as Error).message}`, path, { cause: err });
  } finally {
    await session.release();
  }
}
