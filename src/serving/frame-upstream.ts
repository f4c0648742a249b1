// The gateway's end of the frame channel to one worker (worker/frame-protocol.ts): one
// TCP connection per replica carrying many requests at once, matched by id. Requests sent
// in one event-loop turn leave in one write (cork/uncork), and a response needs no HTTP
// parsing — both ends are ours, so the CPU goes to the model instead (BENCHMARKS.md).
//
// Outcomes match the HTTP client's (upstream.ts): a connection that fails or closes before a
// request's answer arrived makes it `unreachable` (the gateway retries it once elsewhere);
// no answer within `timeoutMs` is a `timeout`. Deadlines are checked by one sweep timer per
// replica (every TIMEOUT_SWEEP_MS) instead of a timer per request.

import { connect, type Socket } from 'node:net';
import { encodeRequestHeader, responseReader } from '../worker/frame-protocol.js';
import type { UpstreamOutcome } from './upstream.js';

const TIMEOUT_SWEEP_MS = 100;

interface Pending {
  resolve: (outcome: UpstreamOutcome) => void;
  deadline: number;
}

export interface UpstreamClient {
  send(path: string, body: Buffer, contentType: string): Promise<UpstreamOutcome>;
  close(): Promise<void>;
}

export class FrameUpstream implements UpstreamClient {
  readonly #pending = new Map<number, Pending>();
  #socket: Socket | undefined;
  #nextId = 0;
  #sweeper: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly timeoutMs: number,
  ) {}

  send(_path: string, body: Buffer, _contentType: string): Promise<UpstreamOutcome> {
    if (this.#closed) return Promise.resolve({ kind: 'unreachable', message: 'replica connection closed' });
    return new Promise((resolve) => {
      this.#nextId = (this.#nextId + 1) >>> 0;
      const id = this.#nextId;
      this.#pending.set(id, { resolve, deadline: performance.now() + this.timeoutMs });
      const socket = this.#socket ?? this.#open();
      if (!socket.writableCorked) {
        socket.cork();
        process.nextTick(() => socket.uncork());
      }
      socket.write(encodeRequestHeader(id, body.length));
      socket.write(body);
      this.#sweeper ??= setInterval(() => this.#sweep(), TIMEOUT_SWEEP_MS).unref();
    });
  }

  close(): Promise<void> {
    this.#closed = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#socket?.destroy();
    this.#failAll('replica connection closed');
    return Promise.resolve();
  }

  #open(): Socket {
    // Writes made before the connection is up are buffered by the socket and sent on connect.
    const socket = connect({ host: this.host, port: this.port, noDelay: true });
    const reader = responseReader();
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => {
      const frames = reader.push(chunk);
      if (!frames) {
        socket.destroy(new Error('the worker sent bytes that are not response frames'));
        return;
      }
      for (const frame of frames) {
        const pending = this.#pending.get(frame.id);
        if (!pending) continue; // timed out already
        this.#pending.delete(frame.id);
        pending.resolve({ kind: 'response', status: frame.status, contentType: 'application/json', body: frame.payload });
      }
    });
    let why = 'connection closed';
    socket.on('error', (err) => {
      why = err.message;
    });
    socket.on('close', () => {
      if (this.#socket === socket) {
        this.#socket = undefined;
      }
      // Every request still waiting on this connection got no answer: the worker died or
      // closed it. They are safe to send elsewhere (see the header).
      this.#failAll(why);
    });
    return socket;
  }

  #failAll(message: string): void {
    if (this.#pending.size === 0) return;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const p of pending) p.resolve({ kind: 'unreachable', message });
  }

  #sweep(): void {
    if (this.#pending.size === 0) return;
    const now = performance.now();
    for (const [id, p] of this.#pending) {
      if (p.deadline > now) continue;
      this.#pending.delete(id);
      p.resolve({ kind: 'timeout', message: `no answer within ${this.timeoutMs} ms` });
    }
  }
}
