// The gateway's HTTP/1.1 client against raw TCP servers on 127.0.0.1 that answer byte by
// byte as each test says: framing (Content-Length split across reads, chunked, close-
// delimited), keep-alive reuse and `Connection: close`, the connection limit, and the three
// outcomes (response / unreachable before the headers / timeout or cut short after them).

import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Upstream } from './upstream.js';

interface RawServer {
  port: number;
  /** Every connection accepted, in order. */
  sockets: Socket[];
  /** Requests received (head + body as text), in order. */
  requests: string[];
  close(): Promise<void>;
}

/** A server that calls `answer` once per complete request (Content-Length framed). */
async function rawServer(answer: (socket: Socket, request: string, index: number) => void): Promise<RawServer> {
  const sockets: Socket[] = [];
  const requests: string[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const length = Number(/content-length: (\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const request = buffered.slice(0, end + 4 + length);
        buffered = buffered.slice(end + 4 + length);
        requests.push(request);
        answer(socket, request, requests.length - 1);
      }
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sockets,
    requests,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function setup(answer: Parameters<typeof rawServer>[0], opts: { connections?: number; timeoutMs?: number } = {}) {
  const server = await rawServer(answer);
  const upstream = new Upstream('127.0.0.1', server.port, { connections: opts.connections ?? 4, timeoutMs: opts.timeoutMs ?? 5_000 });
  cleanup.push(() => upstream.close(), () => server.close());
  return { server, upstream };
}

const body = Buffer.from('{"inputs":[]}');

describe('Upstream', () => {
  it('sends one POST with the body and reads a Content-Length response split across reads', async () => {
    const { server, upstream } = await setup((socket) => {
      const text = ok('{"outputs":[1,2,3]}');
      socket.write(text.slice(0, 20));
      setTimeout(() => socket.write(text.slice(20, text.length - 5)), 5);
      setTimeout(() => socket.write(text.slice(text.length - 5)), 10);
    });
    const outcome = await upstream.send('/v2/models/m/infer', body, 'application/json');
    expect(outcome).toMatchObject({ kind: 'response', status: 200, contentType: 'application/json' });
    expect(outcome.kind === 'response' && outcome.body.toString()).toBe('{"outputs":[1,2,3]}');
    expect(server.requests[0]).toBe(
      `POST /v2/models/m/infer HTTP/1.1\r\nhost: 127.0.0.1:${server.port}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n{"inputs":[]}`,
    );
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    const { server, upstream } = await setup((socket, _req, i) => socket.write(ok(`{"n":${i}}`)));
    for (let i = 0; i < 5; i++) {
      const outcome = await upstream.send('/x', body, 'application/json');
      expect(outcome.kind === 'response' && outcome.body.toString()).toBe(`{"n":${i}}`);
    }
    expect(server.sockets).toHaveLength(1);
  });

  it('opens at most `connections` sockets; further requests wait for one to free up', async () => {
    const held: Socket[] = [];
    const { server, upstream } = await setup((socket) => held.push(socket), { connections: 2 });
    const replies = [0, 1, 2].map(() => upstream.send('/x', body, 'application/json'));
    await expect.poll(() => server.requests.length).toBe(2);
    expect(server.sockets).toHaveLength(2);
    held[0]!.write(ok('{"first":true}'));
    await expect.poll(() => server.requests.length).toBe(3);
    for (const s of held.slice(1)) s.write(ok('{}'));
    expect((await Promise.all(replies)).map((o) => o.kind)).toEqual(['response', 'response', 'response']);
    expect(server.sockets).toHaveLength(2);
  });

  it('decodes a chunked body, extensions and trailers included', async () => {
    const { upstream } = await setup((socket) => {
      socket.write('HTTP/1.1 201 Created\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n');
      setTimeout(() => socket.write('6\r\n world\r\n0\r\nx-trailer: 1\r\n\r\n'), 5);
    });
    const outcome = await upstream.send('/x', body, 'application/json');
    expect(outcome).toMatchObject({ kind: 'response', status: 201, contentType: 'text/plain' });
    expect(outcome.kind === 'response' && outcome.body.toString()).toBe('hello world');
  });

  it('skips an interim 100 Continue head', async () => {
    const { upstream } = await setup((socket) => socket.write(`HTTP/1.1 100 Continue\r\n\r\n${ok('{}')}`));
    expect(await upstream.send('/x', body, 'application/json')).toMatchObject({ kind: 'response', status: 200 });
  });

  it('closes a connection the worker marked `Connection: close` and opens a new one next time', async () => {
    const { server, upstream } = await setup((socket, _req, i) => socket.write(ok('{}', i === 0 ? 'connection: close\r\n' : '')));
    expect(await upstream.send('/x', body, 'application/json')).toMatchObject({ kind: 'response', status: 200 });
    expect(await upstream.send('/x', body, 'application/json')).toMatchObject({ kind: 'response', status: 200 });
    expect(server.sockets).toHaveLength(2);
  });

  it('reads a body without length until the connection closes', async () => {
    const { upstream } = await setup((socket) => socket.end('HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\n\r\n{"error":"boom"}'));
    const outcome = await upstream.send('/x', body, 'application/json');
    expect(outcome).toMatchObject({ kind: 'response', status: 500 });
    expect(outcome.kind === 'response' && outcome.body.toString()).toBe('{"error":"boom"}');
  });

  it('is unreachable (safe to retry elsewhere) when the worker drops the connection before answering', async () => {
    const { upstream } = await setup((socket) => socket.destroy());
    expect(await upstream.send('/x', body, 'application/json')).toEqual({ kind: 'unreachable', message: 'other side closed' });
  });

  it('is unreachable when nothing listens on the port', async () => {
    const { server, upstream } = await setup(() => undefined);
    await server.close();
    const outcome = await upstream.send('/x', body, 'application/json');
    expect(outcome.kind).toBe('unreachable');
    expect(outcome.kind === 'unreachable' && outcome.message).toMatch(/ECONNREFUSED/);
  });

  it('is a timeout, not a retry, when the connection breaks after the headers (the model did run)', async () => {
    const { upstream } = await setup((socket) => {
      socket.write('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n{"partial":');
      setTimeout(() => socket.destroy(), 5);
    });
    const outcome = await upstream.send('/x', body, 'application/json');
    expect(outcome).toEqual({ kind: 'broken', message: 'response cut short: other side closed' });
  });

  it('times out after timeoutMs, closes that connection, and a late answer never reaches the next request', async () => {
    const held: Socket[] = [];
    const { server, upstream } = await setup((socket, _req, i) => (i === 0 ? held.push(socket) : socket.write(ok('{"fresh":true}'))), { timeoutMs: 50 });
    expect(await upstream.send('/x', body, 'application/json')).toEqual({ kind: 'timeout', message: 'no answer within 50 ms' });
    await expect.poll(() => held[0]?.destroyed || held[0]?.readableEnded).toBe(true);
    const next = await upstream.send('/x', body, 'application/json');
    expect(next.kind === 'response' && next.body.toString()).toBe('{"fresh":true}');
    expect(server.sockets).toHaveLength(2);
  });

  it('treats bytes that are not HTTP as a broken connection', async () => {
    const { upstream } = await setup((socket) => socket.write('SSH-2.0-OpenSSH\r\n\r\n'));
    const outcome = await upstream.send('/x', body, 'application/json');
    expect(outcome.kind).toBe('unreachable');
    expect(outcome.kind === 'unreachable' && outcome.message).toMatch(/not an HTTP\/1\.x response/);
  });

  it('fails requests in flight and later ones once closed', async () => {
    const { upstream } = await setup(() => undefined);
    const pending = upstream.send('/x', body, 'application/json');
    await new Promise((r) => setTimeout(r, 20));
    await upstream.close();
    expect(await pending).toEqual({ kind: 'unreachable', message: 'replica connection pool closed' });
    expect(await upstream.send('/x', body, 'application/json')).toEqual({ kind: 'unreachable', message: 'replica connection pool closed' });
  });

  it('sends a large body as head + body without copying it, byte for byte', async () => {
    const big = Buffer.alloc(200_000, 0x61);
    const { server, upstream } = await setup((socket) => socket.write(ok('{}')));
    expect(await upstream.send('/x', big, 'application/json')).toMatchObject({ kind: 'response', status: 200 });
    expect(server.requests[0]?.endsWith('a'.repeat(200_000))).toBe(true);
    expect(server.requests[0]).toContain('content-length: 200000\r\n');
  });
});
