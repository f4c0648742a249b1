// The worker's HTTP server in-process, with the real Silero VAD session behind it: routes,
// statuses and messages, OIP schema conformance, the concurrency limit, and draining.

import { readFileSync } from 'node:fs';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import YAML from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelSession } from './model-session.js';
import { WorkerServer, type InferenceBackend, type WorkerServerOptions } from './server.js';

const SILERO = fileURLToPath(new URL('../../node_modules/@ricky0123/vad-web/dist/silero_vad_legacy.onnx', import.meta.url));
const OIP_SPEC = fileURLToPath(new URL('../../../shared/specs/oip-v2-rest.yaml', import.meta.url));
const OPTS: WorkerServerOptions = { replicaId: 'vad-r1-1', modelName: 'vad', modelVersion: 'legacy', maxConcurrency: 2, maxBodyBytes: 64 * 1024, allowNonFinite: false };

/** ajv over the OIP OpenAPI document's component schemas; returns the problems ([] = valid). */
function oipValidator(): (schema: string, value: unknown) => string[] {
  const doc = YAML.parse(readFileSync(OIP_SPEC, 'utf8')) as { components: { schemas: Record<string, object> } };
  const ajv = new Ajv({ strict: false, allErrors: true });
  const schemas = JSON.parse(JSON.stringify(doc.components.schemas).replaceAll('#/components/schemas/', 'oip:')) as Record<string, object>;
  for (const [name, schema] of Object.entries(schemas)) ajv.addSchema({ ...schema, $id: `oip:${name}` });
  return (name, value) => {
    const check = ajv.getSchema(`oip:${name}`)!;
    return check(value) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
  };
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

const keepAlive = new Agent({ keepAlive: true });

/** One HTTP exchange on a keep-alive connection (node:http, so odd requests are possible). */
function call(port: number, method: string, path: string, body?: string | Buffer, headers: Record<string, string | number> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: keepAlive }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function sileroRequest(batch: number, sequence: number, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    inputs: [
      { name: 'input', datatype: 'FP32', shape: [batch, sequence], data: Array.from({ length: batch * sequence }, (_, i) => Math.sin(i / 5) / 4) },
      { name: 'sr', datatype: 'INT64', shape: [], data: [16000] },
      { name: 'h', datatype: 'FP32', shape: [2, batch, 64], data: new Array<number>(2 * batch * 64).fill(0) },
      { name: 'c', datatype: 'FP32', shape: [2, batch, 64], data: new Array<number>(2 * batch * 64).fill(0) },
    ],
    ...extra,
  });
}

let session: ModelSession;
let server: WorkerServer;
let port: number;
const oip = oipValidator();

beforeAll(async () => {
  session = await ModelSession.load(SILERO);
  server = new WorkerServer(session, OPTS);
  port = await server.listen('127.0.0.1', 0);
  server.markReady();
});
afterAll(async () => {
  keepAlive.destroy();
  await server.drain(1000);
  await session.close();
});

describe('health and metadata', () => {
  it.each([['/v2/health/live'], ['/v2/health/ready'], ['/v2/models/vad/ready'], ['/v2/models/vad/versions/legacy/ready']])('GET %s → 200', async (path) => {
    const r = await call(port, 'GET', path);
    expect(r.status).toBe(200);
    expect(r.headers['x-rollcast-replica']).toBe('vad-r1-1');
  });

  it.each([['/v2/models/vad'], ['/v2/models/vad/versions/legacy'], ['/v2/models/v%61d?verbose=1']])('GET %s → OIP model metadata', async (path) => {
    const r = await call(port, 'GET', path);
    expect(r.status).toBe(200);
    expect(oip('metadata_model_response', r.body)).toEqual([]);
    expect(r.body).toEqual({ name: 'vad', versions: ['legacy'], platform: 'onnxruntime', ...session.signature });
  });
});

