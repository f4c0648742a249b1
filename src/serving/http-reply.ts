// Small helpers for answering on a raw node:http response: JSON bodies with a precomputed
// Content-Length, and the `{"error": "..."}` shape every error of rollcast uses. (Request
// bodies are read with worker/http-io.ts, shared with the worker.)

import type { ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, value: unknown, headers?: Record<string, string>): void {
  const body = JSON.stringify(value);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}

export function sendError(res: ServerResponse, status: number, message: string, headers?: Record<string, string>): void {
  sendJson(res, status, { error: message }, headers);
}

/** Answer, then close the connection: used when the rest of an upload will not be read. */
export function sendErrorAndClose(res: ServerResponse, status: number, message: string): void {
  res.shouldKeepAlive = false;
  res.on('finish', () => res.req.socket.destroy());
  sendError(res, status, message, { connection: 'close' });
}
