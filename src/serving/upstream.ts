// Sending one request to one worker replica over a small pool of keep-alive connections.
//
// A purpose-built HTTP/1.1 client on node:net rather than undici: the gateway only ever sends
// `POST <infer path>` with a buffered body to its own workers and reads back one buffered
// response. What it saves per request: undici's Request object and header validation, its
// handler wrappers, and — the larger part — a full event-loop turn (setImmediate) before
// every reuse of a keep-alive socket (undici's guard against servers that close idle
// sockets), during which the worker sits idle. Here the request is one write of one buffer
// as soon as a connection is free, and the response is parsed in place from the bytes of
// usually a single read. Measured at saturation (bench/serving, BENCHMARKS.md): gateway CPU
// per proxied request 87 → 72 µs, throughput relative to nginx 0.49× → 0.60×.
//
// The trade-off: undici waits that turn so that bytes a server sent on an idle socket are
// seen before the socket is reused (GHSA-35p6-xmwp-9g52). Here bytes that arrive while a
// socket is idle close it at once, but bytes still unread in the kernel at the moment of
// reuse would be taken as the next answer. The peers are our own worker processes (node:http,
// which sends nothing unasked on an idle keep-alive socket), so this client is for them only.
//
// What it keeps: at most `connections` sockets per replica (admission control already keeps
// in-flight requests at or under that), idle sockets closed after KEEP_ALIVE_MS (before the
// worker's own 65 s idle close, so we never write into a socket the worker is closing),
// `Connection: close` honoured (a draining worker), Content-Length and chunked response
// bodies, a per-request timeout, and the same three outcomes as before:
//
// - `response`: a complete answer, any status.
// - `unreachable`: the connection failed *before the response headers* (refused, reset,
//   closed): the request did not complete, so it is safe to send it to another replica.
// - `timeout`: no complete answer within `timeoutMs`: a retry would only double the load.
// - `broken`: the connection broke after the response headers arrived (the model did run):
//   not retried either, reported as a bad gateway.

import { connect, type Socket } from 'node:net';

export type UpstreamOutcome =
  | { kind: 'response'; status: number; contentType: string | undefined; body: Buffer }
  | { kind: 'unreachable'; message: string }
  | { kind: 'timeout'; message: string }
  | { kind: 'broken'; message: string };

/** Idle connections are closed after this long; the worker's own idle close is at 65 s. */
const KEEP_ALIVE_MS = 60_000;
/** Bodies up to this size are copied behind the request head and sent in one write; larger ones are sent as a second buffer (writev) to avoid the copy. */
const COPY_BODY_BYTES = 64 * 1024;
const CRLF2 = Buffer.from('\r\n\r\n', 'latin1');
/** A response head longer than this is not from our worker: treat the connection as broken. */
const MAX_HEAD_BYTES = 64 * 1024;

interface Exchange {
  head: string;
  body: Buffer;
  resolve: (outcome: UpstreamOutcome) => void;
  timer: NodeJS.Timeout | undefined;
  done: boolean;
}

export class Upstream {
  readonly #host: string;
  readonly #port: number;
  readonly #timeoutMs: number;
  readonly #maxConnections: number;
  readonly #hostHeader: string;
  /** Idle connections, most recently used last (reused first: its socket is warm). */
  readonly #idle: Connection[] = [];
  readonly #all = new Set<Connection>();
  /** Requests waiting for a connection (only when more than `connections` are sent at once). */
  #waiting: Exchange[] = [];
  #closed = false;
  #sweeper: NodeJS.Timeout | undefined;

