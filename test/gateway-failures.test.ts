// Gateway failure paths not covered by gateway-admission.test.ts: a response cut short after
// its headers (502, not retried), a worker that refuses with 503 before reading (retried on
// another replica), and a client that hangs up while queued (its queue place is given back).

import { request as httpRequest } from 'node:http';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Gateway } from '../src/serving/gateway.js';
import { FakeReplica, nextArrival } from './helpers/fake-replica.js';
import { errorOf, GatewayClient, rev, revisionSpec, serveGateway, WatchedTime, type GatewayServer } from './helpers/gateway-fixture.js';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setup(name: string, opts: Parameters<typeof revisionSpec>[1] = {}) {
  const time = new WatchedTime();
  const gateway = new Gateway({ scheduler: time });
  const server: GatewayServer = await serveGateway(gateway);
  const client = new GatewayClient(server.url);
  cleanup.push(() => server.close(), () => client.destroy());
  gateway.routes.upsertRevision(revisionSpec(name, opts));
  gateway.routes.setWeights(name, new Map([[rev(name), 100]]));
  return { time, gateway, server, client };
}

async function replicas(gateway: Gateway, name: string, ids: string[]): Promise<FakeReplica[]> {
  const started = await Promise.all(ids.map((id) => FakeReplica.start(`${name}-${id}`)));
  cleanup.push(() => Promise.all(started.map((f) => f.close())).then(() => undefined));
  for (const f of started) gateway.replicaReady(rev(name), f.endpoint);
  return started;
}

describe('gateway failure paths', () => {
  it('a response cut short after its headers is a 502 and is not retried', async () => {
    const { gateway, client } = await setup('cut');
    let received = 0;
    const broken: Server = createServer((req, res) => {
      received++;
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 100 });
        // Headers and part of the body reach the gateway, then the connection dies.
        res.write('{"outputs":', () => res.socket?.destroy());
      });
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => new Promise((resolve) => broken.close(() => resolve())));
    const [other] = await replicas(gateway, 'cut', ['b']);
    if (other) other.mode = 'answer';
    gateway.replicaReady(rev('cut'), { replicaId: 'cut-broken', host: '127.0.0.1', port: (broken.address() as AddressInfo).port });
    // Send until one lands on the broken replica (least-outstanding ties rotate).
    for (let i = 0; i < 4 && received === 0; i++) {
      const res = await client.infer('cut');
      if (res.headers['x-rollcast-replica'] === 'cut-b') continue;
      expect(res.status).toBe(502);
      expect(errorOf(res)).toMatch(/model "cut" replica cut-broken: response cut short/);
    }
    expect(received).toBe(1);
    expect(other?.arrivals.length).toBeLessThan(4);
  });

  it('a worker that refuses with 503 before reading (draining) gets the request retried elsewhere', async () => {
    const { gateway, client } = await setup('drain503');
    const [a, b] = await replicas(gateway, 'drain503', ['a', 'b']);
    if (!a || !b) throw new Error('two replicas expected');
    a.mode = 'hold';
    b.mode = 'hold';
    const reply = client.infer('drain503');
    const first = await nextArrival(a, b);
    first.respond(503, { error: 'replica is draining' });
    const second = await nextArrival(first.replica === a ? b : a);
    second.respond();
    const res = await reply;
    expect(res.status).toBe(200);
    expect(res.headers['x-rollcast-replica']).toBe(second.replica.replicaId);
  });

  it('a client that hangs up while queued gives its place back', async () => {
    const { time, gateway, server, client } = await setup('gone', { maxConcurrency: 1, maxQueue: 1, queueTimeoutMs: 2000 });
    const [only] = await replicas(gateway, 'gone', ['a']);
    if (!only) throw new Error('no replica');
    only.mode = 'hold';
    const busy = client.infer('gone');
    const held = await nextArrival(only);

    // A raw request that queues, then its client disconnects.
    const url = new URL('/v2/models/gone/infer', server.url);
    const abandoned = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json' } });
    abandoned.on('error', () => undefined);
    abandoned.end('{"inputs":[]}');
    await time.whenScheduled(1);
    expect(gateway.revisions()[0]?.queued).toBe(1);
    const freed = new Promise<void>((resolve) => {
      const check = () => (gateway.revisions()[0]?.queued === 0 ? resolve() : setImmediate(check));
      check();
    });
    abandoned.destroy();
    await freed;

    // The queue has room again: this one waits instead of getting 429.
    const next = client.infer('gone');
    await time.whenScheduled(2);
    held.respond();
    (await nextArrival(only)).respond();
    expect((await busy).status).toBe(200);
    expect((await next).status).toBe(200);
    expect(only.received).toBe(2);
  });
});
