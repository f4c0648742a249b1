// The worker as the supervisor runs it: a forked `dist/src/worker/main.js` (built by
// `npm run build`; `npm test` builds first) serving the Silero VAD model on 127.0.0.1,
// talking over the IPC channel. Every wait is on a message, an HTTP reply or the exit event.

import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseWorkerMessage, WORKER_CONFIG_ENV, type ReadyMessage, type WorkerConfig, type WorkerMessage } from './protocol.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ENTRY = join(ROOT, 'dist/src/worker/main.js');
const SILERO = join(ROOT, 'node_modules/@ricky0123/vad-web/dist/silero_vad_legacy.onnx');
const MAX_BODY = 256 * 1024;

/** Fails (never skips) when the build is missing or older than the sources it would test. */
function assertBuilt(): void {
  if (!existsSync(ENTRY)) throw new Error(`${ENTRY} does not exist: run \`npm run build\` first (\`npm test\` builds before running vitest)`);
}

async function assertFresh(): Promise<void> {
  const src = join(ROOT, 'src/worker');
  for (const file of await readdir(src)) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    const built = join(ROOT, 'dist/src/worker', file.replace(/\.ts$/, '.js'));
    if (!existsSync(built) || statSync(built).mtimeMs < statSync(join(src, file)).mtimeMs) {
      throw new Error(`${built} is missing or older than src/worker/${file}: run \`npm run build\` first`);
    }
  }
}

interface Worker {
  child: ChildProcess;
  next(): Promise<WorkerMessage>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startWorker(overrides: Partial<WorkerConfig> = {}, rawConfig?: string): Worker {
  const config: WorkerConfig = {
    replicaId: 'vad-r1-1', revisionId: 'vad-r1', modelName: 'vad', modelVersion: 'legacy', modelPath: SILERO,
    host: '127.0.0.1', port: 0, intraOpThreads: 1, maxConcurrency: 2, maxBodyBytes: MAX_BODY, allowNonFinite: false,
    ...overrides,
  };
  const child = fork(ENTRY, [], {
    env: { ...process.env, [WORKER_CONFIG_ENV]: rawConfig ?? JSON.stringify(config) },
    serialization: 'json',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const queue: WorkerMessage[] = [];
  const waiting: ((m: WorkerMessage | undefined) => void)[] = [];
  child.on('message', (raw) => {
    const msg = parseWorkerMessage(raw);
    if (!msg) throw new Error(`worker sent a message outside the protocol: ${JSON.stringify(raw)}`);
    const waiter = waiting.shift();
    if (waiter) waiter(msg);
    else queue.push(msg);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const waiter of waiting.splice(0)) waiter(undefined);
      resolve({ code, signal });
    });
  });
  const next = (): Promise<WorkerMessage> => {
    const queued = queue.shift();
    if (queued) return Promise.resolve(queued);
    if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error('worker exited before sending a message'));
    return new Promise((resolve, reject) => waiting.push((m) => (m ? resolve(m) : reject(new Error('worker exited before sending a message')))));
  };
  return { child, next, exited };
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown>;
}

function call(port: number, method: string, path: string, body?: string | Buffer, headers: Record<string, string | number> = {}, onContinue?: (send: () => void) => void): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> }));
    });
    req.on('error', reject);
    if (onContinue) {
      req.on('continue', () => onContinue(() => req.end(body)));
      req.flushHeaders();
    } else {
      req.end(body);
    }
  });
}

const random = (n: number): number[] => Array.from({ length: n }, () => Math.random() * 0.2 - 0.1);
const inputs = (batch: number, sequence: number, hBatch = batch) => [
  { name: 'input', datatype: 'FP32', shape: [batch, sequence], data: random(batch * sequence) },
  { name: 'sr', datatype: 'INT64', shape: [], data: [16000] },
  { name: 'h', datatype: 'FP32', shape: [2, hBatch, 64], data: new Array<number>(2 * hBatch * 64).fill(0) },
  { name: 'c', datatype: 'FP32', shape: [2, batch, 64], data: new Array<number>(2 * batch * 64).fill(0) },
];
const withInput = (name: string, change: Record<string, unknown>) => ({ inputs: inputs(1, 512).map((i) => (i.name === name ? { ...i, ...change } : i)) });

beforeAll(async () => {
  assertBuilt();
  await assertFresh();
});

