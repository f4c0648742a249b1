// Small node:http helpers for the worker and the gateway: bounded body reading and one-shot
// JSON replies.

import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';

export const ABORTED = Symbol('aborted');

/** The body passed the limit: `bytes` is the declared length, or the bytes seen so far. */
export interface TooLarge {
  tooLarge: true;
  bytes: number;
  declared: boolean;
}

/**
 * The request body, or TooLarge as soon as it is known to exceed `limit` bytes: at once from
 * Content-Length, else when the running total passes it; nothing past the limit is buffered.
 * With a Content-Length the body is copied into one buffer of that size (no concat).
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer | TooLarge | typeof ABORTED> {
  const header = req.headers['content-length'];
  const declared = header === undefined ? -1 : Number(header);
  if (declared > limit) return Promise.resolve({ tooLarge: true, bytes: declared, declared: true });
  return new Promise((resolve) => {
    const whole = declared >= 0 ? Buffer.allocUnsafe(declared) : undefined;
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      if (size + chunk.length > limit) {
        req.off('data', onData);
        req.pause();
        resolve({ tooLarge: true, bytes: size + chunk.length, declared: false });
        return;
      }
      if (whole) chunk.copy(whole, size);
      else chunks.push(chunk);
      size += chunk.length;
    };
    req.on('data', onData);
    req.once('end', () => {
      if (whole) resolve(size === declared ? whole : whole.subarray(0, size));
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size));
    });
    // The client went away mid-body (Node emits 'error' or only 'close', depending on timing).
    req.once('error', () => resolve(ABORTED));
    req.once('close', () => {
      if (!req.complete) resolve(ABORTED);
    });
  });
}

/**
 * Reads and throws away what is left of a request body we refused (413), so the client sees
 * the response instead of a reset connection: closing a socket with unread bytes makes the
 * kernel send RST, and clients still uploading then fail with EPIPE/ECONNRESET before they
 * read the 413 (nginx calls the cure "lingering close"). Nothing is buffered; once more than
 * `capBytes` have been thrown away the socket is cut, so a client cannot keep us reading.
 */
export function discardBody(req: IncomingMessage, capBytes: number): void {
  let discarded = 0;
  req.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > capBytes) req.socket.destroy();
  });
  req.resume();
}

/** Writes a complete JSON response. `json` is already serialized (stringify happens once). */
export function sendJson(res: ServerResponse, status: number, json: string, headers: OutgoingHttpHeaders): void {
  if (res.headersSent || res.destroyed) return;
  const body = Buffer.from(json, 'utf8');
  headers['content-type'] = 'application/json';
  headers['content-length'] = body.length;
  res.writeHead(status, headers);
  res.end(body);
}

export const errorJson = (message: string): string => JSON.stringify({ error: message });