describe('inference', () => {
  it('answers a valid request with an OIP response, the replica and the inference time', async () => {
    const r = await call(port, 'POST', '/v2/models/vad/versions/legacy/infer', sileroRequest(2, 512, { id: 'req-9' }), { 'content-type': 'application/json' });
    expect(r.status).toBe(200);
    expect(oip('inference_response', r.body)).toEqual([]);
    expect(r.body).toMatchObject({ model_name: 'vad', model_version: 'legacy', id: 'req-9' });
    const outputs = r.body.outputs as { name: string; shape: number[]; data: number[] }[];
    expect(outputs.map((o) => [o.name, o.shape, o.data.length])).toEqual([['output', [2, 1], 2], ['hn', [2, 2, 64], 256], ['cn', [2, 2, 64], 256]]);
    expect(r.headers['x-rollcast-replica']).toBe('vad-r1-1');
    expect(r.headers['x-rollcast-infer-ms']).toMatch(/^\d+\.\d{3}$/);
    expect(r.headers.connection).toBe('keep-alive');
  });

  it('returns only the requested outputs, in the requested order', async () => {
    const r = await call(port, 'POST', '/v2/models/vad/infer', sileroRequest(1, 256, { outputs: [{ name: 'output' }] }));
    expect((r.body.outputs as { name: string }[]).map((o) => o.name)).toEqual(['output']);
  });

  it.each<[string, number, string, string]>([
    ['malformed JSON', 400, '{"inputs": [', 'request body is not valid JSON: '],
    ['unknown input', 400, '{"inputs":[{"name":"audio","shape":[1],"datatype":"FP32","data":[0]}]}', 'unknown input "audio"; this model takes: input, sr, h, c'],
    ['non-finite value', 400, '{"inputs":[{"name":"input","shape":[1,2],"datatype":"FP32","data":[0,1e999]}]}', 'input "input": value at index 1 is not finite (Infinity); this model does not accept non-finite values'],
    ['ORT refuses the input', 500, sileroRequest(1, 4), 'inference failed: Non-zero status code returned while running If node'],
  ])('%s → %d with the reason', async (_label, status, body, message) => {
    const r = await call(port, 'POST', '/v2/models/vad/infer', body);
    expect(r.status).toBe(status);
    expect(r.body.error).toEqual(expect.stringContaining(message));
    expect(r.headers['x-rollcast-replica']).toBe('vad-r1-1');
  });
});

describe('routing errors', () => {
  it.each<[string, string, number, string]>([
    ['POST', '/v2/models/other/infer', 404, 'unknown model "other"; this worker serves "vad"'],
    ['GET', '/v2/models/vad/versions/2', 404, 'unknown version "2" of model "vad"; this worker serves version "legacy"'],
    ['GET', '/v2/nothing', 404, 'no route for GET /v2/nothing'],
    ['GET', '/v2/models/vad/explain', 404, 'no route for GET /v2/models/vad/explain'],
    ['GET', '/v2/models/vad/infer', 405, 'method GET not allowed here; use POST'],
    ['DELETE', '/v2/models/vad', 405, 'method DELETE not allowed here; use GET'],
  ])('%s %s → %d', async (method, path, status, message) => {
    const r = await call(port, method, path, method === 'POST' ? '{}' : undefined);
    expect(r).toMatchObject({ status, body: { error: message } });
    if (status === 405) expect(r.headers.allow).toBe(message.endsWith('POST') ? 'POST' : 'GET');
  });
});

describe('malformed HTTP', () => {
  it('gets a JSON 400 with the replica header, not Node’s bare one', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end('NOT HTTP AT ALL\r\n\r\n'));
      let text = '';
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(raw).toContain('x-rollcast-replica: vad-r1-1\r\n');
    expect(raw).toMatch(/\r\n\r\n\{"error":"malformed HTTP request: HPE_[A-Z_]+"\}$/);
  });
});

