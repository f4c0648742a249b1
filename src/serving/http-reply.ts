// Small helpers for answering on a raw node:http response: JSON bodies with a precomputed
// Content-Length, and the `{"error": "..."}` shape every error of rollcast uses.

import type { IncomingMessage, ServerResponse } from 'node:http';

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

export type BodyResult = { ok: true; body: Buffer } | { ok: false; status: 413 | 400; message: string };

/**
 * Reads a request body up to `limit` bytes. Past the limit it stops buffering at once and
 * the caller answers 413 with `Connection: close` (the rest of the upload is not read).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<BodyResult> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) {
    return Promise.resolve({ ok: false, status: 413, message: tooLarge(Number(declared), limit) });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        resolve({ ok: false, status: 413, message: tooLarge(size, limit, true) });
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve({ ok: true, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size) });
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      resolve({ ok: false, status: 400, message: `request body could not be read: ${err.message}` });
    });
  });
}

function tooLarge(size: number, limit: number, atLeast = false): string {
  return `request body of ${atLeast ? 'more than ' : ''}${size} bytes exceeds the limit of ${limit} bytes (spec.serving.maxBodyBytes)`;
}

/** Answer, then close the connection: used when the rest of an upload will not be read. */
export function sendErrorAndClose(res: ServerResponse, status: number, message: string): void {
  res.shouldKeepAlive = false;
  res.on('finish', () => res.req.socket.destroy());
  sendError(res, status, message, { connection: 'close' });
}
