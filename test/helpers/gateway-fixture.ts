// A Gateway on 127.0.0.1 for tests, on a manual clock: the revision specs it routes, a client
// that sends inference requests, a clock that says when a request joined the admission
// queue, and a reader for the Prometheus text the gateway exports.

import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { http } from './http.js';
import { ManualTime, type Cancel } from '../../src/controller/clock.js';
import type { Gateway } from '../../src/serving/gateway.js';
import type { RevisionRouteSpec } from '../../src/serving/routing-table.js';
import { revisionId, type RevisionId } from '../../src/spec/units.js';

/**
 * ManualTime that also reports each timer scheduled. The gateway schedules exactly one
 * timer per request that joins the admission queue (its queue timeout), so
 * `whenScheduled(n)` is the event "n requests have been queued so far".
 */
export class WatchedTime extends ManualTime {
  #scheduled = 0;
  readonly #watchers = new Set<() => void>();

  /** Timers scheduled since construction (fired and cancelled ones included). */
  get scheduled(): number {
    return this.#scheduled;
  }

  override after(ms: number, fn: () => void): Cancel {
    const cancel = super.after(ms, fn);
    this.#scheduled++;
    for (const watch of [...this.#watchers]) watch();
    return cancel;
  }

  /** Resolves once `total` timers have been scheduled in all. */
  whenScheduled(total: number): Promise<void> {
    if (this.#scheduled >= total) return Promise.resolve();
    return new Promise((resolve) => {
      const watch = () => {
        if (this.#scheduled < total) return;
        this.#watchers.delete(watch);
        resolve();
      };
      this.#watchers.add(watch);
    });
  }
}

export interface GatewayServer {
  url: string;
  /** Exceptions `gateway.handle` threw (a raw node:http server would crash on them). */
  readonly thrown: unknown[];
  close(): Promise<void>;
}

/**
 * Serves the gateway the way api/server.ts does (raw node:http, every request to
 * `gateway.handle`). A synchronous throw from `handle` would be an uncaught exception that
 * takes the process down; here it is recorded and answered 500, so the test that provoked
 * it fails with a readable assertion instead of killing the test worker.
 */
export async function serveGateway(gateway: Gateway): Promise<GatewayServer> {
  const thrown: unknown[] = [];
  const server: Server = createServer({ keepAliveTimeout: 120_000 }, (req, res) => {
    try {
      gateway.handle(req, res);
    } catch (err) {
      thrown.push(err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: `gateway.handle threw: ${String(err)}` }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    thrown,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const rev = (deployment: string, n = 1): RevisionId => revisionId(`${deployment}-r${n}`);

/** A revision of deployment `name` (model name = deployment name), generous limits unless overridden. */
export function revisionSpec(
  name: string,
  opts: { n?: number; version?: string; maxConcurrency?: number; maxQueue?: number; queueTimeoutMs?: number; timeoutMs?: number; maxBodyBytes?: number } = {},
): RevisionRouteSpec {
  return {
    deployment: name,
    revisionId: rev(name, opts.n ?? 1),
    modelName: name,
    modelVersion: opts.version ?? '1',
    signature: {
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 1] }],
      outputs: [{ name: 'y', datatype: 'FP32', shape: [-1, 1] }],
    },
    limits: { maxConcurrency: opts.maxConcurrency ?? 4, maxQueue: opts.maxQueue ?? 16, queueTimeoutMs: opts.queueTimeoutMs ?? 2000 },
    timeoutMs: opts.timeoutMs ?? 10_000,
    maxBodyBytes: opts.maxBodyBytes ?? 1024 * 1024,
  };
}

export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  json: unknown;
}

/** The `error` message of a `{"error": "..."}` body. */
export function errorOf(reply: Reply): string | undefined {
  return (reply.json as { error?: string } | undefined)?.error;
}

/** A client with its own connection pool, closed with the test file. */
export class GatewayClient {
  readonly #agent = new Agent({ keepAliveTimeout: 10_000 });

  constructor(private readonly base: string) {}

  send(method: 'GET' | 'POST', path: string, body?: string, headers: Record<string, string> = {}): Promise<Reply> {
    return http(this.base, method, path, body, headers, this.#agent);
  }

  /** POST an inference request for `model` (optionally to a pinned version). */
  infer(model: string, opts: { version?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
    const path = opts.version === undefined ? `/v2/models/${model}/infer` : `/v2/models/${model}/versions/${opts.version}/infer`;
    return this.send('POST', path, opts.body ?? '{"inputs":[{"name":"x","shape":[1,1],"datatype":"FP32","data":[1]}]}', opts.headers);
  }

  /** Closes the pool once every request sent has been answered. */
  close(): Promise<void> {
    return this.#agent.close();
  }

  /** Closes the pool now, failing requests still waiting (cleanup after a failed test). */
  destroy(): Promise<void> {
    return this.#agent.destroy();
  }
}

/**
 * A raw upload with node:http, for bodies undici would not send as-is: a declared
 * Content-Length with no body at all, or a chunked body (no Content-Length) that is never
 * ended. Resolves with the gateway's answer, which must come without the rest of the upload.
 */
export function rawUpload(base: string, path: string, opts: { contentLength?: number; chunk?: Buffer }): Promise<Reply> {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', ...(opts.contentLength !== undefined && { 'content-length': opts.contentLength }) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            json = undefined;
          }
          req.destroy();
          resolve({ status: res.statusCode ?? 0, headers: res.headers, json });
        });
      },
    );
    req.on('error', reject);
    if (opts.chunk) req.write(opts.chunk);
    else req.flushHeaders();
  });
}

/** One sample of the Prometheus text format: metric name, labels, value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1] ?? ''] = pair[2] ?? '';
    samples.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  return samples;
}

/** The value of the one sample of `name` whose labels include `labels`, or undefined. */
export function sampleValue(samples: Sample[], name: string, labels: Record<string, string>): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${name} ${JSON.stringify(labels)} matches ${found.length} samples`);
  return found[0]?.value;
}
