// A stand-in for the admin API on 127.0.0.1, for the command tests of the live autoscaling
// CLI (`import history`, `forecast NAME`, `explain`, `load --trace`): it answers the routes of
// src/api/autoscaling-views.ts with canned views and records every request it received, so a
// test can assert both what the command printed and what it sent. Routes not given answer
// 404 with the `{"error"}` body the real server uses.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiClient } from '../src/cli/client.js';

export interface Received {
  method: string;
  /** Path with the query string, e.g. `/api/v1/deployments/web/decisions?limit=5`. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** An answer: a status and a JSON body (an object, or `{ error }`). */
export interface Answer {
  status?: number;
  json: unknown;
}

/** `METHOD /path` (no query) → the answer, or a function of the request for dynamic ones. */
export type Routes = Record<string, Answer | ((req: Received) => Answer)>;

export interface FakeAdmin {
  url: string;
  api: ApiClient;
  received: Received[];
  routes: Routes;
  close(): Promise<void>;
}

export async function startFakeAdmin(routes: Routes, token = 'test-token'): Promise<FakeAdmin> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const rec: Received = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
      received.push(rec);
      const key = `${rec.method} ${rec.url.split('?')[0]}`;
      const route = fake.routes[key];
      const answer: Answer = route === undefined ? { status: 404, json: { error: `no route ${key}` } } : typeof route === 'function' ? route(rec) : route;
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fake: FakeAdmin = {
    url,
    api: new ApiClient({ url, token }),
    received,
    routes,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
  return fake;
}

/** Collects what a command prints: pass `out.print` as its printer, read `out.text`. */
export function capture(): { print: (text: string) => void; readonly text: string } {
  let text = '';
  return {
    print: (t: string) => void (text += t),
    get text() {
      return text;
    },
  };
}