  constructor(host: string, port: number, opts: { connections: number; timeoutMs: number }) {
    this.#host = host;
    this.#port = port;
    this.#timeoutMs = opts.timeoutMs;
    this.#maxConnections = Math.max(1, opts.connections);
    this.#hostHeader = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  }

  send(path: string, body: Buffer, contentType: string): Promise<UpstreamOutcome> {
    // The content type comes from the client's request, where node:http already refuses CR
    // and LF in header values; checked again because it is copied into our request head.
    const type = contentType.includes('\r') || contentType.includes('\n') ? 'application/json' : contentType;
    const head = `POST ${path} HTTP/1.1\r\nhost: ${this.#hostHeader}\r\ncontent-type: ${type}\r\ncontent-length: ${body.length}\r\n\r\n`;
    return new Promise((resolve) => {
      const exchange: Exchange = { head, body, resolve, timer: undefined, done: false };
      if (this.#closed) return finish(exchange, { kind: 'unreachable', message: 'replica connection pool closed' });
      exchange.timer = setTimeout(() => this.#timedOut(exchange), this.#timeoutMs);
      this.#dispatch(exchange);
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const exchange of waiting) finish(exchange, { kind: 'unreachable', message: 'replica connection pool closed' });
    for (const conn of [...this.#all]) conn.destroy('replica connection pool closed');
    return Promise.resolve();
  }

  #dispatch(exchange: Exchange): void {
    // The sweep runs every KEEP_ALIVE_MS / 4, so an idle socket can outlive KEEP_ALIVE_MS by
    // that much; one that did is closed here instead of being written to.
    const stale = performance.now() - KEEP_ALIVE_MS;
    for (let idle = this.#idle.pop(); idle; idle = this.#idle.pop()) {
      if (idle.idleSince >= stale) return idle.start(exchange);
      idle.destroy(undefined);
    }
    if (this.#all.size < this.#maxConnections) return this.#open().start(exchange);
    this.#waiting.push(exchange);
  }

  #open(): Connection {
    const conn = new Connection(connect({ host: this.#host, port: this.#port, noDelay: true }), this);
    this.#all.add(conn);
    this.#sweeper ??= setInterval(() => this.#sweepIdle(), KEEP_ALIVE_MS / 4).unref();
    return conn;
  }

  #timedOut(exchange: Exchange): void {
    if (exchange.done) return;
    const queued = this.#waiting.indexOf(exchange);
    if (queued >= 0) this.#waiting.splice(queued, 1);
    // The connection it is on (if any) learns through `done` and is closed by it: a late
    // answer must not be read as the answer to the next request.
    finish(exchange, { kind: 'timeout', message: `no answer within ${this.#timeoutMs} ms` });
    for (const conn of this.#all) if (conn.exchange === exchange) conn.destroy(undefined);
  }

  /** A connection finished its exchange and can take another. */
  released(conn: Connection): void {
    const next = this.#waiting.shift();
    if (next) return conn.start(next);
    if (this.#closed) return conn.destroy(undefined);
    conn.idleSince = performance.now();
    this.#idle.push(conn);
  }

  /** A connection is gone (closed by either side); a waiting request may open a new one. */
  dropped(conn: Connection): void {
    this.#all.delete(conn);
    const i = this.#idle.indexOf(conn);
    if (i >= 0) this.#idle.splice(i, 1);
    const next = this.#closed ? undefined : this.#waiting.shift();
    if (next) this.#open().start(next);
  }

  #sweepIdle(): void {
    const cutoff = performance.now() - KEEP_ALIVE_MS;
    for (const conn of [...this.#idle]) if (conn.idleSince < cutoff) conn.destroy(undefined);
    if (this.#all.size === 0 && this.#sweeper) {
      clearInterval(this.#sweeper);
      this.#sweeper = undefined;
    }
  }
}

function finish(exchange: Exchange, outcome: UpstreamOutcome): void {
  if (exchange.done) return;
  exchange.done = true;
  if (exchange.timer) clearTimeout(exchange.timer);
  exchange.resolve(outcome);
}

/** One keep-alive socket to the worker and the parser state of the response it is reading. */
class Connection {
  exchange: Exchange | undefined;
  idleSince = 0;
  readonly #socket: Socket;
  readonly #pool: Upstream;
  #gone = false;
  #error: string | undefined;
  // Response parser state.
  #head: Buffer | undefined; // bytes of an incomplete head
  #headersDone = false;
  #status = 0;
  #contentType: string | undefined;
  #keepAlive = true;
  #framing: 'length' | 'chunked' | 'close' = 'length';
  #remaining = 0; // body bytes still expected ('length'), or of the current chunk ('chunked')
  #chunks: Buffer[] = [];
  #chunkState: 'size' | 'data' | 'data-crlf' | 'trailers' = 'size';
  #line: Buffer | undefined; // partial chunk-size or trailer line

  constructor(socket: Socket, pool: Upstream) {
    this.#socket = socket;
    this.#pool = pool;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err: Error) => {
      this.#error ??= err.message || (err as NodeJS.ErrnoException).code;
    });
    socket.on('close', () => this.#onClose());
  }

  start(exchange: Exchange): void {
    if (exchange.done) return this.#pool.released(this); // timed out while waiting
    this.exchange = exchange;
    this.#resetParser();
    const { head, body } = exchange;
    if (body.length <= COPY_BODY_BYTES) {
      const headLength = Buffer.byteLength(head, 'latin1');
      const bytes = Buffer.allocUnsafe(headLength + body.length);
      bytes.write(head, 0, headLength, 'latin1');
      body.copy(bytes, headLength);
      this.#socket.write(bytes);
    } else {
      this.#socket.cork();
      this.#socket.write(head, 'latin1');
      this.#socket.write(body);
      this.#socket.uncork();
    }
  }

  destroy(reason: string | undefined): void {
    if (reason !== undefined) this.#error ??= reason;
    this.#socket.destroy();
  }

  #resetParser(): void {
    this.#head = undefined;
    this.#headersDone = false;
    this.#status = 0;
    this.#contentType = undefined;
    this.#keepAlive = true;
    this.#framing = 'length';
    this.#remaining = 0;
    this.#chunks = [];
    this.#chunkState = 'size';
    this.#line = undefined;
  }

  #onData(chunk: Buffer): void {
    const exchange = this.exchange;
    if (!exchange || exchange.done) {
      // Bytes nobody asked for (or the late answer to a timed-out request): the stream is out
      // of step with our requests, so this connection cannot be trusted any more.
      return this.destroy(undefined);
    }
    let data = chunk;
    if (!this.#headersDone) {
      const buffered = this.#head ? Buffer.concat([this.#head, chunk]) : chunk;
      const end = buffered.indexOf(CRLF2);
      if (end < 0) {
        if (buffered.length > MAX_HEAD_BYTES) return void this.#fail('response head too large');
        this.#head = buffered;
        return;
      }
      this.#head = undefined;
      if (!this.#parseHead(buffered.toString('latin1', 0, end))) return;
      data = buffered.subarray(end + 4);
      if (this.#status < 200) {
        // 1xx (e.g. 100 Continue): an interim head; the real one follows.
        this.#headersDone = false;
        return data.length > 0 ? this.#onData(data) : undefined;
      }
      if (this.#status === 204 || this.#status === 304) {
        if (data.length > 0) return void this.#fail('body after a response that has none');
        return this.#complete();
      }
    }
    if (data.length > 0 && !this.#body(data)) return;
    if (this.#framing === 'length' && this.#remaining === 0) this.#complete();
  }

  /** Parses the status line and headers; false (connection failed) when they are not HTTP/1.x. */
  #parseHead(text: string): boolean {
    const lines = text.split('\r\n');
    const statusLine = lines[0] ?? '';
    const status = Number(statusLine.slice(9, 12));
    if (!statusLine.startsWith('HTTP/1.') || !(status >= 100 && status <= 999)) return this.#fail(`not an HTTP/1.x response: ${JSON.stringify(statusLine.slice(0, 40))}`);
    this.#status = status;
    this.#headersDone = true;
    // Only the headers that frame the body or that the gateway passes on are read; the
    // others are skipped without building strings for them (a measurable cost per request).
    let contentType: string | undefined;
    let contentLength: string | undefined;
    let connection = '';
    let chunked = false;
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const first = line.charCodeAt(0) | 0x20; // ASCII lower case
      if (first !== 0x63 /* c */ && first !== 0x74 /* t */) continue;
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'content-type') contentType = value;
      else if (name === 'content-length') contentLength = contentLength === undefined || contentLength === value ? value : 'conflicting';
      else if (name === 'connection') connection += `${value.toLowerCase()},`;
      else if (name === 'transfer-encoding') chunked ||= value.toLowerCase().includes('chunked');
    }
    this.#contentType = contentType;
    this.#keepAlive = statusLine.startsWith('HTTP/1.1') ? !connection.includes('close') : connection.includes('keep-alive');
    if (chunked) {
      this.#framing = 'chunked';
    } else if (contentLength !== undefined) {
      const length = Number(contentLength);
      if (!Number.isSafeInteger(length) || length < 0) return this.#fail(`bad content-length ${JSON.stringify(contentLength)}`);
      this.#framing = 'length';
      this.#remaining = length;
    } else {
      this.#framing = 'close'; // the body runs until the worker closes the connection
      this.#keepAlive = false;
    }
    return true;
  }

  /** Consumes body bytes; false once the connection has been failed. */
  #body(data: Buffer): boolean {
    switch (this.#framing) {
      case 'close':
        this.#chunks.push(data);
        return true;
      case 'length':
        if (data.length > this.#remaining) return this.#fail('more bytes than content-length');
        this.#chunks.push(data);
        this.#remaining -= data.length;
        return true;
      case 'chunked':
        return this.#chunked(data);
    }
  }

  /** Chunked transfer coding (RFC 9112 §7.1): size line, data, CRLF, …, 0, trailers, CRLF. */
  #chunked(input: Buffer): boolean {
    let data = input;
    while (data.length > 0) {
      if (this.#chunkState === 'data') {
        const take = Math.min(this.#remaining, data.length);
        this.#chunks.push(data.subarray(0, take));
        this.#remaining -= take;
        data = data.subarray(take);
        if (this.#remaining === 0) this.#chunkState = 'data-crlf';
        continue;
      }
      // 'size', 'data-crlf' and 'trailers' all read one line.
      const joined = this.#line ? Buffer.concat([this.#line, data]) : data;
      const eol = joined.indexOf('\r\n');
      if (eol < 0) {
        if (joined.length > MAX_HEAD_BYTES) return this.#fail('chunk line too long');
        this.#line = joined;
        return true;
      }
      this.#line = undefined;
      const line = joined.toString('latin1', 0, eol);
      data = joined.subarray(eol + 2);
      if (this.#chunkState === 'data-crlf') {
        if (line !== '') return this.#fail('chunk not followed by CRLF');
        this.#chunkState = 'size';
      } else if (this.#chunkState === 'size') {
        const size = parseInt(line, 16); // chunk extensions after ';' are ignored by parseInt
        if (!Number.isSafeInteger(size) || size < 0) return this.#fail(`bad chunk size ${JSON.stringify(line.slice(0, 20))}`);
        this.#remaining = size;
        this.#chunkState = size === 0 ? 'trailers' : 'data';
      } else if (line === '') {
        // End of trailers: the message is complete.
        if (data.length > 0) return this.#fail('bytes after the end of the response');
        this.#complete();
        return false;
      }
    }
    return true;
  }

  #complete(): void {
    const exchange = this.exchange;
    if (!exchange) return;
    this.exchange = undefined;
    const chunks = this.#chunks;
    const body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
    const outcome: UpstreamOutcome = { kind: 'response', status: this.#status, contentType: this.#contentType, body };
    const reusable = this.#keepAlive;
    this.#resetParser();
    if (reusable) this.#pool.released(this);
    else this.destroy(undefined);
    finish(exchange, outcome);
  }

  /**
   * The response cannot be read: close the connection, which settles the exchange as a
   * broken connection (see #onClose). Returns false so parsers can `return this.#fail(…)`.
   */
  #fail(message: string): false {
    this.#error ??= message;
    this.#socket.destroy();
    return false;
  }

  #onClose(): void {
    if (this.#gone) return;
    this.#gone = true;
    const exchange = this.exchange;
    this.exchange = undefined;
    if (exchange && this.#framing === 'close' && this.#headersDone && this.#error === undefined) {
      // A body delimited by the connection closing has now ended.
      const chunks = this.#chunks;
      finish(exchange, { kind: 'response', status: this.#status, contentType: this.#contentType, body: chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks) });
    } else if (exchange) {
      const why = this.#error ?? 'other side closed';
      finish(exchange, this.#headersDone ? { kind: 'broken', message: `response cut short: ${why}` } : { kind: 'unreachable', message: why });
    }
    this.#pool.dropped(this);
  }
}
