// FrameUpstream against a fake worker frame server on 127.0.0.1 that the test drives.

import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeResponse, requestReader, type RequestFrame } from '../worker/frame-protocol.js';
import { FrameUpstream } from './frame-upstream.js';

interface FakeFrameWorker {
  port: number;
  next(): Promise<{ frame: RequestFrame; socket: Socket }>;
  connections: number;
  close(): Promise<void>;
}

async function fakeWorker(): Promise<FakeFrameWorker> {
  const arrived: { frame: RequestFrame; socket: Socket }[] = [];
  const waiting: ((a: { frame: RequestFrame; socket: Socket }) => void)[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const reader = requestReader();
    socket.on('data', (chunk: Buffer) => {
      for (const frame of reader.push(chunk) ?? []) {
        const a = { frame, socket };
        const w = waiting.shift();
        if (w) w(a);
        else arrived.push(a);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    next: () => {
      const a = arrived.shift();
      return a ? Promise.resolve(a) : new Promise((resolve) => waiting.push(resolve));
    },
    get connections() {
      return connections;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0)) await c();
});

async function setup(timeoutMs = 10_000) {
  const worker = await fakeWorker();
  const upstream = new FrameUpstream('127.0.0.1', worker.port, timeoutMs);
  cleanup.push(() => upstream.close(), () => worker.close());
  return { worker, upstream };
}

describe('FrameUpstream', () => {
  it('multiplexes requests on one connection and matches answers by id, in any order', async () => {
    const { worker, upstream } = await setup();
    const first = upstream.send('/ignored', Buffer.from('{"n":1}'), 'application/json');
    const second = upstream.send('/ignored', Buffer.from('{"n":2}'), 'application/json');
    const a = await worker.next();
    const b = await worker.next();
    expect([a.frame.payload.toString(), b.frame.payload.toString()]).toEqual(['{"n":1}', '{"n":2}']);
    b.socket.write(encodeResponse(b.frame.id, 400, '{"error":"second"}'));
    a.socket.write(encodeResponse(a.frame.id, 200, '{"ok":1}'));
    expect(await second).toMatchObject({ kind: 'response', status: 400 });
    const one = await first;
    expect(one.kind === 'response' && one.body.toString()).toBe('{"ok":1}');
    expect(worker.connections).toBe(1);
  });

  it('a connection that closes with requests in flight makes them unreachable, and the next request reconnects', async () => {
    const { worker, upstream } = await setup();
    const pending = upstream.send('/', Buffer.from('{}'), 'application/json');
    const { socket } = await worker.next();
    socket.destroy();
    expect(await pending).toMatchObject({ kind: 'unreachable' });
    const again = upstream.send('/', Buffer.from('{}'), 'application/json');
    const next = await worker.next();
    next.socket.write(encodeResponse(next.frame.id, 200, '{}'));
    expect(await again).toMatchObject({ kind: 'response', status: 200 });
    expect(worker.connections).toBe(2);
  });

  it('a refused connection is unreachable (safe to retry elsewhere)', async () => {
    const { worker, upstream } = await setup();
    await worker.close();
    expect(await upstream.send('/', Buffer.from('{}'), 'application/json')).toMatchObject({ kind: 'unreachable' });
  });

  it('no answer within the timeout is a timeout, and a late answer is ignored', async () => {
    const { worker, upstream } = await setup(50);
    const pending = upstream.send('/', Buffer.from('{}'), 'application/json');
    const late = await worker.next();
    expect(await pending).toEqual({ kind: 'timeout', message: 'no answer within 50 ms' });
    late.socket.write(encodeResponse(late.frame.id, 200, '{}'));
    const after = upstream.send('/', Buffer.from('{}'), 'application/json');
    const next = await worker.next();
    next.socket.write(encodeResponse(next.frame.id, 201, '{}'));
    expect(await after).toMatchObject({ kind: 'response', status: 201 });
  });

  it('bytes that are not response frames close the connection: requests become unreachable', async () => {
    const { worker, upstream } = await setup();
    const pending = upstream.send('/', Buffer.from('{}'), 'application/json');
    const { socket } = await worker.next();
    socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0]));
    expect(await pending).toMatchObject({ kind: 'unreachable', message: 'the worker sent bytes that are not response frames' });
  });
});
