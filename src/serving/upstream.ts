// Sending one request to one worker replica over a keep-alive undici Pool.
//
// undici's low-level `dispatch` is used instead of `request()`: the response is small JSON
// and buffering it through a handler avoids a Readable stream per request, which is a
// measurable share of the gateway's CPU at saturation (bench/serving).
//
// The outcome distinguishes failures *before any response* (the worker died or refused the
// connection: the request never ran to completion, so it is safe to send it to another
// replica) from timeouts (the model is slow: a retry would only double the load).

import type { IncomingHttpHeaders } from 'node:http';
import { Pool, type Dispatcher } from 'undici';

export type UpstreamOutcome =
  | { kind: 'response'; status: number; headers: IncomingHttpHeaders; body: Buffer }
  | { kind: 'unreachable'; message: string }
  | { kind: 'timeout'; message: string };

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

export class Upstream {
  readonly #pool: Pool;
  readonly #timeoutMs: number;

  constructor(host: string, port: number, opts: { connections: number; timeoutMs: number }) {
    this.#timeoutMs = opts.timeoutMs;
    this.#pool = new Pool(`http://${host}:${port}`, {
      connections: opts.connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: opts.timeoutMs,
      bodyTimeout: opts.timeoutMs,
      connectTimeout: Math.min(opts.timeoutMs, 5_000),
    });
  }

  send(path: string, body: Buffer, contentType: string): Promise<UpstreamOutcome> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      let status = 0;
      let headers: IncomingHttpHeaders = {};
      let started = false;
      const timeoutMs = this.#timeoutMs;
      const handler: Dispatcher.DispatchHandler = {
        // undici only treats a handler as new-style when it has onRequestStart.
        onRequestStart() {},
        onResponseStart(_controller, statusCode, responseHeaders) {
          started = true;
          status = statusCode;
          headers = responseHeaders;
        },
        onResponseData(_controller, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          resolve({ kind: 'response', status, headers, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks) });
        },
        onResponseError(_controller, error) {
          const code = (error as { code?: string }).code ?? '';
          if (TIMEOUT_CODES.has(code)) {
            resolve({ kind: 'timeout', message: `no answer within ${timeoutMs} ms` });
          } else if (started) {
            // Headers arrived, then the socket broke: the model did run; report, don't retry.
            resolve({ kind: 'timeout', message: `response cut short: ${error.message}` });
          } else {
            resolve({ kind: 'unreachable', message: error.message || code });
          }
        },
      };
      this.#pool.dispatch(
        { method: 'POST', path, body, headers: { 'content-type': contentType }, idempotent: false },
        handler,
      );
    });
  }

  close(): Promise<void> {
    return this.#pool.destroy();
  }
}
