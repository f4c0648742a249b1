// The worker's HTTP server: the OIP v2 REST endpoints for the one model this replica serves.
//
// Plain node:http rather than fastify (the rest of the stack's choice): there are six fixed
// routes, the body must be cut off at maxBodyBytes before it is buffered, the response is
// one pre-serialized string, and draining needs direct control of the server's connections.
// A framework would add per-request objects and hooks and give none of that for free. This
// server is the baseline the gateway is benchmarked against, so it does the least per request:
// no per-request logging, JSON.stringify once, one Buffer per response.

import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { ABORTED, discardBody, errorJson, readBody, sendJson } from './http-io.js';
import { ConcurrencyLimiter } from './limiter.js';
import type { ModelSignature, ModelSpec } from './signature.js';
import { encodeInferResponse, validateInferRequest, type DecodedInput, type OutputTensor } from './validate-request.js';

/** What the server needs from a model; ModelSession provides it, tests may fake it. */
export interface InferenceBackend {
  readonly spec: ModelSpec;
  readonly signature: ModelSignature;
  run(inputs: readonly DecodedInput[], outputNames?: readonly string[]): Promise<OutputTensor[]>;
}

export interface WorkerServerOptions {
  replicaId: string;
  modelName: string;
  modelVersion: string;
  maxConcurrency: number;
  maxBodyBytes: number;
  allowNonFinite: boolean;
}

export type ServerState = 'warming' | 'ready' | 'draining';

/** The outcome of one inference: HTTP status and the JSON to send back. */
export interface InferAnswer {
  status: number;
  json: string;
  /** ONNX Runtime time for this request, when it ran. */
  inferMs?: number;
}

export type Route =
  | { kind: 'live' }
  | { kind: 'health-ready' }
  | { kind: 'metadata' | 'model-ready' | 'infer'; name: string; version: string | undefined };

/** Idle keep-alive sockets stay open this long: longer than the gateway's pool keeps them, so the gateway closes first and never sends on a socket we just closed. */
const KEEP_ALIVE_MS = 65_000;
const MODELS = '/v2/models/';
/**
 * After a 413, up to this many more body bytes are read and discarded so the connection
 * survives and the client gets the 413 cleanly (see discardBody); a body declared larger than
 * maxBodyBytes + this closes the connection at once instead.
 */
const DISCARD_CAP_BYTES = 4 * 1024 * 1024;

export class WorkerServer {
  readonly #server: Server;
  readonly #limiter: ConcurrencyLimiter;
  readonly #metadataJson: string;
  #state: ServerState = 'warming';
  #inFlight = 0;
  #onIdle: (() => void) | undefined;
  #drained: Promise<void> | undefined;