describe('body limit', () => {
  const tooBig = Buffer.alloc(OPTS.maxBodyBytes + 1, 0x20);
  const message = { error: `request body is larger than ${OPTS.maxBodyBytes} bytes` };

  it('413 from Content-Length, and the connection stays usable', async () => {
    const r = await call(port, 'POST', '/v2/models/vad/infer', tooBig, { 'content-length': tooBig.length });
    expect(r).toMatchObject({ status: 413, body: message });
    expect(r.headers.connection).toBe('keep-alive');
  });

  it('413 for a chunked body once it passes the limit', async () => {
    const r = await call(port, 'POST', '/v2/models/vad/infer', tooBig, { 'transfer-encoding': 'chunked' });
    expect(r).toMatchObject({ status: 413, body: message });
  });

  it('413 and close, before any body, when the declared length is hopeless', async () => {
    const reply = await new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v2/models/vad/infer', headers: { 'content-length': 1e9 }, agent: false }, (res) => {
        res.resume();
        resolve({ status: res.statusCode!, connection: res.headers.connection });
      });
      req.on('error', reject);
      req.flushHeaders(); // headers only: the worker must answer without waiting for a gigabyte
    });
    expect(reply).toEqual({ status: 413, connection: 'close' });
  });
});

describe('lifecycle', () => {
  it('while warming: live, but not ready and no inference', async () => {
    const warming = new WorkerServer(session, OPTS);
    const p = await warming.listen('127.0.0.1', 0);
    expect((await call(p, 'GET', '/v2/health/live')).status).toBe(200);
    expect(await call(p, 'GET', '/v2/health/ready')).toMatchObject({ status: 503, body: { error: 'model is warming up' } });
    expect(await call(p, 'POST', '/v2/models/vad/infer', sileroRequest(1, 256))).toMatchObject({ status: 503, body: { error: 'model is warming up' } });
    await warming.drain(1000);
  });

  it('runs at most maxConcurrency inferences at once; the rest queue in order', async () => {
    const releases: (() => void)[] = [];
    let running = 0;
    let peak = 0;
    const fake: InferenceBackend = {
      spec: session.spec,
      signature: session.signature,
      async run() {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running--;
        return [{ name: 'output', type: 'float32', dims: [1, 1], data: new Float32Array([0.5]) }];
      },
    };
    const limited = new WorkerServer(fake, { ...OPTS, maxConcurrency: 1 });
    const p = await limited.listen('127.0.0.1', 0);
    limited.markReady();
    const replies = [1, 2, 3].map(() => call(p, 'POST', '/v2/models/vad/infer', sileroRequest(1, 256)));
    // Release runs one at a time as they start; each release lets exactly one more begin.
    for (let released = 0; released < 3; released++) {
      while (releases.length <= released) await new Promise((resolve) => setImmediate(resolve));
      expect(running).toBe(1);
      releases[released]!();
    }
    expect((await Promise.all(replies)).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(peak).toBe(1);
    await limited.drain(1000);
  });

  it('drain: finishes the in-flight request, closes idle keep-alive sockets, then resolves', async () => {
    const draining = new WorkerServer(session, OPTS);
    const p = await draining.listen('127.0.0.1', 0);
    draining.markReady();

    // An idle keep-alive connection, parked in the agent's pool.
    const idle = await new Promise<Socket>((resolve) => {
      const req = httpRequest({ host: '127.0.0.1', port: p, path: '/v2/health/live', agent: keepAlive }, (res) => {
        res.resume();
        res.on('end', () => resolve(req.socket!));
      });
      req.end();
    });
    const idleClosed = new Promise((resolve) => idle.once('close', resolve));

    // Expect: 100-continue makes the worker acknowledge the request before the body is sent,
    // so the test knows the request is in flight when it starts the drain (no sleeping).
    let drained: Promise<void> | undefined;
    const body = sileroRequest(1, 256);
    const reply = new Promise<Reply>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: p, method: 'POST', path: '/v2/models/vad/infer', headers: { expect: '100-continue', 'content-length': Buffer.byteLength(body) }, agent: false },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown> }));
        },
      );
      req.on('error', reject);
      req.on('continue', () => {
        drained = draining.drain(5000);
        expect([draining.state, draining.inFlight]).toEqual(['draining', 1]);
        req.end(body);
      });
      req.flushHeaders();
    });
    const r = await reply;
    expect(r.status).toBe(200);
    expect(r.headers.connection).toBe('close'); // the client must reconnect elsewhere
    await drained;
    await idleClosed;
    expect(draining.inFlight).toBe(0);
    await expect(call(p, 'GET', '/v2/health/live')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
