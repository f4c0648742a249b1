// Test harness for integration tests: a real control plane (store, gateway, worker
// processes) in a temporary data dir on 127.0.0.1, an ephemeral port, and helpers that
// wait on state changes rather than sleeping.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { startRollcast, type Rollcast } from '../../src/controller/start.js';
import type { RevisionId } from '../../src/spec/units.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const EXAMPLES = join(REPO, 'examples');
export const TOKEN = 'test-admin-token-0123456789';

export async function tempDir(prefix = 'rollcast-test-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export function startTestRollcast(dataDir: string): Promise<Rollcast> {
  return startRollcast({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    adminToken: TOKEN,
    // Restart quickly: the crash tests wait for a replacement replica.
    backoff: { initialMs: 50, maxMs: 1000, resetAfterMs: 60_000 },
  });
}

/** Resolves when `revision` has exactly `n` ready replicas and none starting. */
export function readyReplicas(rc: Rollcast, revision: string, n: number): Promise<void> {
  return rc.target.waitUntil((all) => {
    const mine = all.filter((r) => r.revisionId === (revision as RevisionId));
    return mine.filter((r) => r.phase === 'ready').length === n && mine.length === n;
  });
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
  text: string;
}

export async function http(base: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const res = await request(new URL(path, base), {
    method,
    headers: { ...(payload !== undefined && { 'content-type': 'application/json' }), ...headers },
    ...(payload !== undefined && { body: payload }),
  });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, json, text };
}

export const admin = { authorization: `Bearer ${TOKEN}` };

export function penguinRequest(rows: number[][] = [[39.1, 18.7, 181, 3750]]): unknown {
  return { inputs: [{ name: 'features', shape: [rows.length, 4], datatype: 'FP32', data: rows.flat() }] };
}