  constructor(
    private readonly backend: InferenceBackend,
    private readonly opts: WorkerServerOptions,
  ) {
    this.#limiter = new ConcurrencyLimiter(opts.maxConcurrency);
    this.#metadataJson = JSON.stringify({
      name: opts.modelName,
      versions: [opts.modelVersion],
      platform: 'onnxruntime',
      inputs: backend.signature.inputs,
      outputs: backend.signature.outputs,
    });
    this.#server = createServer({ keepAliveTimeout: KEEP_ALIVE_MS }, (req, res) => this.#onRequest(req, res));
    // Requests Node's parser rejects (bad HTTP, headers too large) get our JSON error shape and
    // replica header too, instead of Node's bare `400 Bad Request`.
    this.#server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
      if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
      const status =
        err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
      const body = errorJson(`malformed HTTP request: ${err.code ?? err.message}`);
      socket.end(
        `HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
          `x-rollcast-replica: ${opts.replicaId}\r\nconnection: close\r\n\r\n${body}`,
      );
    });
  }

  get state(): ServerState {
    return this.#state;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Starts listening; resolves with the bound port (useful when `port` is 0). */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve((this.#server.address() as AddressInfo).port);
      });
    });
  }

  markReady(): void {
    if (this.#state === 'warming') this.#state = 'ready';
  }

  /**
   * Stops accepting connections, closes idle keep-alive sockets, lets in-flight requests
   * finish (their responses carry `Connection: close`), and resolves when none is left. A
   * connection still open after `graceMs` (e.g. a client stalled mid-upload) is cut.
   */
  drain(graceMs: number): Promise<void> {
    this.#drained ??= this.#startDrain(graceMs);
    return this.#drained;
  }

  #startDrain(graceMs: number): Promise<void> {
    this.#state = 'draining';
    return new Promise((resolve) => {
      let closed = false;
      const finish = (): void => {
        if (closed && this.#inFlight === 0) {
          clearTimeout(timer);
          this.#onIdle = undefined;
          resolve();
        }
      };
      const timer = setTimeout(() => this.#server.closeAllConnections(), graceMs);
      timer.unref();
      this.#onIdle = finish;
      this.#server.close(() => {
        closed = true;
        finish();
      });
      this.#server.closeIdleConnections();
    });
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.#inFlight++;
    this.#route(req, res)
      .catch((e: unknown) => this.#send(res, 500, errorJson(`internal error: ${e instanceof Error ? e.message : String(e)}`)))
      .finally(() => {
        this.#inFlight--;
        this.#onIdle?.();
      });
  }

  #send(res: ServerResponse, status: number, json: string, extra?: OutgoingHttpHeaders): void {
    const headers: OutgoingHttpHeaders = extra ?? {};
    headers['x-rollcast-replica'] = this.opts.replicaId;
    // While draining, every response closes its connection so the client reconnects elsewhere.
    if (this.#state === 'draining') headers.connection = 'close';
    sendJson(res, status, json, headers);
  }

  async #route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const route = parseRoute(req.url ?? '/');
    if (route === undefined) return this.#send(res, 404, errorJson(`no route for ${req.method ?? '?'} ${req.url ?? ''}`));
    if ('name' in route) {
      if (route.name !== this.opts.modelName) {
        return this.#send(res, 404, errorJson(`unknown model "${route.name}"; this worker serves "${this.opts.modelName}"`));
      }
      if (route.version !== undefined && route.version !== this.opts.modelVersion) {
        return this.#send(res, 404, errorJson(`unknown version "${route.version}" of model "${route.name}"; this worker serves version "${this.opts.modelVersion}"`));
      }
    }
    const method = route.kind === 'infer' ? 'POST' : 'GET';
    if (req.method !== method) return this.#send(res, 405, errorJson(`method ${req.method ?? '?'} not allowed here; use ${method}`), { allow: method });

    switch (route.kind) {
      case 'live':
        return this.#send(res, 200, '{"live":true}');
      case 'health-ready':
        return this.#readiness(res, '{"ready":true}');
      case 'model-ready':
        return this.#readiness(res, JSON.stringify({ name: this.opts.modelName, ready: true }));
      case 'metadata':
        return this.#send(res, 200, this.#metadataJson);
      case 'infer':
        return this.#infer(req, res);
    }
  }

  #readiness(res: ServerResponse, readyJson: string): void {
    if (this.#state === 'ready') this.#send(res, 200, readyJson);
    else this.#send(res, 503, errorJson(this.#state === 'draining' ? 'replica is draining' : 'model is warming up'));
  }

  #tooLarge(req: IncomingMessage, res: ServerResponse): void {
    const declared = Number(req.headers['content-length'] ?? -1);
    const hopeless = declared > this.opts.maxBodyBytes + DISCARD_CAP_BYTES;
    this.#send(res, 413, errorJson(`request body is larger than ${this.opts.maxBodyBytes} bytes`), hopeless ? { connection: 'close' } : {});
    if (!hopeless) discardBody(req, DISCARD_CAP_BYTES);
  }

  async #infer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (this.#state !== 'ready') {
      // Refuse before reading: the gateway retries a 503 on another replica.
      return this.#send(res, 503, errorJson(this.#state === 'draining' ? 'replica is draining' : 'model is warming up'));
    }
    const body = await readBody(req, this.opts.maxBodyBytes);
    if (body === ABORTED) return;
    if (!Buffer.isBuffer(body)) return this.#tooLarge(req, res);
    // Admitted before the drain began (checked above, before reading): it runs to the end.
    const answer = await this.#run(body);
    this.#send(res, answer.status, answer.json, answer.inferMs !== undefined ? { 'x-rollcast-infer-ms': answer.inferMs.toFixed(3) } : undefined);
  }

  /**
   * One inference from a request body, whatever carried it (HTTP here, or the gateway's
   * frame channel, frame-server.ts): parse, validate against the signature, run, encode.
   */
  infer(body: Buffer): Promise<InferAnswer> {
    if (this.#state !== 'ready') {
      return Promise.resolve({ status: 503, json: errorJson(this.#state === 'draining' ? 'replica is draining' : 'model is warming up') });
    }
    return this.#run(body);
  }

  async #run(body: Buffer): Promise<InferAnswer> {
    if (body.length > this.opts.maxBodyBytes) return { status: 413, json: errorJson(`request body is larger than ${this.opts.maxBodyBytes} bytes`) };
    this.#inFlight++;
    try {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch (e) {
        return { status: 400, json: errorJson(`request body is not valid JSON: ${e instanceof Error ? e.message : String(e)}`) };
      }
      const request = validateInferRequest(parsed, this.backend.spec, { allowNonFinite: this.opts.allowNonFinite });
      if (!request.ok) return { status: 400, json: errorJson(request.error) };

      let outputs: OutputTensor[];
      let ms = 0; // ORT time only: the wait for a slot is excluded, so the header shows model cost
      try {
        outputs = await this.#limiter.run(async () => {
          const started = performance.now();
          const result = await this.backend.run(request.inputs, request.outputs);
          ms = performance.now() - started;
          return result;
        });
      } catch (e) {
        return { status: 500, json: errorJson(`inference failed: ${e instanceof Error ? e.message : String(e)}`) };
      }
      return { status: 200, json: encodeInferResponse(this.opts.modelName, this.opts.modelVersion, request.id, outputs), inferMs: ms };
    } finally {
      this.#inFlight--;
      this.#onIdle?.();
    }
  }
}

/**
 * `/v2/health/live`, `/v2/health/ready`, and `/v2/models/{name}[/versions/{v}][/ready|/infer]`
 * (query string ignored, path segments percent-decoded); anything else is undefined.
 */
export function parseRoute(url: string): Route | undefined {
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (path === '/v2/health/live') return { kind: 'live' };
  if (path === '/v2/health/ready') return { kind: 'health-ready' };
  if (!path.startsWith(MODELS)) return undefined;
  const parts = path.slice(MODELS.length).split('/');
  let version: string | undefined;
  let rest = 1;
  if (parts[1] === 'versions' && parts.length >= 3) {
    version = parts[2];
    rest = 3;
  }
  if (parts.length > rest + 1) return undefined;
  const action = parts[rest];
  const kind = action === undefined ? 'metadata' : action === 'ready' ? 'model-ready' : action === 'infer' ? 'infer' : undefined;
  const name = decode(parts[0]!);
  const decodedVersion = version === undefined ? undefined : decode(version);
  if (kind === undefined || !name || decodedVersion === '' || (version !== undefined && decodedVersion === undefined)) return undefined;
  return { kind, name, version: decodedVersion };
}

function decode(segment: string): string | undefined {
  if (!segment.includes('%')) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
