// Test harness for integration tests: a real control plane (store, gateway, worker
// processes) in a temporary data dir on 127.0.0.1, an ephemeral port, and helpers that
// wait on state changes rather than sleeping.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRollcast, type Rollcast, type StartOptions } from '../../src/controller/start.js';
import type { RevisionId } from '../../src/spec/units.js';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
export const EXAMPLES = join(REPO, 'examples');
export const TOKEN = 'test-admin-token-0123456789';

export async function tempDir(prefix = 'rollcast-test-'): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/**
 * The autoscaler is off unless asked for: these tests set replica counts by hand and check
 * them, and a loop deciding every 10 s of real time would race them. Autoscaling tests pass
 * their own options (a manual controller clock, ticks driven by the test).
 */
export function startTestRollcast(dataDir: string, extra: Partial<StartOptions> = {}): Promise<Rollcast> {
  return startRollcast({
    autoscale: false,
    dataDir,
    host: '127.0.0.1',
    port: 0,
    adminToken: TOKEN,
    // Restart quickly: the crash tests wait for a replacement replica.
    backoff: { initialMs: 50, maxMs: 1000, resetAfterMs: 60_000 },
    ...extra,
  });
}

/** Resolves when `revision` has exactly `n` ready replicas and none starting. */
export function readyReplicas(rc: Rollcast, revision: string, n: number): Promise<void> {
  return rc.target.waitUntil((all) => {
    const mine = all.filter((r) => r.revisionId === (revision as RevisionId));
    return mine.filter((r) => r.phase === 'ready').length === n && mine.length === n;
  });
}

export { http, type HttpResult } from './http.js';

export const admin = { authorization: `Bearer ${TOKEN}` };

export function penguinRequest(rows: number[][] = [[39.1, 18.7, 181, 3750]]): unknown {
  return { inputs: [{ name: 'features', shape: [rows.length, 4], datatype: 'FP32', data: rows.flat() }] };
}