describe('a worker serving Silero VAD', () => {
  let worker: Worker;
  let ready: ReadyMessage;
  const infer = (body: unknown, path = '/v2/models/vad/infer'): Promise<Reply> =>
    call(ready.port, 'POST', path, typeof body === 'string' ? body : JSON.stringify(body), { 'content-type': 'application/json' });

  beforeAll(async () => {
    worker = startWorker();
    const first = await worker.next();
    if (first.type !== 'ready') throw new Error(`expected ready, got ${JSON.stringify(first)}`);
    ready = first;
  });
  afterAll(() => {
    if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  });

  it('reports ready with its port, signature, warm-up time and pid', () => {
    expect(ready).toMatchObject({ type: 'ready', replicaId: 'vad-r1-1', pid: worker.child.pid });
    expect(ready.port).toBeGreaterThan(0);
    expect(ready.warmUpMs).toBeGreaterThan(0);
    expect(ready.signature.inputs.map((t) => [t.name, t.datatype, t.shape])).toEqual([
      ['input', 'FP32', [-1, -1]], ['sr', 'INT64', []], ['h', 'FP32', [2, -1, 64]], ['c', 'FP32', [2, -1, 64]],
    ]);
  });

  it('infers on valid random input', async () => {
    const r = await infer({ id: 'a1', inputs: inputs(3, 512) });
    expect(r.status).toBe(200);
    expect(r.headers['x-rollcast-replica']).toBe('vad-r1-1');
    expect(r.body).toMatchObject({ model_name: 'vad', model_version: 'legacy', id: 'a1' });
    expect((r.body.outputs as { name: string; shape: number[] }[]).map((o) => [o.name, o.shape])).toEqual([
      ['output', [3, 1]], ['hn', [2, 3, 64]], ['cn', [2, 3, 64]],
    ]);
  });

  it.each<[string, unknown, string]>([
    ['body not an object', '[1,2]', 'request body must be a JSON object'],
    ['no inputs', { inputs: [] }, 'request must have a non-empty "inputs" array'],
    ['unknown input', { inputs: [...inputs(1, 512), { name: 'audio', datatype: 'FP32', shape: [1], data: [0] }] }, 'unknown input "audio"; this model takes: input, sr, h, c'],
    ['missing input', { inputs: inputs(1, 512).filter((i) => i.name !== 'sr') }, 'missing input "sr"'],
    ['duplicate input', { inputs: [...inputs(1, 512), inputs(1, 512)[1]] }, 'input "sr" appears twice'],
    ['wrong datatype', withInput('sr', { datatype: 'INT32' }), 'input "sr": expected datatype INT64, got INT32'],
    ['wrong rank', withInput('h', { shape: [2, 64] }), 'input "h": shape [2,64] does not match [2,-1,64] (rank 2, needs 3)'],
    ['wrong fixed dimension', withInput('h', { shape: [3, 1, 64] }), 'input "h": shape [3,1,64] does not match [2,-1,64] (dimension 0 must be 2)'],
    ['batch differs across inputs', { inputs: inputs(2, 512, 1) }, 'input "h": shape [2,1,64] gives batch = 1, but input "input" gives batch = 2'],
    ['element count', withInput('input', { shape: [1, 500] }), 'input "input": 512 values for shape [1,500] (needs 500)'],
    ['non-integer INT64', withInput('sr', { data: [16000.5] }), 'input "sr": value at index 0 (16000.5) is not an integer; INT64 takes integers'],
    ['non-finite', '{"inputs":[{"name":"input","shape":[1,1],"datatype":"FP32","data":[-1e999]}]}', 'input "input": value at index 0 is not finite (-Infinity); this model does not accept non-finite values'],
    ['unknown output', { ...withInput('sr', {}), outputs: [{ name: 'prob' }] }, 'unknown output "prob"; this model returns: output, hn, cn'],
  ])('%s → 400 with the reason', async (_label, body, message) => {
    expect(await infer(body)).toMatchObject({ status: 400, body: { error: message } });
  });

  it('malformed JSON → 400', async () => {
    const r = await infer('{"inputs": [}');
    expect(r.status).toBe(400);
    expect(r.body.error).toMatch(/^request body is not valid JSON: /);
  });

  it('a body over maxBodyBytes → 413', async () => {
    expect(await infer(JSON.stringify({ inputs: inputs(1, 40_000) }))).toMatchObject({ status: 413, body: { error: `request body is larger than ${MAX_BODY} bytes` } });
  });

  it('unknown model or version → 404', async () => {
    expect((await infer(withInput('sr', {}), '/v2/models/penguins/infer')).status).toBe(404);
    expect((await infer(withInput('sr', {}), '/v2/models/vad/versions/9/infer')).status).toBe(404);
  });

  it('drain: the in-flight request completes, then "drained" and exit 0', async () => {
    const body = JSON.stringify({ inputs: inputs(1, 512) });
    // The worker answers `100 Continue` once the request is in its hands: only then drain.
    const reply = call(ready.port, 'POST', '/v2/models/vad/infer', body, { expect: '100-continue', 'content-length': Buffer.byteLength(body) }, (send) => {
      worker.child.send({ type: 'drain' });
      send();
    });
    const r = await reply;
    expect(r.status).toBe(200);
    expect(r.headers.connection).toBe('close');
    expect(await worker.next()).toEqual({ type: 'drained', replicaId: 'vad-r1-1' });
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  });
});

describe('worker lifecycle edges', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rollcast-worker-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a model file that is not ONNX → "failed" naming the path, exit 1', async () => {
    const path = join(dir, 'broken.onnx');
    await writeFile(path, 'not a protobuf');
    const worker = startWorker({ modelPath: path });
    const msg = await worker.next();
    expect(msg).toMatchObject({ type: 'failed', replicaId: 'vad-r1-1' });
    expect((msg as { error: string }).error).toMatch(new RegExp(`^"${path}" is not a loadable ONNX model: `));
    expect(await worker.exited).toEqual({ code: 1, signal: null });
  });

  it('an invalid config → "failed" listing the problems, exit 1', async () => {
    const worker = startWorker({}, JSON.stringify({ replicaId: 'bad-1', port: -1 }));
    const msg = await worker.next();
    expect(msg).toMatchObject({ type: 'failed', replicaId: 'bad-1' });
    expect((msg as { error: string }).error).toContain('port = -1, must be an integer in [0, 65535]');
    expect(await worker.exited).toEqual({ code: 1, signal: null });
  });

  it('SIGTERM drains like the drain message', async () => {
    const worker = startWorker({ replicaId: 'term-1' });
    expect((await worker.next()).type).toBe('ready');
    worker.child.kill('SIGTERM');
    expect(await worker.next()).toEqual({ type: 'drained', replicaId: 'term-1' });
    expect(await worker.exited).toEqual({ code: 0, signal: null });
  });

  it('exits when the IPC channel to its parent closes (no orphans)', async () => {
    const worker = startWorker({ replicaId: 'orphan-1' });
    expect((await worker.next()).type).toBe('ready');
    worker.child.disconnect();
    expect(await worker.exited).toEqual({ code: 1, signal: null });
  });
});
